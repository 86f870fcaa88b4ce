/* multi_audit.h -- the invariant audit of an --outputs r > 1 run (issue 16):
 * the identities of the scalar audit that generalise to V in R^{r x k},
 * checked on the double trajectory, and the verdicts of the r > 1 MPFR
 * step audit (BOUND, FLIPS) and MPFR trajectory (DIVERGE).
 *
 *  HOMOG    w_j . grad_{w_j} L = V_j . grad_{V_j} L for every unit j (ReLU is
 *           positively homogeneous: both sides are (1/n) sum_i t_ij z_ij)
 *  IMBAL    the one-step imbalance identity per unit, b_j = |w_j|^2 - |V_j|^2:
 *           b_j(t+1) - b_j(t) = mu^2 (|grad_{w_j} L|^2 - |grad_{V_j} L|^2)
 *           (expand |w - mu g_w|^2 - |V - mu g_V|^2 and use HOMOG);
 *           not applicable with --freeze-v
 *  DESCENT  L(t+1) <= L(t) at every step
 *  ODDPART  population loss: |V W - 2A|_F <= 2 sqrt(2 L) at every state: the
 *           odd part of f(x) - A x is (V W / 2 - A) x, orthogonal to the even
 *           part under x ~ N(0, I), so |V W / 2 - A|_F^2 = E|odd|^2 <= 2 L;
 *           zero loss therefore forces V W = 2A (the zero-loss
 *           characterisation); not applicable to the empirical loss
 *  EVENPART population loss: the even part of every output line cancels at
 *           zero loss: e_o(x) = (1/2) V_o |W x| (the even part of line o of
 *           f, the target being odd) satisfies sqrt(sum_o |e_o|^2) <= sqrt(2 L)
 *           at every state (odd and even parts are orthogonal under
 *           N(0, I); the closed form is in multi_evenpart.c), so zero loss
 *           forces e_o = 0 on every line: the second half of the zero-loss
 *           characterisation, which ODDPART does not see (two units with
 *           w_b = -w_a, V_b = V_a add V_a |w_a.x| and nothing to V W);
 *           summary.json's "even_part" lists |e_o| at the last state; not
 *           applicable to the empirical loss
 *
 *  PAIRING  at the end of the run: the units match into k/2 pairs of opposite
 *           units (V_a ~ -V_b, w_a ~ -w_b; Appendix E, Figs. 6-8), each pair's
 *           relative residual <= --pairing-tol (audit/relu/pairing.h); the
 *           pairs, their residuals and outputs are reported and drawn
 *           (units.png, audit/relu/pairing_plot.h)
 *  BOUND    every component of every audited step within its rigorous
 *           round-off bound of the exact step (the MPFR step audit,
 *           shadow/relu/multi_shadow_observer.h, specs/roundoff.md M1-M9
 *           empirical, M10 population); not applicable with --audit-every 0
 *  FLIPS    the ambiguous and flipped activation pairs of the audited steps
 *           (a measurement, as in the scalar audit: held when every flip was
 *           within its bound, i.e. BOUND held); not applicable to the
 *           population loss (no indicators) and with --audit-every 0
 *  DIVERGE  held iff max_t |theta_t - theta_t^MPFR| / |theta_t^MPFR| <=
 *           --diverge-max (default 1e-6), theta^MPFR the independent MPFR
 *           trajectory from theta_0 (shadow/relu/multi_traj.h); not
 *           applicable with --no-shadow-trajectory
 *
 * Tolerances (HEURISTIC round-off allowances, not the scalar audit's
 * rigorous bounds; margins are 1 - residual / allowance, < 0 violates):
 *  HOMOG   1e-9 (|w_j||g_wj| + |V_j||g_Vj|) + 1e-12 (|w_j|^2 + |V_j|^2)(sqrt(2L) + |A|_F)
 *  IMBAL   1e-12 (|w_j|^2 + |V_j|^2) + 1e-9 mu^2 (|g_wj|^2 + |g_Vj|^2)
 *  DESCENT 1e-14 L(0)
 *  ODDPART 4 sqrt(u) |A|_F  (the closed form's cancellation floor ~ u |A|_F^2
 *          under the square root), u = 2^-53
 *  EVENPART 4 sqrt(u) (|A|_F + S), S = (1/2) sum_j |V_j||w_j| >= |e|: the same
 *          floor for L, plus the one of |e|^2's quadratic form (~ u S^2)
 * tests/test_multi.c shows each check fails on a broken input. */
#ifndef SG_MULTI_AUDIT_H
#define SG_MULTI_AUDIT_H

#include "audit/relu/pairing.h"
#include "audit/verdict.h"
#include "kernels/relu/multi_problem.h"
#include "run/context.h"
#include "shadow/relu/multi_shadow_observer.h"
#include "shadow/relu/multi_traj.h"

enum {
    SG_MINV_HOMOG = 0, SG_MINV_IMBAL, SG_MINV_DESCENT, SG_MINV_ODDPART, SG_MINV_EVENPART,
    SG_MINV_COUNT
};

typedef struct {
    const sg_mproblem *p;
    const sg_mworkspace *ws;
    double mu, a_norm, loss0;
    int freeze_v;
    sg_vresult res[SG_MINV_COUNT];
    double prev_loss;  /* L(t) of the last observed state           */
    int have_prev;
    double *b, *gw2, *gv2; /* per unit at the last observed state   */
    /* PAIRING, on the last observed state (the final one after the loop) */
    const double *theta_last;
    long step_last;
    double pairing_tol;
    int pairing_state;     /* 0 not computed, 1 computed, -1 refused   */
    sg_pairing pairing;
    sg_vresult pairing_res;
    /* BOUND: the MPFR step audit's totals (NULL: not applicable, why) */
    const sg_mshadow_obs *msh;
    char bound_na[200];
    sg_vresult bound_res;
    /* FLIPS (from msh) and DIVERGE (from the MPFR trajectory, NULL: none) */
    sg_vresult flips_res, diverge_res;
    const sg_mtraj *traj;
    double diverge_max;
    double *G;             /* k x k: EVENPART's Gram matrix             */
    double *even_line;     /* r: |e_o| at the last observed state       */
} sg_multi_audit;

/* the checks on one state / one step, for the observer and the tests:
   observe at theta_t with grad the gradient at theta_t and loss L(theta_t);
   step after the update theta_t -> theta_next */
void sg_multi_audit_observe(sg_multi_audit *a, long t, const double *theta, const double *grad,
                            double loss);
void sg_multi_audit_step(sg_multi_audit *a, long t, const double *theta_next);

/* 0, or -1 when out of memory */
int sg_multi_audit_init(sg_multi_audit *a, const sg_mproblem *p, const sg_mworkspace *ws,
                        double mu, int freeze_v);
void sg_multi_audit_free(sg_multi_audit *a);

/* PAIRING on theta (k*d + r*k, the model's layout [W | V]): fills
   a->pairing and a->pairing_res (idempotent) */
void sg_multi_audit_pairing(sg_multi_audit *a, const double *theta);

/* BOUND from a->msh (or a->bound_na) into a->bound_res */
void sg_multi_audit_bound(sg_multi_audit *a);

/* sqrt(sum_o |e_o|^2), e_o the even part of output line o under x ~ N(0, I)
   (multi_evenpart.c); G: k*k scratch; line (r, or NULL) receives |e_o| */
double sg_multi_even_norm(int d, int k, int r, const double *theta, double *G, double *line);

/* FLIPS from a->msh, DIVERGE from a->traj (multi_shadow_verdicts.c) */
void sg_multi_audit_flips(sg_multi_audit *a);
void sg_multi_audit_diverge(sg_multi_audit *a);

/* register the observer "multi_audit" on ctx (after sg_mshadow_attach, whose
   audit feeds BOUND); 0 or -1 */
int sg_multi_audit_attach(sg_run_ctx *ctx, const sg_mproblem *p, const sg_mworkspace *ws,
                          int freeze_v, double pairing_tol, double diverge_max);

const char *sg_minv_name(int id);

#endif
