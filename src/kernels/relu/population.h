/* population.h -- population loss and gradients for x ~ N(0, I_d) (design section 2).
 *
 * With theta_ij the angle between w_i and w_j and
 * kappa(theta) = sin(theta) + (pi - theta) cos(theta):
 *   L      = (1/4pi) sum_{i,j} v_i v_j |w_i||w_j| kappa(theta_ij)
 *            - 1/2 sum_i v_i a.w_i + 1/2 |a|^2
 *   dL/dw_i = (1/2pi) sum_j v_i v_j |w_j| (sin theta_ij wh_i + (pi - theta_ij) wh_j)
 *            - 1/2 v_i a
 *   dL/dv_i = (1/2pi) sum_j v_j |w_i||w_j| kappa(theta_ij) - 1/2 a.w_i
 * These follow from E[ReLU(u.x) ReLU(w.x)] = |u||w| kappa(theta)/(2pi) and
 * E[ReLU(w.x) a.x] = a.w/2 (Cho and Saul, NIPS 2009, arc-cosine kernel of
 * degree 1).
 *
 * Conventions: angles by Kahan's formula (geometry.h), so no clamping of a
 * cosine is needed; when w_i = 0 its direction wh_i is taken as 0 and every
 * angle involving it as pi/2.  Every term multiplied by |w_i| then vanishes,
 * and dL/dw_i = (1/4) v_i sum_{j != i} v_j w_j - 1/2 v_i a, the average of
 * the one-sided derivatives over directions.
 *
 * Sums are left to right over j (and i), in the order written in
 * population.c; sin, cos and atan2 come from libm (glibc), whose results are
 * deterministic for a given libm build but not correctly rounded.
 */
#ifndef SG_POPULATION_H
#define SG_POPULATION_H

#include <limits.h>
#ifdef __FRAMAC__
#include <errno.h>
#include "specs/sg_population.acsl"
#endif

/* Contracts: memory safety, integer-overflow freedom of the k*k and k*d
 * indexing, and the assigned locations (errno: Frama-C's libc contracts of
 * sqrt, sin and cos assign it).  Values: sg_pop_loss's result is proved
 * equal to PopLoss (specs/sg_population.acsl) in the real model, from
 * libm's sin and cos as named by the documented libm assumption
 * (specs/sg_libm.acsl); the angles and the gradients' values are not in
 * the proved contracts (proofs/README.md, "Value specifications"). */

/* Workspace for k neurons: norms (k) and angles (k*k). */
typedef struct {
    double *norm;   /* k   */
    double *theta;  /* k*k */
} sg_pop_ws;

/* Norms and pairwise angles of the rows of W. */
/*@ requires sizes: 1 <= d && 0 <= k && k * d <= LONG_MAX && k * k <= INT_MAX;
    requires valid_W: \valid_read(W + (0 .. k*d - 1));
    requires valid_ws: \valid_read(ws);
    requires valid_norm: \valid(ws->norm + (0 .. k - 1));
    requires valid_theta: \valid(ws->theta + (0 .. k*k - 1));
    requires sep: \separated(ws->norm + (0 .. k - 1), ws->theta + (0 .. k*k - 1),
                              W + (0 .. k*d - 1), ws);
    assigns ws->norm[0 .. k - 1], ws->theta[0 .. k*k - 1], errno;
*/
void sg_pop_geometry(int d, int k, const double *W, sg_pop_ws *ws);

/* Population loss at (W, v); requires sg_pop_geometry(W) in ws. */
/*@ requires sizes: 1 <= d && 0 <= k && k * d <= LONG_MAX && k * k <= INT_MAX;
    requires valid_a: \valid_read(a + (0 .. d - 1));
    requires valid_W: \valid_read(W + (0 .. k*d - 1));
    requires valid_v: \valid_read(v + (0 .. k - 1));
    requires valid_ws: \valid_read(ws);
    requires valid_norm: \valid_read(ws->norm + (0 .. k - 1));
    requires valid_theta: \valid_read(ws->theta + (0 .. k*k - 1));
    assigns errno;
    ensures value: \result == PopLoss(a, W, v, ws->norm, ws->theta, d, k);
*/
double sg_pop_loss(int d, int k, const double *a, const double *W,
                   const double *v, const sg_pop_ws *ws);

/* Population gradients at (W, v); requires sg_pop_geometry(W) in ws.
   Value: only the last step of dL/dw_i is specified (sg_pop_grad_row's
   contract, population.c, PopGradStep); the sums over j are not. */
/*@ requires sizes: 1 <= d && 0 <= k && k * d <= LONG_MAX && k * k <= INT_MAX;
    requires valid_a: \valid_read(a + (0 .. d - 1));
    requires valid_W: \valid_read(W + (0 .. k*d - 1));
    requires valid_v: \valid_read(v + (0 .. k - 1));
    requires valid_ws: \valid_read(ws);
    requires valid_norm: \valid_read(ws->norm + (0 .. k - 1));
    requires valid_theta: \valid_read(ws->theta + (0 .. k*k - 1));
    requires valid_gW: \valid(gW + (0 .. k*d - 1));
    requires valid_gv: \valid(gv + (0 .. k - 1));
    requires sep: \separated(gW + (0 .. k*d - 1), gv + (0 .. k - 1), a + (0 .. d - 1),
                              W + (0 .. k*d - 1), v + (0 .. k - 1), ws,
                              ws->norm + (0 .. k - 1), ws->theta + (0 .. k*k - 1));
    assigns gW[0 .. k*d - 1], gv[0 .. k - 1], errno;
*/
void sg_pop_grad(int d, int k, const double *a, const double *W,
                 const double *v, const sg_pop_ws *ws, double *gW, double *gv);

#endif
