/* region.h -- the magnitude region in which the empirical kernels are
 * proved free of floating-point overflow and NaN (proofs/README.md, 3c).
 *
 * The proof (proofs/eva/empirical_step.c, run by `make proofs`) analyses one
 * whole GD step -- sg_forward, sg_output, sg_residual, sg_loss, sg_grad_v,
 * sg_grad_W, sg_gd_update, composed as problem.c composes them -- for every
 * n, d, k, mu, X, y, W, v inside the box below; these constants are the
 * single source of both the proof harness and the run-time check.
 * A run whose data or trajectory leaves the box is stopped with a one-line
 * message instead of silently continuing outside the proved region.
 */
#ifndef SG_REGION_H
#define SG_REGION_H

#include <stddef.h>

#define SG_SAFE_N_MAX 1048576 /* samples                      */
#define SG_SAFE_D_MAX 4096    /* input dimension              */
#define SG_SAFE_K_MAX 256     /* hidden neurons               */
#define SG_SAFE_X_MAX 1.0e4   /* |X_il|                       */
#define SG_SAFE_Y_MAX 1.0e12  /* |y_i|                        */
#define SG_SAFE_W_MAX 1.0e8   /* |W_jl|                       */
#define SG_SAFE_V_MAX 1.0e8   /* |v_j|                        */
#define SG_SAFE_MU_MAX 1.0e3  /* 0 <= mu <= SG_SAFE_MU_MAX    */

/* Each check returns 0 inside the region, else -1 with a one-line reason
   (no newline) in msg.  NaN and infinities are outside. */
int sg_safe_sizes(int n, int d, int k, double mu, char *msg, size_t len);
int sg_safe_data(int n, int d, const double *X, const double *y, char *msg, size_t len);
int sg_safe_state(int d, int k, const double *theta, char *msg, size_t len);

/* the run loop checks the parameters' part after every update (the model's
   theta_max = SG_SAFE_W_MAX); models/relu/safe_region.h checks the rest
   (sizes, mu, the data, theta_0) at step 0 */
#endif
