/* detmath.c -- deterministic logarithm (see detmath.h for the method). */
#include "kernels/detmath.h"
#include <math.h>

/* ln 2 = LN2_HI + LN2_LO; LN2_HI has its 11 low mantissa bits zero. */
static const double LN2_HI = 0x1.62e42fefa3800p-1;
static const double LN2_LO = 0x1.ef35793c76730p-45;
static const double SQRT_HALF = 0x1.6a09e667f3bcdp-1;

double sg_det_log(double x)
{
    if (isnan(x) || x < 0.0)
        return NAN;
    if (x == 0.0)
        return -INFINITY;
    if (isinf(x))
        return x;
    int e;
    double m = frexp(x, &e); /* exact: m in [0.5, 1) */
    long el = e; /* long: e - 1 cannot overflow whatever frexp returns */
    if (m < SQRT_HALF) {
        m = m * 2.0; /* exact */
        el = el - 1;
    }
    double s = (m - 1.0) / (m + 1.0);
    double s2 = s * s;
    /* Horner form of 1 + s2/3 + s2^2/5 + ... + s2^12/25. */
    double p = 1.0 / 25.0;
    /*@ loop invariant j_range: -1 <= j <= 23;
        loop assigns j, p;
        loop variant j + 1;
    */
    for (int j = 23; j >= 1; j -= 2)
        p = p * s2 + 1.0 / (double)j;
    double lnm = 2.0 * s * p;
    double de = (double)el;
    return (de * LN2_HI + (lnm + de * LN2_LO));
}

double sg_det_sqrt_neg2log_over(double s)
{
    return sqrt(-2.0 * sg_det_log(s) / s);
}
