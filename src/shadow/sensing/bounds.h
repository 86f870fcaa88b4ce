/* bounds.h -- a-priori componentwise round-off bounds of one Model B step
 * (specs/roundoff.md, section "Model B", items MS1-MS7).
 *
 * For every intermediate c^ of one step from theta (computed values are
 * inputs), a bound E_c >= |c^ - c|, c the exact step from the same theta,
 * A, y, c, mu (doubles).  The floating-point model (u, eta) is the one of
 * shadow/relu/bounds.h: binary64 for the double kernels, MPFR p for the
 * shadow's own error.  Only magnitudes of the computed values enter, so the
 * shadow chain takes |shadow value| rounded away from zero.  Evaluated in
 * double under FE_UPWARD (this object is compiled with -frounding-math,
 * tests/shadow.mk); the caller's rounding mode is restored.
 */
#ifndef SG_SENS_BOUNDS_H
#define SG_SENS_BOUNDS_H

#include "kernels/sensing/problem.h"
#include "shadow/relu/bounds.h"   /* sg_fp_model, sg_fp_binary64, sg_fp_mpfr */

typedef struct {
    int n1, n2, k, m, N;
    long len;
    double *EP;    /* N:   P = U V^T                 (MS1) */
    double *Er;    /* m:   residuals                 (MS2, MS3) */
    double El;     /*      loss                      (MS4) */
    double *EM;    /* N:   adjoint                   (MS5) */
    double *Eg;    /* len: [GU | GV]                 (MS6) */
    double *Et;    /* len: theta+                    (MS7) */
    double *w;     /* N:   scratch                        */
} sg_sens_bounds;

int sg_sens_bounds_init(sg_sens_bounds *b, const sg_sens_problem *p);
void sg_sens_bounds_free(sg_sens_bounds *b);

/* The chain MS1-MS7 for a step from theta with step size mu whose computed
   intermediates are P (N), res (m), loss, M (N), grad (len), theta_new
   (len); only their absolute values are used. */
void sg_sens_bounds_chain(sg_sens_bounds *b, const sg_fp_model *fm, const sg_sens_problem *p,
                          const double *theta, double mu, const double *P, const double *res,
                          double loss, const double *M, const double *grad,
                          const double *theta_new);

#endif
