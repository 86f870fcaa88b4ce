/* region.c -- checks of the proved magnitude region (see region.h). */
#include "kernels/relu/region.h"
#include <stdio.h>

/* |x| <= bound, false for NaN */
static int within(double x, double bound)
{
    return x >= -bound && x <= bound;
}

/* first index q < len with |x[q]| > bound (or NaN), or -1 */
static long first_outside(long len, const double *x, double bound)
{
    for (long q = 0; q < len; q++)
        if (!within(x[q], bound))
            return q;
    return -1;
}

int sg_safe_sizes(int n, int d, int k, double mu, char *msg, size_t len)
{
    if (n < 1 || n > SG_SAFE_N_MAX || d < 1 || d > SG_SAFE_D_MAX || k < 1 || k > SG_SAFE_K_MAX) {
        snprintf(msg, len, "sizes n=%d d=%d k=%d outside the proved region "
                 "(1..%d, 1..%d, 1..%d)", n, d, k, SG_SAFE_N_MAX, SG_SAFE_D_MAX, SG_SAFE_K_MAX);
        return -1;
    }
    if (!(mu >= 0.0 && mu <= SG_SAFE_MU_MAX)) {
        snprintf(msg, len, "step size mu=%g outside the proved region [0, %g]", mu,
                 SG_SAFE_MU_MAX);
        return -1;
    }
    return 0;
}

int sg_safe_data(int n, int d, const double *X, const double *y, char *msg, size_t len)
{
    long q = first_outside((long)n * d, X, SG_SAFE_X_MAX);
    if (q >= 0) {
        snprintf(msg, len, "data X[%ld][%ld]=%g outside the proved region |x| <= %g",
                 q / d, q % d, X[q], SG_SAFE_X_MAX);
        return -1;
    }
    q = first_outside(n, y, SG_SAFE_Y_MAX);
    if (q >= 0) {
        snprintf(msg, len, "label y[%ld]=%g outside the proved region |y| <= %g", q, y[q],
                 SG_SAFE_Y_MAX);
        return -1;
    }
    return 0;
}

int sg_safe_state(int d, int k, const double *theta, char *msg, size_t len)
{
    long q = first_outside((long)k * d, theta, SG_SAFE_W_MAX);
    if (q >= 0) {
        snprintf(msg, len, "weight W[%ld][%ld]=%g outside the proved region |w| <= %g",
                 q / d, q % d, theta[q], SG_SAFE_W_MAX);
        return -1;
    }
    q = first_outside(k, theta + (long)k * d, SG_SAFE_V_MAX);
    if (q >= 0) {
        snprintf(msg, len, "output weight v[%ld]=%g outside the proved region |v| <= %g", q,
                 theta[(long)k * d + q], SG_SAFE_V_MAX);
        return -1;
    }
    return 0;
}

