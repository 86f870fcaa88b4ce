/* multi_shadow.h -- the MPFR step audit of the multi-output network
 * (--outputs r > 1; issue 16's missing BOUND).  Population loss: see
 * multi_pop_audit.c (the scalar shadow and bounds per output, M10).
 *
 * From a double state theta the shadow computes the exact step of the
 * kernels of kernels/relu/multi.h to precision p, in their order:
 *   Z[i][j] = w_j . x_i      exact sum of exact products rounded once (xacc.h),
 *                            so sign(Z), hence the ReLU indicator, is exact
 *   F[i][o] = sum_j ReLU(Z_ij) V_oj   mpfr_fma, j left to right, from 0
 *   R = F - Y                one rounding
 *   L = (sum_{i,o} R_io^2) / (2n)     mpfr_fma over the n*r cells, one division
 *   gV[o][j] = (sum_i R_io ReLU(Z_ij)) / n
 *   T[i][j] = R_i0 V_0j + sum_{o>0} R_io V_oj  (first product, then mpfr_fma)
 *   gW[j][l] = (sum_{i: Z_ij > 0} T_ij X_il) / n
 *   theta_new = theta - RN(mu g)  on the components the update moves
 * and checks every component of the double step against it:
 *     |double - shadow| <= E_binary64 + E_mpfr      (specs/roundoff.md A1, M1-M9)
 * with both bounds from multi_bounds.h (the shadow's own chain with u = 2^-p,
 * no underflow, exact indicator; its values enter the bounds as their double
 * images rounded away from zero, so every |c| used is >= the true one).
 */
#ifndef SG_MULTI_SHADOW_H
#define SG_MULTI_SHADOW_H

#include "shadow/relu/multi_bounds.h"
#include "shadow/xacc.h"

/* component classes, in the order of the summary's "components" object */
enum {
    SG_MS_Z = 0, SG_MS_RELU, SG_MS_F, SG_MS_R, SG_MS_LOSS, SG_MS_GV, SG_MS_T, SG_MS_GW,
    SG_MS_W, SG_MS_V, SG_MS_NCLASS
};
const char *sg_ms_class_name(int c);

typedef struct {
    long checked, violations;
    double max_ratio;
} sg_ms_class_stats;

typedef struct {
    mpfr_prec_t prec;
    const sg_mproblem *p;
    int n, d, k, r;
    long len, upd_len;
    sg_fp_model f64;          /* model of the audited double kernels (tests
                                 shrink u to show the check is sharp)        */
    mpfr_t *Z, *F, *R, *T, *g, *tn; /* nk, nr, nr, nk, len, len             */
    mpfr_t loss, t0, t1, e;
    sg_xacc acc;
    mpz_t z;
    double *Zm, *Hm, *Fm, *Rm, *Tm, *gm, *tnm; /* images, rounded away from 0 */
    sg_mbounds bd, bm;
    /* totals over the audited steps (saved in checkpoints) */
    long steps, checked, violations, ambiguous, flips, nonfinite, range_errors;
    double max_ratio;
    long max_ratio_step;
    int have_first;
    long first_step, first_index;
    int first_class;
    double first_err, first_bound;
    sg_ms_class_stats cls[SG_MS_NCLASS];
    /* the last audited step */
    double step_ratio;
    long step_violations, step_ambiguous, step_flips;
    /* population (multi_pop_audit.c, roundoff.md M10) */
    struct sg_mpop *pop;
    double pop_EL[4];       /* sums over outputs of the loss bounds, |L_o| */
    long replica_mismatch;  /* replica of the kernels' sums != the run's   */
} sg_mshadow;

/* 0, or -1 (no memory; everything freed).  upd_len: k*d + r*k, or k*d with
   --freeze-v.  prec in [SG_SHADOW_MIN_PREC, SG_XACC_MAX_PREC]. */
int sg_mshadow_init(sg_mshadow *s, const sg_mproblem *p, mpfr_prec_t prec, long upd_len);
void sg_mshadow_free(sg_mshadow *s);

/* The exact step from theta (shadow values, no check). */
void sg_mshadow_step(sg_mshadow *s, const double *theta, double mu);

/* The audit of the double step dbl computed from theta at step t: the
   shadow step, both bounds, every component compared; updates the totals
   and the step_* fields; returns the step's violations. */
long sg_mshadow_audit(sg_mshadow *s, long t, const double *theta, double mu,
                      const sg_mstep_view *dbl);

/* m MPFR numbers at prec (malloc'd, each initialised), or NULL */
/* gV[o][j] = sum_i [Z_ij > 0] R_io Z_ij / n (ReLU(Z) written as the
   indicator times Z), every sum left to right over i with one rounding per
   fma, acc a scratch: the MPFR step audit and the MPFR trajectory share it */
void sg_mshadow_grad_V(mpfr_t *Z, mpfr_t *R, int n, int k, int r, mpfr_ptr acc, mpfr_t *gV);

mpfr_t *sg_mshadow_alloc_mp(long m, mpfr_prec_t prec);

/* population (multi_pop_audit.c): set up by sg_mshadow_init, freed by
   sg_mshadow_free; sg_mpop_step fills s->loss, s->g, s->tn and the total
   bounds s->bd.Eloss, Eg, Etn; returns the replica mismatches */
int sg_mpop_init(sg_mshadow *s);
void sg_mpop_free(sg_mshadow *s);
long sg_mpop_step(sg_mshadow *s, const double *theta, double mu, const sg_mstep_view *dbl);

#endif
