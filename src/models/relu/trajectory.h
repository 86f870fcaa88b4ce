/* trajectory.h -- per-step measurements and the trajectory.csv row format.
 *
 * Columns (after the run loop's step, loss): for each neuron j = 1..k: v_j, wnorm_j (|w_j|)
 * and angle_j, the angle in degrees between w_j and s_j a with
 * s_j = sign v_j(0) (+1 when v_j(0) = 0): the direction the neuron must
 * reach at the global optimum v_j w_j = s_j a-type solution, and angle_g_j,
 * the angle between w_j and s_j g_j, g_j the half-space direction the
 * run's loss sees (sg_halfspace_angle_deg, invariants.h: the empirical
 * direction for the empirical loss, its population analogue for the
 * population loss; empty when undefined, e.g. v_j = 0).  Numbers are
 * printed with %.17g, which round-trips every double exactly.
 */
#ifndef SG_TRAJECTORY_H
#define SG_TRAJECTORY_H

#include <stdio.h>

/* sign[j] = +1 or -1 from v(0) */
void sg_initial_signs(int k, const double *v0, double *sign);

/* wnorm[j] = |w_j|, angle_deg[j] = angle(w_j, sign_j a) in degrees;
   scratch holds d doubles. */
void sg_neuron_metrics(int d, int k, const double *a, const double *theta,
                       const double *sign, double *wnorm, double *angle_deg,
                       double *scratch);

/* angle_g[j] = angle(w_j, s_j g_j) in degrees from the gradient grad at
   theta (layout [W | v]); scratch holds d doubles */
void sg_halfspace_metrics(int d, int k, const double *theta, const double *grad,
                          const double *sign, double *angle_g, double *scratch);

/* ",v_1,wnorm_1,angle_1,angle_g_1,..." and the values of one row */
void sg_traj_header(FILE *fp, int k);
void sg_traj_row(FILE *fp, int k, const double *v, const double *wnorm,
                 const double *angle_deg, const double *angle_g);

#endif
