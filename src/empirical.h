/* empirical.h -- double-precision kernels of the empirical loss (design section 2).
 *
 * Shapes (all row-major, caller-owned, no allocation inside a kernel):
 *   X  n x d   samples x_i          W  k x d   hidden weights w_j
 *   Z  n x k   Z[i][j] = w_j . x_i  H  n x k   ReLU(Z)
 *   v  k       output weights       f, y, r  n
 *   gW k x d   dL/dW                gv k     dL/dv
 *
 * Operation order (fixed; the shadow mirrors it and the bounds assume it):
 *   Z[i][j] = sg_dot(d, x_i, w_j)                 (l = 0..d-1, left to right)
 *   H[i][j] = Z[i][j] > 0 ? Z[i][j] : 0           (exact)
 *   f[i]    = sg_dot(k, H_i, v)                   (j = 0..k-1; product H*v)
 *   r[i]    = f[i] - y[i]
 *   L       = sg_dot(n, r, r) / (2n)              (2n exact for n < 2^52)
 *   gv[j]   = (sum_{i=0..n-1} r[i]*H[i][j]) / n   (i left to right)
 *   gW[j][l]= (sum_{i: Z[i][j] > 0} (r[i]*v[j]) * X[i][l]) / n
 *             (i left to right; the product r[i]*v[j] is rounded first)
 * Inactive terms of gW are skipped, not added as zero; in IEEE arithmetic
 * the two differ only in the sign of an all-zero sum.
 */
#ifndef SG_EMPIRICAL_H
#define SG_EMPIRICAL_H

void sg_forward(int n, int d, int k, const double *X, const double *W,
                double *Z, double *H);

void sg_output(int n, int k, const double *H, const double *v, double *f);

void sg_residual(int n, const double *f, const double *y, double *r);

double sg_loss(int n, const double *r);

void sg_grad_v(int n, int k, const double *r, const double *H, double *gv);

void sg_grad_W(int n, int d, int k, const double *X, const double *Z,
               const double *r, const double *v, double *gW);

/* theta[i] <- theta[i] - mu * g[i]  (two roundings: mu*g, then the difference) */
void sg_gd_update(int m, double mu, const double *g, double *theta);

#endif
