/* ref_empirical.h -- the empirical kernels as they were before issue 14
 * (commit ae7ca05, ACSL stripped, static, renamed sg_ref_*): one cell at a
 * time, each reduction a scalar chain.  Kept only as the reference of the
 * kernel-level bit-identity test (test_fast_kernels.c); never linked into the
 * program. */
#ifndef SG_REF_EMPIRICAL_H
#define SG_REF_EMPIRICAL_H

static double sg_ref_relu(double z)
{
    return z > 0.0 ? z : 0.0;
}

static void sg_ref_forward(int n, int d, int k, const double *X, const double *W,
                double *Z, double *H)
{
    for (int row = n - 1; row >= 0; row--) {
        for (int j = k - 1; j >= 0; j--) {
            double z = 0.0;
            for (int l = 0; l < d; l++) {
                double p = X[(long)row * d + l] * W[(long)j * d + l];
                z = z + p;
            }
            Z[(long)row * k + j] = z;
            H[(long)row * k + j] = sg_ref_relu(z);
        }
    }
}

static void sg_ref_grad_v(int n, int k, const double *r, const double *H, double *gv)
{
    double dn = (double)n;
    for (int j = k - 1; j >= 0; j--) {
        double acc = 0.0;
        for (int i = 0; i < n; i++) {
            double p = r[i] * H[(long)i * k + j];
            acc = acc + p;
        }
        gv[j] = acc / dn;
    }
}

static void sg_ref_grad_W(int n, int d, int k, const double *X, const double *Z,
               const double *r, const double *v, double *gW)
{
    double dn = (double)n;
    for (int j = k - 1; j >= 0; j--) {
        for (int l = d - 1; l >= 0; l--) {
            double acc = 0.0;
            for (int i = 0; i < n; i++) {
                if (Z[(long)i * k + j] > 0.0) {
                    double t = r[i] * v[j];
                    double p = t * X[(long)i * d + l];
                    acc = acc + p;
                }
            }
            gW[(long)j * d + l] = acc / dn;
        }
    }
}

#endif
