/* bounds.h -- a-priori componentwise round-off bounds of one GD step.
 *
 * For every intermediate of one step computed from a state theta (the
 * computed values c^ are inputs), a bound E_c >= |c^ - c| where c is the
 * exact value of the step from the same theta, X, y, a.  The derivation,
 * one section per quantity, is specs/roundoff.md; the functions below cite
 * the sections.  The bounds depend on a floating-point model:
 *   binary64   u = 2^-53, eta = 2^-1074 (the double kernels, design sec. 4)
 *   MPFR p     u = 2^-p,  eta = 0       (the shadow's own error, sec. S2)
 * All bounds are evaluated in double under FE_UPWARD (this file is compiled
 * with -frounding-math, tests/shadow.mk), so every computed bound is >= the
 * real-number value of its formula; the caller's rounding mode is restored.
 */
#ifndef SG_BOUNDS_H
#define SG_BOUNDS_H

#include "kernels/relu/problem.h"

typedef struct {
    double u;    /* unit roundoff                                     */
    double eta;  /* absolute underflow error per product or quotient  */
    double ulp_libm; /* assumed accuracy of sin, cos, atan2 in ulps (population) */
    int exact_sign;  /* 1: z is the exact dot product rounded once (the MPFR
                        shadow's exact accumulator, xacc.h), so its sign is
                        exact and no activation is ambiguous (roundoff.md E2) */
} sg_fp_model;

/* Test-only: weaken one term of the empirical bounds, to show that a
   one-sample case catches it (tests/test_reliability.c).  Never set by the
   program: SG_WEAKEN_NONE. */
typedef enum {
    SG_WEAKEN_NONE = 0,
    SG_WEAKEN_GW_UNDERFLOW, /* E7 without its underflow term 2 eta (n + sum|x|) */
    SG_WEAKEN_GV_GAMMA,     /* E6 with gamma_n / 4                            */
    SG_WEAKEN_AMB_THRESHOLD,/* E2 ambiguity threshold Ez / 4                  */
    SG_WEAKEN_AMB_ER        /* E7 ambiguous term |r| without Er               */
} sg_bounds_weakening;
extern sg_bounds_weakening sg_bounds_weaken;

/* binary64 with glibc's libm (assumed <= 1 ulp for sin, cos, atan2) */
sg_fp_model sg_fp_binary64(void);
/* MPFR at precision prec, round to nearest, correctly rounded functions */
sg_fp_model sg_fp_mpfr(long prec);

/* gamma_m = m u / (1 - m u), rounded upwards (+inf if m u >= 1) */
double sg_gamma(const sg_fp_model *fm, double m);

typedef struct {
    int n, d, k;
    long len;
    double *S;          /* n*k: sum_l |x_il| |w_jl|  (empirical)         */
    double *colabs;     /* d:   sum_i |x_il|         (empirical)         */
    double *Ez;         /* n*k: bound on z, also on ReLU(z)              */
    double *Ef, *Er;    /* n                                             */
    double Eloss;
    double *Eg;         /* len: [gW | gv]                                */
    double *Etn;        /* len: theta - mu g                             */
    double *Epop;       /* 2k + k*k: norms, angles (population)          */
    double *cbuf;       /* n: scratch                                    */
    unsigned char *amb; /* n*k: 1 if |z^_ij| <= Ez_ij (empirical)        */
    long ambiguous;     /* number of ambiguous pairs                     */
} sg_bounds;

int sg_bounds_init(sg_bounds *b, const sg_problem *p);
void sg_bounds_free(sg_bounds *b);

/* S_ij = sum_l |x_il w_jl| at theta (upward).  Depends on theta only, so
   one call serves the binary64 and the MPFR chains at the same theta. */
void sg_bounds_absdot(sg_bounds *b, const sg_problem *p, const double *theta);

/* Empirical chain (roundoff.md sections E1-E8).  Inputs: the computed
   Z, H (n*k), r (n), loss, grad (len) and theta_new (len) of a step from
   theta with step size mu; sg_bounds_absdot(theta) must precede. */
void sg_bounds_empirical(sg_bounds *b, const sg_fp_model *fm, const sg_problem *p,
                         const double *theta, double mu, const double *Z,
                         const double *H, const double *r, double loss,
                         const double *grad, const double *theta_new);

/* Population chain, both models at once (roundoff.md sections P0-P6): a
   running error analysis along population.c / geometry.c, whose values
   this function recomputes in round-to-nearest.  bd gets the binary64
   bounds of the kernel's results (norm k, angle k*k, loss, grad,
   theta_new); bm the MPFR shadow's own error bounds (g_mp, tn_mp: images of
   the shadow's gradient and next state, rounded away from zero).  Returns
   the number of recomputed values that differ from the kernel's (expected
   0; a non-zero count means the replica, hence the bound, is invalid). */
long sg_bounds_population(sg_bounds *bd, sg_bounds *bm, const sg_fp_model *f64,
                          const sg_fp_model *fmp, const sg_problem *p, const double *theta,
                          double mu, const double *norm, const double *angle, double loss,
                          const double *grad, const double *theta_new, const double *g_mp,
                          const double *tn_mp);

/* bd <- bd + bm componentwise, upwards (the audit's total bound, A1) */
void sg_bounds_sum(sg_bounds *bd, const sg_bounds *bm);

#endif
