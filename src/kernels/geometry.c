/* geometry.c -- norms and Kahan's angle formula (see geometry.h). */
#include "kernels/geometry.h"
#include "kernels/dot.h"
#include <math.h>

double sg_norm(int d, const double *u)
{
    return sqrt(sg_dot(d, u, u));
}

double sg_angle_n(int d, const double *u, double nu, const double *w, double nw)
{
    if (nu == 0.0 || nw == 0.0)
        return M_PI / 2.0;
    double diff2 = 0.0, sum2 = 0.0;
    /*@ loop invariant l_range: 0 <= l <= d;
        loop assigns l, diff2, sum2;
        loop variant d - l;
    */
    for (int l = 0; l < d; l++) {
        double a = u[l] * nw;
        double b = w[l] * nu;
        double dm = a - b, dp = a + b;
        diff2 = diff2 + dm * dm;
        sum2 = sum2 + dp * dp;
    }
    return 2.0 * atan2(sqrt(diff2), sqrt(sum2));
}

double sg_angle(int d, const double *u, const double *w)
{
    return sg_angle_n(d, u, sg_norm(d, u), w, sg_norm(d, w));
}
