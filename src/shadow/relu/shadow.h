/* shadow.h -- the MPFR shadow of one GD step (design section 5).
 *
 * The shadow mirrors the double kernels (empirical.h, population.h) step by
 * step, in the same structure and order, but computes the *exact*
 * mathematical step to precision p (RNDN) instead of imitating binary64:
 *
 *   Z[i][j] = w_j . x_i          exact sum of exact products, rounded once
 *                                (xacc.h), so sign(Z) is the exact sign
 *   f[i]    = sum_j ReLU(Z)v_j   p-bit mul/add, j = 0..k-1
 *   r[i]    = f[i] - y[i]        one p-bit rounding
 *   L       = (sum_i r_i^2)/(2n) p-bit fma, i = 0..n-1, one division
 *   gv[j]   = (sum_i r_i ReLU(Z_ij))/n   p-bit fma, i = 0..n-1
 *   gW[j][l]= (sum_{i: Z_ij > 0} t_ij X_il)/n,  t_ij = RN_p(r_i v_j); the
 *             sum over i is exact (xacc.h), rounded once, then divided
 *   theta'  = theta - RN_p(mu g)  two p-bit roundings
 * Population: the formulas of population.c in the same order, with
 * mpfr_sqrt/sin/cos/atan2 and pi correctly rounded at precision p.
 *
 * The shadow reads the problem's double X, y, a (doubles are exact in MPFR);
 * it keeps O((n + d) k) MPFR numbers (no copy of X), all initialised once in
 * sg_shadow_init.  Its own error is bounded in specs/roundoff.md section S2
 * by the same chain as the double's with u = 2^-p and no underflow.
 */
#ifndef SG_SHADOW_H
#define SG_SHADOW_H

#include "kernels/relu/problem.h"
#include "shadow/fixdot.h"
#include "shadow/xacc.h"
#include <stdio.h> /* before mpfr.h: its FILE functions */
#include <mpfr.h>

#define SG_SHADOW_MIN_PREC 64
#define SG_SHADOW_DEFAULT_PREC 128
#define SG_SHADOW_LBLOCK 32   /* columns of gW accumulated at once ...      */
#define SG_SHADOW_JBLOCK 8    /* ... for this many neurons at once           */
#define SG_SHADOW_PREFETCH 4  /* rows of X prefetched ahead in the gW sums */

typedef struct {
    mpfr_prec_t prec;
    sg_loss_kind kind;
    int n, d, k;
    long len;                /* k*d + k                                     */
    long upd_len;            /* components the update moves: len, or k*d with
                                --freeze-v (v stays, as in the double run)  */
    mpfr_t *theta;           /* len: the point the gradient is taken at     */
    mpfr_t *grad;            /* len                                         */
    mpfr_t *theta_new;       /* len: theta - mu grad                        */
    mpfr_t *Z;               /* n*k (empirical)                             */
    mpfr_t *f, *r;           /* n   (empirical)                             */
    mpfr_t *norm, *angle;    /* k, k*k (population)                         */
    mpfr_t *gi;              /* d   (population scratch)                    */
    mpfr_t loss;
    mpfr_t t0, t1, t2, t3, t4, pi; /* scratch, and pi rounded to p          */
    mpfr_t ps[9];            /* population scratch                          */
    mpfr_t hp[6];            /* identities, at 4p bits                      */
    double *wabs;            /* d: scratch of the identities                */
    sg_xnum *wx;             /* k*d decomposed W (empirical)                */
    sg_xnum *tx;             /* n*k decomposed t = r v (empirical)          */
    uint64_t *limbs;         /* storage of wx and tx                        */
    /* the step audit's z in fixed point (fixdot.h; empirical): the k rows
       of W (q and slow lists: k*d entries) and one row of X (d), the
       conversion's input (d) and X's slow flags (d) */
    sg_fix_vec *wfix, xfix;
    int64_t *fixq;           /* (k + 1) * d: W's rows, then X's row        */
    int *fixslow;            /* (k + 1) * d                                 */
    sg_fix_in *fixin;        /* max(d, 1)                                   */
    unsigned char *xslowf;   /* d: 1 where X's entry l is slow              */
    sg_xacc *acc;            /* min(k, SG_SHADOW_JBLOCK) * SG_SHADOW_LBLOCK
                                accumulators (at least one)                */
    int nacc;
    mpz_t z;
    long range_errors;       /* reductions that could not be made exactly    */
    /* the exact fallback of S1 for reductions whose products leave the
       accumulator's range (tiny MPFR intermediates times subnormal data):
       products exact at p + 53 bits, summed by mpfr_sum; allocated on first
       use, max(n, d) of them */
    mpfr_t *fb_prod;
    mpfr_ptr *fb_ptr;
    long fb_cap;
    long fallbacks;          /* reductions done by the fallback             */
} sg_shadow;

/* Initialise every MPFR number at precision prec.  0, or -1 (no memory). */
int sg_shadow_init(sg_shadow *s, const sg_problem *p, mpfr_prec_t prec);
void sg_shadow_free(sg_shadow *s);

/* s->theta <- theta (exact: doubles are exact at p >= 53). */
void sg_shadow_set_theta(sg_shadow *s, const double *theta);

/* Loss and gradient at s->theta (fills Z, f, r or norm, angle; grad, loss). */
void sg_shadow_loss_grad(sg_shadow *s, const sg_problem *p);

/* theta_new <- theta - RN(mu grad) for q < upd_len; theta_new[q] = theta[q]
   beyond (the frozen v of --freeze-v, mirroring models/relu's update) */
void sg_shadow_update(sg_shadow *s, double mu);

/* Identities of design section 2 on the shadow's step, after
   sg_shadow_loss_grad and sg_shadow_update (theta = theta_t, theta_new =
   theta_{t+1}), for every neuron j, evaluated at 4p bits:
     homog_res_j = w_j . g_wj - v_j g_vj
     imbal_res_j = b_j+ - b_j - mu^2 (|g_wj|^2 - g_vj^2),  db_j = b_j+ - b_j
   (b_j = |w_j|^2 - v_j^2) with tolerances 2^(10-p) times their data scale
   (specs/roundoff.md A7).  Also loss_tol: a bound of that form on
   |RN64(loss) - exact loss at theta|.  Any output pointer may be NULL. */
void sg_shadow_identities(sg_shadow *s, const sg_problem *p, double mu, double *homog_res,
                          double *homog_tol, double *imbal_res, double *imbal_tol,
                          double *db, double *loss_tol);

/* theta <- theta_new (swaps the two arrays) */
void sg_shadow_advance(sg_shadow *s);

/* One GD step of the trajectory: loss_grad, update, advance. */
void sg_shadow_step(sg_shadow *s, const sg_problem *p, double mu);

#endif
