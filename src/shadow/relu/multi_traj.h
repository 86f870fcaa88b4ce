/* multi_traj.h -- the independent MPFR trajectory at --outputs r > 1 (issue
 * 16): a precision-p copy of the multi-output GD run, started from the same
 * theta_0 and stepped alongside the double run, never reset to it; the
 * distance between the two is DIVERGE's measure (the scalar shadow's,
 * sg_shadow_rel_divergence in shadow_audit.h), the verdict is the r > 1
 * audit's (audit/relu/multi_audit.h), same threshold --diverge-max.
 *
 * One step from the MPFR state theta (layout [W | V] of kernels/relu/multi.h):
 *   empirical, in the multi kernels' order, every operation an MPFR one at p
 *   bits (RNDN): Z = W x_i (mpfr_fma over l), F = ReLU(Z) V^T, R = F - Y,
 *   L = sum R^2 / (2n), gV = R^T ReLU(Z) / n, T = R V, gW_j = sum_{Z_ij > 0}
 *   T_ij x_i / n.  Unlike the step audit (multi_shadow.h) Z is not exact:
 *   its inputs are p-bit numbers, and the indicator's sign can only differ
 *   from the exact one when |Z_ij| <= d 2^-p |w_j||x_i|, an error of the
 *   trajectory's own order, 2^-p, far below the double's 2^-53 that DIVERGE
 *   measures (specs/roundoff.md S2 bounds the scalar shadow's the same way);
 *   population: the scalar shadow's closed form (shadow.h) per output o at
 *   [W | V_o] with a = A_o, gW summed over o left to right, as the multi
 *   kernels add them (roundoff.md M10);
 * then theta_new = theta - RN(mu g) on the components the update moves
 * (all, or W only with --freeze-v), the double run's update.
 */
#ifndef SG_MULTI_TRAJ_H
#define SG_MULTI_TRAJ_H

#include "kernels/relu/multi_problem.h"
#include "run/run.h"
#include "shadow/relu/shadow.h"

#define SG_MTRAJ_NAME "mpfr-trajectory-multi"

typedef struct sg_mtraj {
    mpfr_prec_t prec;
    const sg_mproblem *p;
    int n, d, k, r;
    long len, upd_len;
    mpfr_t *theta, *theta_new, *g; /* len                                  */
    mpfr_t *Z, *R, *T;             /* nk, nr, nk (empirical)               */
    mpfr_t loss, t0, t1, acc, nrm, e;
    sg_problem po;                 /* population: one output's problem     */
    sg_shadow sh;                  /* population: the scalar shadow        */
    int have_sh;
    /* DIVERGE's totals (checkpointed) */
    long steps, max_div_step;      /* states compared; -1: none yet         */
    double max_div, final_div, step_div;
    double mu;
    int row;                       /* this CSV row has a divergence         */
} sg_mtraj;

/* 0, or -1 (no memory; everything freed); theta <- theta0 */
int sg_mtraj_init(sg_mtraj *t, const sg_mproblem *p, const double *theta0, mpfr_prec_t prec,
                  double mu, long upd_len);
void sg_mtraj_free(sg_mtraj *t);

/* loss and gradient at t->theta, theta_new = theta - RN(mu g) */
void sg_mtraj_step(sg_mtraj *t);

/* compare the double state theta_step with t->theta (totals), then one MPFR
   step and theta <- theta_new: called once per state, in order */
void sg_mtraj_observe(sg_mtraj *t, long step, const double *theta);

/* register on ctx (nothing with --no-shadow-trajectory); 0, or -1 after one
   line on stderr */
int sg_mtraj_attach(sg_run_ctx *ctx, const sg_mproblem *p, int freeze_v);

/* the trajectory registered on ctx, or NULL */
const sg_mtraj *sg_mtraj_of(sg_run_ctx *ctx);

#endif
