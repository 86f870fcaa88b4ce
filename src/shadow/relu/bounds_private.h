/* bounds_private.h -- what bounds.c (empirical chain) and bounds_pop.c
 * (population chain) share: the upward-rounding primitives (call them
 * under FE_UPWARD only) and the update bound.  Private to shadow/relu. */
#ifndef SG_BOUNDS_PRIVATE_H
#define SG_BOUNDS_PRIVATE_H

#include "shadow/relu/bounds.h"
#include <math.h>

/* Both files are compiled as if with -frounding-math whatever CFLAGS say
   (issue 11, item 6): `make CFLAGS=` must not drop it.  GCC takes it as a
   per-file optimisation option; clang's equivalent is FENV_ACCESS. */
#if defined(__clang__)
#pragma STDC FENV_ACCESS ON
#elif defined(__GNUC__)
#pragma GCC optimize("rounding-math")
#endif

/* SG_FP_PIN(x): x is materialised here, in this order with respect to the
   fesetround calls around it (an empty asm the compiler cannot look
   through or move: GCC may otherwise schedule a round-to-nearest operation
   across fesetround, GCC PR 34678). */
#if defined(__GNUC__)
#define SG_FP_PIN(x) __asm__ volatile("" : "+x"(x))
#else
#define SG_FP_PIN(x) ((void)0)
#endif

/* 1 - x rounded downwards, under FE_UPWARD: -( x - 1 ) */
static inline double one_minus_down(double x)
{
    double t = x - 1.0;
    return -t;
}

/* gamma_m under FE_UPWARD */
static inline double gamma_up(double u, double m)
{
    double mu = m * u;
    if (!(mu < 0.5))
        return INFINITY;
    return mu / one_minus_down(mu);
}

/* u/(1-u): the relative error of a single rounding, measured against the
   computed result (roundoff.md B1) */
static inline double rel1(double u)
{
    return u / one_minus_down(u);
}

/* S[i*k + j] = sum_l |X[i][l]| |W[j][l]|, rounded upward (the sums every
   Z bound scales, roundoff.md E1); shared by the scalar and the r > 1
   bounds, whose W is theta's first k*d entries in both layouts */
void sg_bounds_absdot_rows(int n, int d, int k, const double *X, const double *W, double *S);

/* bounds_sums.c, under FE_UPWARD: S[i*k + j] <- sum_l |x_il| |w_jl| (from
   0.0, l increasing), and y[l] <- y[l] + c |x[l]| (l < d; x, y disjoint) */
void sg_bounds_absdot_sums(int n, int d, int k, const double *X, const double *W, double *S);
void sg_bounds_add_scaled_abs(int d, double c, const double *restrict x, double *restrict y);

/* bound of theta_new = fl(theta - fl(mu g)) given b->Eg (roundoff.md E8),
   under FE_UPWARD */
void sg_bounds_update(sg_bounds *b, const sg_fp_model *fm, double mu, const double *grad,
                      const double *theta_new);

#endif
