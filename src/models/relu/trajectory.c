/* trajectory.c -- neuron metrics and CSV rows (see trajectory.h). */
#include "models/relu/trajectory.h"
#include "audit/relu/invariants.h"
#include "kernels/geometry.h"
#include <math.h>

void sg_initial_signs(int k, const double *v0, double *sign)
{
    for (int j = 0; j < k; j++)
        sign[j] = v0[j] < 0.0 ? -1.0 : 1.0;
}

void sg_neuron_metrics(int d, int k, const double *a, const double *theta,
                       const double *sign, double *wnorm, double *angle_deg,
                       double *scratch)
{
    for (int j = 0; j < k; j++) {
        const double *w = theta + (long)j * d;
        for (int l = 0; l < d; l++)
            scratch[l] = sign[j] * a[l];
        wnorm[j] = sg_norm(d, w);
        angle_deg[j] = sg_angle(d, w, scratch) * (180.0 / M_PI);
    }
}

void sg_halfspace_metrics(int d, int k, const double *theta, const double *grad,
                          const double *sign, double *angle_g, double *scratch)
{
    const double *v = theta + (long)k * d;
    for (int j = 0; j < k; j++)
        angle_g[j] = sg_halfspace_angle_deg(d, theta + (long)j * d, grad + (long)j * d, v[j],
                                            sign[j], scratch);
}

void sg_traj_header(FILE *fp, int k)
{
    for (int j = 1; j <= k; j++)
        fprintf(fp, ",v_%d,wnorm_%d,angle_%d,angle_g_%d", j, j, j, j);
}

void sg_traj_row(FILE *fp, int k, const double *v, const double *wnorm,
                 const double *angle_deg, const double *angle_g)
{
    for (int j = 0; j < k; j++) {
        fprintf(fp, ",%.17g,%.17g,%.17g", v[j], wnorm[j], angle_deg[j]);
        if (isfinite(angle_g[j]))
            fprintf(fp, ",%.17g", angle_g[j]);
        else
            fputc(',', fp);
    }
}
