/* multi_bounds.h -- a-priori componentwise round-off bounds of one GD step
 * of the multi-output network (--outputs r > 1, --loss empirical; the
 * kernels of kernels/relu/multi.h in their documented operation order).
 *
 * For every intermediate c^ of one step computed from a double state theta
 * (the computed values are inputs), a bound E_c >= |c^ - c| where c is the
 * exact real value of the same step from the same theta, X, Y.  Derivation:
 * specs/roundoff.md sections M1-M8 (the scalar E1-E8 where the operation is
 * the same).  Floating-point model, evaluation under FE_UPWARD and the
 * restored rounding mode: as bounds.h (sg_fp_model; this file's functions
 * are compiled with rounding-math by bounds_private.h).
 */
#ifndef SG_MULTI_BOUNDS_H
#define SG_MULTI_BOUNDS_H

#include "kernels/relu/multi_problem.h"
#include "shadow/relu/bounds.h"

/* the computed values of one step from theta (all caller-owned) */
typedef struct {
    const double *Z, *H;   /* n*k                          */
    const double *F, *R;   /* n*r                          */
    const double *T;       /* n*k                          */
    double loss;
    const double *grad;    /* k*d + r*k  [gW | gV]         */
    const double *theta_new; /* k*d + r*k                  */
    const sg_pop_ws *pop;  /* population: norms and angles (Z .. T unused) */
} sg_mstep_view;

typedef struct {
    int n, d, k, r;
    long len;           /* k*d + r*k                                  */
    long upd_len;       /* components the update moves (k*d: --freeze-v) */
    double *S;          /* n*k: sum_l |x_il| |w_jl|                   */
    double *Ez;         /* n*k: bound on Z, also on ReLU(Z)   (M1, M2) */
    double *Ef, *Er;    /* n*r                                (M3, M4) */
    double *Et;         /* n*k: bound on T                    (M7)     */
    double Eloss;       /*                                    (M5)     */
    double *Eg;         /* len: [gW | gV]                     (M6, M8) */
    double *Etn;        /* len: theta_new                     (M9)     */
    unsigned char *amb; /* n*k: 1 if |Z^_ij| <= Ez_ij                  */
    long ambiguous;
} sg_mbounds;

/* 0, or -1 (no memory; everything freed).  Empirical loss only. */
int sg_mbounds_init(sg_mbounds *b, const sg_mproblem *p, long upd_len);
void sg_mbounds_free(sg_mbounds *b);

/* S_ij at theta, upwards (depends on theta only: one call serves the
   binary64 and the MPFR chains at the same theta) */
void sg_mbounds_absdot(sg_mbounds *b, const sg_mproblem *p, const double *theta);

/* the chain M1-M9 for the step s computed from theta with step size mu
   under the model fm; sg_mbounds_absdot(theta) must precede */
void sg_mbounds_empirical(sg_mbounds *b, const sg_fp_model *fm, const sg_mproblem *p,
                          const double *theta, double mu, const sg_mstep_view *s);

/* bd <- bd + bm componentwise, upwards (the audit's total bound, A1) */
void sg_mbounds_sum(sg_mbounds *bd, const sg_mbounds *bm);

#endif
