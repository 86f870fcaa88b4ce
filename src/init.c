/* init.c -- theory / xavier / balanced initial states (see init.h). */
#include "init.h"
#include "geometry.h"
#include <math.h>

static void gaussian_row(sg_rng *rng, int d, double scale, double *w)
{
    for (int l = 0; l < d; l++)
        w[l] = scale * sg_rng_normal(rng);
}

void sg_init_state(sg_init_kind kind, sg_rng *rng, int d, int k, double sigma,
                   double *W, double *v, double *g)
{
    double s_theory = sigma / sqrt((double)d);
    switch (kind) {
    case SG_INIT_THEORY:
        for (int j = 0; j < k; j++) {
            gaussian_row(rng, d, s_theory, W + (long)j * d);
            gaussian_row(rng, d, 1.0, g);
            double mag = s_theory * sg_norm(d, g);
            v[j] = (j % 2 == 0) ? mag : -mag;
        }
        break;
    case SG_INIT_XAVIER: {
        double sw = sigma * sqrt(2.0 / (double)(k + d));
        double sv = sigma * sqrt(2.0 / (double)(1 + k));
        for (int j = 0; j < k; j++)
            gaussian_row(rng, d, sw, W + (long)j * d);
        for (int j = 0; j < k; j++)
            v[j] = sv * sg_rng_normal(rng);
        break;
    }
    case SG_INIT_BALANCED:
        for (int j = 0; j < k; j++) {
            gaussian_row(rng, d, s_theory, W + (long)j * d);
            double mag = sg_norm(d, W + (long)j * d);
            v[j] = (sg_rng_next(rng) >> 63) ? -mag : mag;
        }
        break;
    }
}

const char *sg_init_name(sg_init_kind kind)
{
    switch (kind) {
    case SG_INIT_THEORY: return "theory";
    case SG_INIT_XAVIER: return "xavier";
    case SG_INIT_BALANCED: return "balanced";
    }
    return "?";
}
