/* stuck.c -- the stuck-saddle predictor and detector (see stuck.h). */
#include "audit/relu/stuck.h"
#include "kernels/dot.h"
#include "kernels/geometry.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* every active w_j on one ray (within SG_RAY_DEG of the first active one) */
static int one_ray(int d, int k, const double *theta, double an)
{
    const double *v = theta + (long)k * d;
    int first = -1;
    for (int j = 0; j < k; j++) {
        const double *w = theta + (long)j * d;
        if (!(fabs(v[j]) * sg_norm(d, w) > SG_DEAD_FRAC * an))
            continue;
        if (first < 0)
            first = j;
        else if (!(sg_angle(d, w, theta + (long)first * d) * (180.0 / M_PI) <= SG_RAY_DEG))
            return 0;
    }
    return first >= 0;
}

static int one_ray_detect(int d, int k, const double *a, const double *theta, double loss,
                          char *buf, size_t len)
{
    const double *v = theta + (long)k * d;
    double an = sg_norm(d, a), a2 = an * an;
    if (!one_ray(d, k, theta, an) || !(fabs(loss - 0.25 * a2) <= 0.05 * a2))
        return 0;
    int n = snprintf(buf, len, "stuck at a saddle: every active neuron on one ray, the network "
                               "is one ReLU unit, loss %.6g ~ |a|^2/4 = %.6g", loss, 0.25 * a2);
    if (k == 2 && n > 0 && (size_t)n < len) {
        /* v_j w_j along a: coefficients in the paper's convention |v_j| w_j */
        double c1 = fabs(v[0]) * sg_dot(d, theta, a) / a2;
        double c2 = fabs(v[1]) * sg_dot(d, theta + d, a) / a2;
        snprintf(buf + n, len - (size_t)n,
                 "; the non-strict saddle of Theorem 1: |v_1| w_1 = %.4g a, |v_2| w_2 = %.4g a "
                 "((c+1)a and c a, c = %.4g)", c1, c2, v[0] > 0.0 ? c2 : c1);
    }
    return 1;
}

const char *sg_end_name(sg_end_kind e)
{
    switch (e) {
    case SG_END_OPTIMUM: return "global optimum";
    case SG_END_ONE_SIGN: return "one-sign saddle";
    case SG_END_ONE_RAY: return "one-ray saddle";
    case SG_END_NEITHER: break;
    }
    return "neither";
}

sg_end_kind sg_end_state(int d, int k, const double *a, const double *theta, double loss,
                         char *buf, size_t len)
{
    double an = sg_norm(d, a);
    buf[0] = 0;
    if (loss <= SG_OPT_LOSS_FRAC * an * an) {
        snprintf(buf, len, "global optimum: loss %.3g <= %g |a|^2", loss, SG_OPT_LOSS_FRAC);
        return SG_END_OPTIMUM;
    }
    if (sg_stuck_detect(d, k, a, theta, loss, buf, len))
        return one_ray(d, k, theta, an) && strstr(buf, "one ray") ? SG_END_ONE_RAY
                                                                  : SG_END_ONE_SIGN;
    return SG_END_NEITHER;
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
            return one_ray_detect(d, k, a, theta, loss, buf, len);
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
