/* stuck.c -- the stuck-saddle predictor and detector (see stuck.h). */
#include "audit/relu/stuck.h"
#include "kernels/dot.h"
#include "kernels/geometry.h"
#include <math.h>
#include <stdio.h>

static int sgn(double x)
{
    return x > 0.0 ? 1 : x < 0.0 ? -1 : 0;
}

double sg_stuck_predict(int d, int k, const double *a, const double *theta0, int *pred)
{
    const double *v = theta0 + (long)k * d;
    double an = sg_norm(d, a), rho = 0.0;
    for (int j = 0; j < k; j++) {
        const double *w = theta0 + (long)j * d;
        double aw = sg_dot(d, a, w) / an, nw = sg_norm(d, w);
        pred[j] = sgn(v[j] + aw);
        rho += v[j] * v[j] + nw * nw;
    }
    return rho / (2.0 * an);
}

int sg_stuck_predicted(int k, const int *pred)
{
    for (int j = 0; j < k; j++)
        if (pred[j] == 0 || pred[j] != pred[0])
            return 0;
    return k > 0;
}

void sg_stuck_predict_same_sign(int d, int k, const double *theta0, int *pred)
{
    for (int j = 0; j < k; j++)
        pred[j] = sgn(theta0[(long)k * d + j]);
}

void sg_stuck_final_signs(int d, int k, const double *a, const double *theta, int *final)
{
    const double *v = theta + (long)k * d;
    double an = sg_norm(d, a);
    for (int j = 0; j < k; j++) {
        double contrib = fabs(v[j]) * sg_norm(d, theta + (long)j * d);
        final[j] = contrib > SG_DEAD_FRAC * an ? sgn(v[j]) : 0;
    }
}

int sg_stuck_detect(int d, int k, const double *a, const double *theta, double loss,
                    char *buf, size_t len)
{
    const double *v = theta + (long)k * d;
    double an = sg_norm(d, a), a2 = an * an;
    int s = 0, active = 0;
    for (int j = 0; j < k; j++) {
        double contrib = fabs(v[j]) * sg_norm(d, theta + (long)j * d);
        if (!(contrib > SG_DEAD_FRAC * an))
            continue;
        int sj = sgn(v[j]);
        if (active && sj != s)
            return 0;
        s = sj;
        active++;
    }
    if (active == 0 || !(fabs(loss - 0.25 * a2) <= 0.05 * a2))
        return 0;
    /* where the active neurons point: +a or -a for the best fit */
    double sum_dot = 0.0;
    for (int j = 0; j < k; j++)
        sum_dot += fabs(v[j]) * sg_dot(d, theta + (long)j * d, a);
    const char *ray = sum_dot >= 0.0 ? "+a" : "-a";
    snprintf(buf, len,
             "stuck at a saddle: the %d active output weight%s (of %d neurons) all %s, loss "
             "%.6g ~ |a|^2/4 = %.6g; a network with one output sign is >= 0 (or <= 0) "
             "everywhere, its best fit is ReLU(%s.x) and its loss cannot go below |a|^2/4",
             active, active == 1 ? "" : "s", k, s > 0 ? "positive" : "negative", loss,
             0.25 * a2, ray);
    return 1;
}
