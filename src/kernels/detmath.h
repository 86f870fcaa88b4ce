/* detmath.h -- elementary functions built from IEEE +,-,*,/ and sqrt only.
 *
 * glibc's log() is accurate but not guaranteed bit-identical across versions
 * and platforms.  The Gaussian sampler needs a logarithm whose every bit is
 * fixed by the C source, so that a seed determines the dataset everywhere.
 * These are accurate to a few ulps, which is irrelevant for sampling and is
 * not relied upon anywhere else.
 */
#ifndef SG_DETMATH_H
#define SG_DETMATH_H

#ifdef __FRAMAC__
#include <errno.h>
#endif

/* Natural logarithm for finite x > 0 (returns -inf for 0, NaN for x < 0).
   Method: x = m 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s),
   s = (m-1)/(m+1), |s| <= 0.1716, summed as an odd series to s^25
   (truncation < 1e-19 relative); ln 2 split in a high part with 11
   trailing zero bits (e*ln2_hi exact for |e| < 2048) and a low part. */
/*@ assigns \nothing; */
double sg_det_log(double x);

/* sqrt(-2 ln(s) / s) for s in (0, 1): the polar-method scale factor. */
/* errno: Frama-C's libc contract of sqrt assigns it (for negative input). */
/*@ requires domain: 0.0 < s < 1.0;
    assigns errno;
*/
double sg_det_sqrt_neg2log_over(double s);

#endif
