/* balance.h -- the BALANCE invariant of Model B (design section 3): for one
 * GD step U+ = U - mu G_U, V+ = V - mu G_V with G_U = M V, G_V = M^T U (the
 * same M, both at the old point), exactly
 *   D+ - D - mu^2 (G_U^T G_U - G_V^T G_V) = 0,   D = U^T U - V^T V.
 * The residual R of the COMPUTED iterates and gradients is evaluated in
 * MPFR at precision pe >= 256 (see specs/roundoff.md, "BALANCE tolerance")
 * and compared componentwise (k x k) with a tolerance T derived from the
 * rounding model of the trajectory that produced them: binary64 for the
 * double trajectory, MPFR p (u = 2^-p, eta = 0) for the MPFR trajectory.
 * T bounds what the rounding of G_U = M V, G_V = M^T U and of the update
 * can contribute; it does not depend on the error of M (any M works), so a
 * step that breaks the structure (e.g. V+ from the new U) violates it by a
 * first-order term.  T is evaluated under FE_UPWARD (this object is
 * compiled with -frounding-math, tests/sensing.mk). */
#ifndef SG_SENS_BALANCE_H
#define SG_SENS_BALANCE_H

#include "kernels/sensing/problem.h"
#include "shadow/relu/bounds.h"   /* sg_fp_model */
#include "shadow/sensing/shadow.h"

typedef struct {
    double max_abs;     /* max_ij |R_ij|                            */
    double max_ratio;   /* max_ij |R_ij| / (T_ij + evaluation error) */
    long violations;    /* entries with |R_ij| > T_ij + eval error   */
    double drift;       /* ||mu^2 (G_U^T G_U - G_V^T G_V)||_max, the step's
                           second-order change of D                  */
} sg_sens_balance;

/* Double trajectory: theta, theta_new = [U | V], [U+ | V+]; grad = [GU | GV]
   and M the step's computed gradient and adjoint; fm = sg_fp_binary64().
   Returns out->violations, or -1 if out of memory. */
long sg_sens_balance_double(const sg_sens_problem *p, const sg_fp_model *fm, double mu,
                            const double *theta, const double *theta_new, const double *grad,
                            const double *M, sg_sens_balance *out);

/* MPFR trajectory: the state, next state, gradient and adjoint held by s
   after sg_sens_mp_step (before sg_sens_mp_advance); the tolerance uses
   u = 2^-s->prec, eta = 0.  Returns out->violations, or -1. */
long sg_sens_balance_mp(const sg_sens_problem *p, sg_sens_mp *s, double mu,
                        sg_sens_balance *out);

#endif
