/* population.c -- closed-form population loss and gradients (see population.h). */
#include "population.h"
#include "dot.h"
#include "geometry.h"
#include <math.h>

static double kappa(double t)
{
    return sin(t) + (M_PI - t) * cos(t);
}

void sg_pop_geometry(int d, int k, const double *W, sg_pop_ws *ws)
{
    for (int i = 0; i < k; i++)
        ws->norm[i] = sg_norm(d, W + (long)i * d);
    for (int i = 0; i < k; i++) {
        ws->theta[i * k + i] = ws->norm[i] == 0.0 ? M_PI / 2.0 : 0.0;
        for (int j = i + 1; j < k; j++) {
            double t = sg_angle_n(d, W + (long)i * d, ws->norm[i],
                                  W + (long)j * d, ws->norm[j]);
            ws->theta[i * k + j] = t;
            ws->theta[j * k + i] = t;
        }
    }
}

double sg_pop_loss(int d, int k, const double *a, const double *W,
                   const double *v, const sg_pop_ws *ws)
{
    /* quad = sum_{i,j} v_i v_j |w_i||w_j| kappa(theta_ij), i then j */
    double quad = 0.0;
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            double t = v[i] * v[j];
            t = t * (ws->norm[i] * ws->norm[j]);
            quad = quad + t * kappa(ws->theta[i * k + j]);
        }
    double lin = 0.0;
    for (int i = 0; i < k; i++)
        lin = lin + v[i] * sg_dot(d, a, W + (long)i * d);
    double aa = sg_dot(d, a, a);
    return quad / (4.0 * M_PI) - 0.5 * lin + 0.5 * aa;
}

void sg_pop_grad(int d, int k, const double *a, const double *W,
                 const double *v, const sg_pop_ws *ws, double *gW, double *gv)
{
    const double inv2pi = 1.0 / (2.0 * M_PI);
    for (int i = 0; i < k; i++) {
        const double *wi = W + (long)i * d;
        double *gi = gW + (long)i * d;
        double ni = ws->norm[i];
        /* dL/dw_i: accumulate the coefficient of wh_i and each wh_j term */
        double ci = 0.0; /* coefficient of wh_i: sum_j v_j |w_j| sin theta_ij */
        for (int l = 0; l < d; l++)
            gi[l] = 0.0;
        double gvi = 0.0;
        for (int j = 0; j < k; j++) {
            double nj = ws->norm[j];
            double t = ws->theta[i * k + j];
            double vjnj = v[j] * nj;
            ci = ci + vjnj * sin(t);
            gvi = gvi + (vjnj * ni) * kappa(t);
            if (nj != 0.0) {
                /* (pi - theta_ij) wh_j = ((pi - theta_ij)/|w_j|) w_j */
                double cj = vjnj * ((M_PI - t) / nj);
                const double *wj = W + (long)j * d;
                for (int l = 0; l < d; l++)
                    gi[l] = gi[l] + cj * wj[l];
            }
        }
        double si = ni != 0.0 ? ci / ni : 0.0;
        double vi = v[i] * inv2pi;
        for (int l = 0; l < d; l++) {
            double g = si * wi[l] + gi[l];
            gi[l] = vi * g - 0.5 * v[i] * a[l];
        }
        gv[i] = gvi * inv2pi - 0.5 * sg_dot(d, a, wi);
    }
}
