/* tolerance.h -- how far the double trajectory's loss, gradient and update may
 * be from exact arithmetic AT THE SAME double state: the slack the invariant
 * auditor allows the exact identities (HOMOG, IMBAL) and DESCENT on the
 * double trajectory.  u = 2^-53, gamma_m = m u / (1 - m u).
 *
 * Empirical loss (rigorous under the standard model, design section 4, for
 * the operation order documented in empirical.h; evaluated in double and
 * inflated by (1 + 1e-6), far above the O(n u) relative error of evaluating
 * the bound itself; underflow covered by an absolute 1e-300):
 *   S_ij = sum_l |w_jl x_il|,  Q_j = (1/n) sum_{i: z_ij > 0} |r_i| S_ij,
 *   R_j = (1/n) sum_i |r_i| h_ij,  G_j = sum_l |w_jl g_jl|
 *   HOMOG  |w_j.g_wj - v_j g_vj| <= |v_j| Q_j (gamma_d + gamma_{n+2})
 *                                   + u G_j + |v_j| (gamma_{n+1} R_j + u |g_vj|)
 *     (the computed gradients share r and the indicator of the computed z, so
 *      the identity fails only through the error of z = w.x -- gamma_d -- and
 *      the roundings of the two sums and divisions);
 *   LOSS   |L^ - L| <= gamma_{n+1} L^ + (1/n) sum_i (|r_i| E_i + E_i^2 / 2),
 *     E_i = u |r_i| + gamma_k sum_j |v_j| h_ij + gamma_d sum_j |v_j| S_ij.
 * Population loss (a MODEL, not a proof: libm's sin, cos, atan2 are assumed
 * within a few ulps, Kahan's angle within a few ulps of pi):
 *   HOMOG  16 (d + k + 16) u |v_i| ( (1+pi)/(2pi) sum_j |v_j||w_i||w_j| + |a||w_i|/2 )
 *   LOSS   16 (d + k^2 + 16) u ( |a|^2/2 + (1+pi)/(4pi) sum_ij |v_i v_j||w_i||w_j|
 *                                + |a|/2 sum_i |v_i||w_i| )
 * IMBAL (both losses): the identity b+ - b - mu^2(|g_w|^2 - g_v^2) = -2 mu
 *   (w.g_w - v g_v) + (update round-off), so its tolerance is
 *   2 |mu| HOMOG_tol + sg_update_imbal_bound (invariants.h).
 */
#ifndef SG_TOLERANCE_H
#define SG_TOLERANCE_H

#include "kernels/relu/problem.h"

/* homog_tol[k] and *loss_tol at theta, from the workspace of the last
   sg_loss_grad(p, theta, ws). */
void sg_tol_state(const sg_problem *p, const double *theta, const sg_workspace *ws,
                  double *homog_tol, double *loss_tol);

/* imbal_tol[k] for the double step theta -> theta_next with gradient grad. */
void sg_tol_step(int d, int k, double mu, const double *grad, const double *theta_next,
                 const double *homog_tol, double *imbal_tol);

double sg_tol_gamma(double m);

/* The same bounds for a computation with unit round-off u instead of 2^-53:
   the MPFR shadow's trajectory at precision p uses u = 2^-p (its kernels
   round at most as often as the double ones, and its long sums are exact and
   rounded once, so the double-precision chain with u = 2^-p covers them). */
void sg_tol_state_u(const sg_problem *p, const double *theta, const sg_workspace *ws,
                    double u, double *homog_tol, double *loss_tol);
void sg_tol_step_u(int d, int k, double mu, const double *grad, const double *theta_next,
                   double u, const double *homog_tol, double *imbal_tol);
double sg_tol_gamma_u(double m, double u);

/* sg_tol_state_u with the |w||x| sums from ax's copy of |X| (tol_abs.h;
   made for p's X, same bits, faster); ax NULL: the scalar loop over X */
struct sg_tol_abs;
void sg_tol_state_abs(struct sg_tol_abs *ax, const sg_problem *p, const double *theta,
                      const sg_workspace *ws, double u, double *homog_tol, double *loss_tol);

#endif
