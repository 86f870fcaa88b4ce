/* fixdot.h -- exact dot products of two short-mantissa vectors in 64-bit
 * fixed point, for the step audit's z = w . x (issue 14, item 5).
 *
 * In the step audit W and X are doubles, so every term w_l x_l of z is a
 * product of two 53-bit integers times a power of two.  A vector whose
 * entries have exponents close to each other is, exactly, an int64 vector
 * times one power of two: x_l = q_l 2^base with |q_l| < 2^62 (sg_fix_vec
 * below).  The dot product of two such vectors is then an integer
 * sum_l q_l r_l times 2^(base_q + base_r) computed with one 64 x 64 ->
 * 128-bit signed multiply and a 128-bit add per term, where the general
 * accumulator (xacc.h) shifts every product to its own position first.
 * The sum is exact, so once rounded to the shadow's precision it is the
 * same number, bit for bit, as the accumulator's (specs/roundoff.md S1:
 * any exact sum rounded once).
 *
 * An entry too far below the vector's largest (its lowest set bit below
 * base; about 9 binades below for a 53-bit mantissa) is "slow": its q is 0
 * and its index is listed, and the caller adds its terms exactly by the
 * general accumulator.  Products: |q r| < 2^124, so eight of them fit a
 * signed 128-bit integer, and the running sum is kept in 192 bits (good
 * for 2^64 chunks: any d).
 */
#ifndef SG_FIXDOT_H
#define SG_FIXDOT_H

#include <stdint.h>
#include <stdio.h> /* before mpfr.h: its FILE functions */
#include <mpfr.h>
#include "shadow/xacc.h"

/* fixed-point magnitude bound: |q| < 2^SG_FIX_BITS */
#define SG_FIX_BITS 62

typedef struct {
    int64_t *q;    /* m entries: x_l = q_l 2^base exactly, or 0 if slow    */
    int *slow;     /* indices of the slow entries, increasing              */
    int nslow;
    long base;     /* the exponent of q's bit 0 (0 for an all-zero vector) */
} sg_fix_vec;

/* One entry to convert: value = sign * m * 2^e (m = 0: zero). */
typedef struct {
    uint64_t m;
    long e;
    int neg;
} sg_fix_in;

/* v <- in[0..m-1] (v->q and v->slow: caller storage of m entries each). */
void sg_fix_from(sg_fix_vec *v, int m, const sg_fix_in *in);

/* in[0..m-1] <- the finite doubles x[0..m-1]; returns 0, or -1 if one of
   them is Inf or NaN (nothing the fixed point can hold). */
int sg_fix_in_doubles(sg_fix_in *in, int m, const double *x);

/* v <- the finite doubles x[0..m-1], as sg_fix_in_doubles then sg_fix_from
   would give it, bit for bit (the same base, q and slow list), in one
   pass after an exponent max; scratch: m entries, used only when every x
   is zero or subnormal.  0, or -1 if an x is Inf or NaN. */
int sg_fix_from_doubles(sg_fix_vec *v, int m, const double *x, sg_fix_in *scratch);

/* out <- sum_l a[l] b[l] exactly, as a 192-bit two's complement integer,
   least significant word first. */
void sg_fix_dot(int m, const int64_t *a, const int64_t *b, uint64_t out[3]);

/* out <- s 2^e rounded once (mode rnd), s a 192-bit two's complement
   integer as sg_fix_dot gives it; z is scratch. */
void sg_fix_round(mpfr_t out, const uint64_t s[3], long e, mpfr_rnd_t rnd, mpz_t z);

/* out <- sum_l w_l x_l, l < m, exact then rounded once (mode rnd): wf the
   fixed point of w (decomposed as w: one limb each), xf that of the
   finite doubles x, xslow[l] = 1 exactly where l is on xf's slow list.
   The integer of the fast terms and every slow term (either factor slow)
   go into acc (cleared here) unless there are none; the value is the
   exact sum, so out is what sg_xacc_dot_xd and sg_xacc_get would give.
   Returns 0, or -1 (out untouched) if the integer's position or a slow
   term leaves the accumulator's range: the caller's general path (and
   its exact fallback) then takes the sum, as without this one. */
int sg_fix_dot_exact(mpfr_t out, mpfr_rnd_t rnd, int m, const sg_fix_vec *wf,
                     const sg_xnum *w, const sg_fix_vec *xf, const unsigned char *xslow,
                     const double *x, sg_xacc *acc, mpz_t z);

#endif
