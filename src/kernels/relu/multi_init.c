/* multi_init.c -- the multi-output targets and initial states (see multi_init.h). */
#include "kernels/relu/multi_init.h"
#include "kernels/dot.h"
#include "kernels/geometry.h"
#include <math.h>

/* u <- a uniform unit vector of R^m (m normals over their norm) */
static void unit_vector(sg_rng *rng, int m, double *u)
{
    double nrm;
    do {
        for (int l = 0; l < m; l++)
            u[l] = sg_rng_normal(rng);
        nrm = sg_norm(m, u);
    } while (nrm == 0.0);
    for (int l = 0; l < m; l++)
        u[l] = u[l] / nrm;
}

static void gaussian_row(sg_rng *rng, int d, double scale, double *w)
{
    for (int l = 0; l < d; l++)
        w[l] = scale * sg_rng_normal(rng);
}

void sg_mtarget_e(int r, int d, double *A)
{
    for (long q = 0; q < (long)r * d; q++)
        A[q] = 0.0;
    for (int o = 0; o < r; o++)
        A[(long)o * d + o] = 1.0;
}

void sg_mtarget_random(sg_rng *rng, int r, int d, double *A)
{
    for (int o = 0; o < r; o++) {
        double *a = A + (long)o * d;
        for (;;) {
            gaussian_row(rng, d, 1.0, a);
            double drawn = sg_norm(d, a);
            /* modified Gram-Schmidt against the rows already made orthonormal */
            for (int p = 0; p < o; p++) {
                const double *b = A + (long)p * d;
                double c = sg_dot(d, a, b);
                for (int l = 0; l < d; l++)
                    a[l] = a[l] - c * b[l];
            }
            double nrm = sg_norm(d, a);
            if (drawn > 0.0 && nrm > 1e-6 * drawn) {
                for (int l = 0; l < d; l++)
                    a[l] = a[l] / nrm;
                break;
            }
        }
    }
}

void sg_minit_state(sg_init_kind kind, sg_rng *rng, int d, int k, int r, double sigma,
                    double *W, double *V, double *g, double *u)
{
    double s_theory = sigma / sqrt((double)d);
    switch (kind) {
    case SG_INIT_THEORY:
        for (int p = 0; p < r; p++)
            unit_vector(rng, r, u + (long)p * r);
        for (int j = 0; j < k; j++) {
            gaussian_row(rng, d, s_theory, W + (long)j * d);
            gaussian_row(rng, d, 1.0, g);
            double mag = s_theory * sg_norm(d, g);
            double s = ((j / r) % 2 == 0) ? mag : -mag;
            const double *up = u + (long)(j % r) * r;
            for (int o = 0; o < r; o++)
                V[(long)o * k + j] = s * up[o];
        }
        break;
    case SG_INIT_XAVIER: {
        double sw = sigma * sqrt(2.0 / (double)(k + d));
        double sv = sigma * sqrt(2.0 / (double)(r + k));
        for (int j = 0; j < k; j++)
            gaussian_row(rng, d, sw, W + (long)j * d);
        for (long q = 0; q < (long)r * k; q++)
            V[q] = sv * sg_rng_normal(rng);
        break;
    }
    case SG_INIT_BALANCED:
        for (int j = 0; j < k; j++) {
            gaussian_row(rng, d, s_theory, W + (long)j * d);
            double mag = sg_norm(d, W + (long)j * d);
            unit_vector(rng, r, u);
            for (int o = 0; o < r; o++)
                V[(long)o * k + j] = mag * u[o];
        }
        break;
    }
}
