/* data.c -- Gaussian design, planted linear labels, targets. */
#include "data.h"
#include "dot.h"
#include "geometry.h"

void sg_data_gaussian(sg_rng *rng, int n, int d, double *X)
{
    for (long q = 0; q < (long)n * d; q++)
        X[q] = sg_rng_normal(rng);
}

void sg_labels(int n, int d, const double *X, const double *a, double *y)
{
    for (int i = 0; i < n; i++)
        y[i] = sg_dot(d, X + (long)i * d, a);
}

void sg_target_e1(int d, double *a)
{
    for (int l = 0; l < d; l++)
        a[l] = 0.0;
    a[0] = 1.0;
}

void sg_target_random(sg_rng *rng, int d, double *a)
{
    double nrm;
    do {
        for (int l = 0; l < d; l++)
            a[l] = sg_rng_normal(rng);
        nrm = sg_norm(d, a);
    } while (nrm == 0.0); /* probability zero; keeps the division safe */
    for (int l = 0; l < d; l++)
        a[l] = a[l] / nrm;
}
