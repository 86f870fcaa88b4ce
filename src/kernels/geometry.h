/* geometry.h -- norms and angles of weight vectors.
 *
 * Angles use Kahan's formula  theta = 2 atan2(| u|w| - w|u| |, | u|w| + w|u| |)
 * (W. Kahan, "Mindless", 2006; also Higham's ch. 1 discussion of acos):
 * accurate to a few ulps over all of [0, pi], unlike acos(u.w/(|u||w|)) near
 * 0 and pi, and it needs no clamping.
 * Convention when u = 0 or w = 0: the angle is pi/2 (the direction is
 * undefined; pi/2 is the expected angle of a random direction, and it makes
 * the population kernel's zero-norm terms vanish, see population.h).
 */
#ifndef SG_GEOMETRY_H
#define SG_GEOMETRY_H

#ifdef __FRAMAC__
#include <errno.h>
#include "specs/sg_dot.acsl"
#endif

/* Contracts: memory safety and what is assigned (errno: Frama-C's libc
   contract of sqrt assigns it), and sg_norm >= 0 (from that contract).  The
   values (a square root of Dot(u, u, d), an angle) are not in the proved
   contracts (proofs/README.md, "Value specifications"). */

/* sqrt(sum_l u[l]^2), the sum left to right */
/*@ requires size: 0 <= d;
    requires valid_u: \valid_read(u + (0 .. d - 1));
    assigns errno;
    ensures nonneg: \result >= 0.0;
*/
double sg_norm(int d, const double *u);

/* angle in [0, pi] between u and w; pi/2 when either is zero */
/*@ requires size: 0 <= d;
    requires valid_u: \valid_read(u + (0 .. d - 1));
    requires valid_w: \valid_read(w + (0 .. d - 1));
    assigns errno;
*/
double sg_angle(int d, const double *u, const double *w);

/* same, given the two norms already computed */
/*@ requires size: 0 <= d;
    requires valid_u: \valid_read(u + (0 .. d - 1));
    requires valid_w: \valid_read(w + (0 .. d - 1));
    assigns errno;
*/
double sg_angle_n(int d, const double *u, double nu, const double *w, double nw);

#endif
