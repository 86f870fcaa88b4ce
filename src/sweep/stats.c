/* stats.c -- Wilson interval and quantiles (see stats.h). */
#include "sweep/stats.h"
#include <math.h>
#include <stdlib.h>

int sw_wilson(long x, long n, double z, double *lo, double *hi)
{
    if (n < 0 || x < 0 || x > n)
        return -1;
    if (n == 0) {
        *lo = *hi = NAN;
        return 0;
    }
    double nn = (double)n, p = (double)x / nn, z2 = z * z;
    double denom = 1.0 + z2 / nn;
    double centre = (p + z2 / (2.0 * nn)) / denom;
    double half = z / denom * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
    *lo = centre - half;
    *hi = centre + half;
    /* at x = 0 (x = n) the exact bound is 0 (1); rounding may leave -1e-17 */
    if (x == 0 || *lo < 0.0)
        *lo = 0.0;
    if (x == n || *hi > 1.0)
        *hi = 1.0;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double sw_quantile(double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return v[n - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}
