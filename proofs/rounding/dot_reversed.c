/* dot_reversed.c -- mutant for proofs/mutation.sh (not project code): sg_dot
 * summed right to left, s = x[m-1]y[m-1] + ... + x[0]y[0], with real-model
 * annotations that are correct for this order.  The real-model run proves
 * it (it cannot see the order: the exact sum is the same); the rounding run
 * must not, because the contract there is the left-to-right rounded
 * recursion FlDot (issue 15, item 3).  Copied over src/kernels/dot.c in a
 * scratch tree by mutation.sh. */
#include "kernels/dot.h"

#ifdef SG_FL_ROUNDING
/* the ghost lemma functions dot.c defines, so the copy links */
/*@ ghost void sg_fl_mono(double a, double b, double c) { } */
/*@ ghost void sg_fl_divle(double a, double b) { } */
#endif

double sg_dot(int m, const double *x, const double *y)
{
    double s = 0.0;
    /*@ loop invariant range: -1 <= l < m || (m == 0 && l == -1);
        loop invariant partial: s == Dot(x, y, m) - Dot(x, y, l + 1);
        loop assigns l, s;
        loop variant l + 1;
    */
    for (int l = m - 1; l >= 0; l--) {
        /*@ assert unfold: Dot(x, y, l + 1) == Dot(x, y, l) + x[l] * y[l]; */
        double p = SG_MUL(x[l], y[l]);
        s = SG_ADD(s, p);
    }
    return s;
}
