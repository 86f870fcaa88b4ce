/* inv_geometry.c -- distances to the optimum, current angles, the theory's phase bounds (see invariants_private.h). */
#include "audit/relu/invariants_private.h"
#include "io/binio.h"
#include "io/json.h"
#include "kernels/geometry.h"
#include <float.h>
#include <limits.h>
#include <math.h>
#include <mpfr.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ geometry */

double sg_opt_dist2_pair(int d, int k, const double *a, const double *theta)
{
    const double *v = theta + (long)k * d;
    double s = 0.0;
    for (int j = 0; j < k; j++)
        for (int l = 0; l < d; l++) {
            double e = v[j] * theta[(long)j * d + l] - a[l];
            s += e * e;
        }
    return s;
}

double sg_opt_sum_dist(int d, int k, const double *a, const double *theta)
{
    const double *v = theta + (long)k * d;
    double s = 0.0;
    for (int l = 0; l < d; l++) {
        double t = 0.0;
        for (int j = 0; j < k; j++)
            t += v[j] * theta[(long)j * d + l];
        t -= 2.0 * a[l];
        s += t * t;
    }
    return sqrt(s);
}

double sg_opt_line_residual(int d, int k, const double *a, const double *theta,
                            double line_deg, int *nlines)
{
    const double *v = theta + (long)k * d;
    double an = sg_norm(d, a);
    char *used = calloc((size_t)k, 1);
    double worst = 0.0;
    int lines = 0;
    if (!used)
        return NAN;
    for (int j = 0; j < k; j++) {
        const double *wj = theta + (long)j * d;
        double nj = sg_norm(d, wj);
        if (used[j] || nj == 0.0)
            continue;
        used[j] = 1;
        lines++;
        double s = v[j] * nj;
        for (int i = j + 1; i < k; i++) {
            const double *wi = theta + (long)i * d;
            double ni = sg_norm(d, wi);
            if (used[i] || ni == 0.0)
                continue;
            double t = sg_angle_n(d, wj, nj, wi, ni) * (180.0 / M_PI);
            if (t <= line_deg || t >= 180.0 - line_deg) {
                used[i] = 1;
                s += v[i] * ni;
            }
        }
        double r = fabs(s) / (an > 0.0 ? an : 1.0);
        if (r > worst)
            worst = r;
    }
    free(used);
    if (nlines)
        *nlines = lines;
    return worst;
}

/* ceil(x) as a step count; beyond any run (or NaN, e.g. mu|a| underflowing
   to 0): LONG_MAX, never an out-of-range conversion */
long inv_ceil_steps(double x)
{
    return x < 0x1p62 ? (long)ceil(x) : LONG_MAX;
}

long sg_phase_T1_theory(double mu, double a_norm)
{
    return inv_ceil_steps(404.0 / (mu * a_norm));
}

long sg_phase_T2_theory(double mu, double a_norm, double sigma)
{
    double l = log(sqrt(a_norm) / sigma);
    if (!(l > 0.0))
        return 0;
    return inv_ceil_steps((32.0 / (mu * a_norm)) * l);
}

/* angles tracked by the checker: per neuron angle(w_j, s_j a), or for the
   general class the angle of each sign group's sum_j v_j w_j with a.
   Returns the largest; groups that are empty are skipped. */
double inv_current_angles(sg_inv_checker *c, const double *theta)
{
    int d = c->p.d, k = c->p.k;
    const double *v = theta + (long)k * d;
    double mx = 0.0;
    if (c->cls != SG_CLASS_GENERAL) {
        for (int j = 0; j < k; j++) {
            for (int l = 0; l < d; l++)
                c->tmp[l] = c->p.sign0[j] * c->p.a[l];
            c->ang[j] = sg_angle(d, theta + (long)j * d, c->tmp) * (180.0 / M_PI);
            if (c->ang[j] > mx || isnan(c->ang[j]))
                mx = c->ang[j];
        }
        return mx;
    }
    for (int gi = 0; gi < 2; gi++) {
        double want = gi == 0 ? 1.0 : -1.0;
        int any = 0;
        for (int l = 0; l < d; l++)
            c->tmp[l] = 0.0;
        for (int j = 0; j < k; j++)
            if (c->p.sign0[j] == want) {
                any = 1;
                for (int l = 0; l < d; l++)
                    c->tmp[l] += v[j] * theta[(long)j * d + l];
            }
        c->ang[gi] = any ? sg_angle(d, c->tmp, c->p.a) * (180.0 / M_PI) : NAN;
        if (any && (c->ang[gi] > mx || isnan(c->ang[gi])))
            mx = c->ang[gi];
    }
    return mx;
}

double inv_current_dist2(const sg_inv_checker *c, const double *theta)
{
    if (c->cls == SG_CLASS_PAIR)
        return sg_opt_dist2_pair(c->p.d, c->p.k, c->p.a, theta);
    double s = sg_opt_sum_dist(c->p.d, c->p.k, c->p.a, theta);
    return s * s;
}

/* growth condition: every |v_j| >= growth_v sqrt|a| (pair); general class:
   every sign group's mass sum |v_j||w_j| >= growth_v^2 |a| */
int inv_growth_reached(const sg_inv_checker *c, const double *theta)
{
    int d = c->p.d, k = c->p.k;
    const double *v = theta + (long)k * d;
    if (c->cls != SG_CLASS_GENERAL) {
        for (int j = 0; j < k; j++)
            if (!(fabs(v[j]) >= c->th.growth_v * c->sqrt_a))
                return 0;
        return 1;
    }
    for (int gi = 0; gi < 2; gi++) {
        double want = gi == 0 ? 1.0 : -1.0, m = 0.0;
        int any = 0;
        for (int j = 0; j < k; j++)
            if (c->p.sign0[j] == want) {
                any = 1;
                m += fabs(v[j]) * sg_norm(d, theta + (long)j * d);
            }
        if (any && !(m >= c->th.growth_v * c->th.growth_v * c->a_norm))
            return 0;
    }
    return 1;
}

/* worst relative slack of |b_j| <= growth_b |a| over neurons */
double inv_balance_slack(const sg_inv_checker *c, const double *theta)
{
    int d = c->p.d, k = c->p.k;
    const double *v = theta + (long)k * d;
    double lim = c->th.growth_b * c->a_norm, worst = INFINITY;
    for (int j = 0; j < k; j++) {
        double n = sg_norm(d, theta + (long)j * d);
        double b = n * n - v[j] * v[j];
        double s = (lim - fabs(b)) / lim;
        if (s < worst || isnan(s))
            worst = s;
    }
    return worst;
}

double sg_halfspace_angle_deg(int d, const double *w, const double *gw, double v, double s,
                              double *tmp)
{
    /* grad_{w_j} L = -v_j g_j (times the loss's positive constant) */
    if (!(v != 0.0) || !isfinite(v))
        return NAN;
    double dir = v > 0.0 ? -s : s; /* s_j g_j is along -s_j sign(v_j) gw */
    double gn = 0.0;
    for (int l = 0; l < d; l++) {
        tmp[l] = dir * gw[l];
        gn += fabs(tmp[l]);
    }
    if (!(gn > 0.0) || !(sg_norm(d, w) > 0.0))
        return NAN;
    return sg_angle(d, w, tmp) * (180.0 / M_PI);
}

double sg_plateau_predicted_deg(int d, int n)
{
    if (n <= 0)
        return 0.0;
    return atan(sqrt(2.0 * (double)(d - 1) / (double)n)) * (180.0 / M_PI);
}
