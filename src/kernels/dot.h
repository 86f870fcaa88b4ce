/* dot.h -- the one reduction every empirical kernel is built on.
 *
 * Summation order: left to right, s_0 = 0, s_{l+1} = fl(s_l + fl(x_l y_l)).
 * This is the order the MPFR shadow mirrors and the order the round-off
 * bound |fl(x^T y) - x^T y| <= gamma_m sum |x_l y_l| (+ m eta) is stated for
 * (design section 4; proofs/README.md).
 */
#ifndef SG_DOT_H
#define SG_DOT_H

#ifdef __FRAMAC__
#include "specs/sg_dot.acsl"
#endif
#include "kernels/fl.h"

#ifdef SG_FL_ROUNDING
/* The rounding run (fl.h): the value is the left-to-right rounded
   recursion (a reordered sum does not prove), within Higham's bound.
   Premises: m u <= 1/2 (m <= 2^20 here) and |x_l y_l| <= 2^1000, so no
   product or partial sum overflows (the safe region of
   kernels/relu/region.h gives |x_l y_l| <= 1e12 for z, and Eva, proofs/eva/,
   bounds every reduction's operands far below 2^1000). */
/*@ requires size: 0 <= m <= 1048576;
    requires no_overflow: \forall integer i; 0 <= i < m ==> \abs(x[i] * y[i]) <= 0x1p1000;
    requires valid_x: \valid_read(x + (0 .. m-1));
    requires valid_y: \valid_read(y + (0 .. m-1));
    assigns \nothing;
    ensures value: \result == FlDot(x, y, m);
    ensures roundoff: \abs(\result - Dot(x, y, m)) <= Gamma(m) * AbsDot(x, y, m) + m * Eta;
*/
double sg_dot(int m, const double *x, const double *y);
#else
/*@ requires size: 0 <= m;
    requires valid_x: \valid_read(x + (0 .. m-1));
    requires valid_y: \valid_read(y + (0 .. m-1));
    assigns \nothing;
    ensures result: \result == Dot(x, y, m);
*/
double sg_dot(int m, const double *x, const double *y);
#endif

#endif
