/* dot.c -- recursive (left-to-right) dot product. */
#include "kernels/dot.h"

/* res <- x[0]*y[0] + x[1]*y[1] + ... + x[m-1]*y[m-1], left to right */
double sg_dot(int m, const double *x, const double *y)
{
    double s = 0.0;
    /*@ loop invariant range: 0 <= l <= m;
        loop invariant partial: s == Dot(x, y, l);
        loop assigns l, s;
        loop variant m - l;
    */
    for (int l = 0; l < m; l++) {
        double p = x[l] * y[l];
        s = s + p;
    }
    return s;
}
