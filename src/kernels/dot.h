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

/*@ requires size: 0 <= m;
    requires valid_x: \valid_read(x + (0 .. m-1));
    requires valid_y: \valid_read(y + (0 .. m-1));
    assigns \nothing;
    ensures result: \result == Dot(x, y, m);
*/
double sg_dot(int m, const double *x, const double *y);

#endif
