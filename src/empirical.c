/* empirical.c -- forward pass, residual, loss, gradients and GD update.
 * The operation order is documented in empirical.h and is part of the
 * contract: the MPFR shadow and the round-off bounds are derived from it. */
#include "empirical.h"
#include "dot.h"

/* Z[i][j] <- w_j . x_i ; H[i][j] <- max(Z[i][j], 0) */
void sg_forward(int n, int d, int k, const double *X, const double *W,
                double *Z, double *H)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < k; j++) {
            double z = sg_dot(d, X + (long)i * d, W + (long)j * d);
            Z[(long)i * k + j] = z;
            H[(long)i * k + j] = z > 0.0 ? z : 0.0;
        }
    }
}

/* f[i] <- sum_j H[i][j] v[j] */
void sg_output(int n, int k, const double *H, const double *v, double *f)
{
    for (int i = 0; i < n; i++)
        f[i] = sg_dot(k, H + (long)i * k, v);
}

/* r[i] <- f[i] - y[i] */
void sg_residual(int n, const double *f, const double *y, double *r)
{
    for (int i = 0; i < n; i++)
        r[i] = f[i] - y[i];
}

/* L <- (sum_i r[i]^2) / (2n) */
double sg_loss(int n, const double *r)
{
    double s = sg_dot(n, r, r);
    double two_n = 2.0 * (double)n;
    return s / two_n;
}

/* gv[j] <- (sum_i r[i] H[i][j]) / n */
void sg_grad_v(int n, int k, const double *r, const double *H, double *gv)
{
    for (int j = 0; j < k; j++)
        gv[j] = 0.0;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < k; j++) {
            double p = r[i] * H[(long)i * k + j];
            gv[j] = gv[j] + p;
        }
    }
    double dn = (double)n;
    for (int j = 0; j < k; j++)
        gv[j] = gv[j] / dn;
}

/* gW[j][l] <- (sum_{i : Z[i][j] > 0} (r[i] v[j]) X[i][l]) / n */
void sg_grad_W(int n, int d, int k, const double *X, const double *Z,
               const double *r, const double *v, double *gW)
{
    for (long q = 0; q < (long)k * d; q++)
        gW[q] = 0.0;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < k; j++) {
            if (Z[(long)i * k + j] > 0.0) {
                double t = r[i] * v[j];
                for (int l = 0; l < d; l++) {
                    double p = t * X[(long)i * d + l];
                    gW[(long)j * d + l] = gW[(long)j * d + l] + p;
                }
            }
        }
    }
    double dn = (double)n;
    for (long q = 0; q < (long)k * d; q++)
        gW[q] = gW[q] / dn;
}

/* theta[i] <- theta[i] - mu g[i] */
void sg_gd_update(int m, double mu, const double *g, double *theta)
{
    for (int i = 0; i < m; i++) {
        double s = mu * g[i];
        theta[i] = theta[i] - s;
    }
}
