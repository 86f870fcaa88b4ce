/* xacc.h -- exact accumulation of products for the MPFR shadow.
 *
 * The shadow's long reductions (z = w . x over d terms, sum_i t_i x_il over
 * n terms) are sums of products of a double (an entry of X) with a number of
 * at most p bits (an entry of W or t = r v held in MPFR).  Such a product is
 * an integer times a power of two, so the sum can be accumulated *exactly*
 * in a fixed-point "superaccumulator" of signed 32-bit digits kept in int64
 * lanes, and rounded once, correctly, to precision p at the end
 * (specs/roundoff.md section S1).  This is the shadow's "wider scheme": it
 * is both more accurate than a p-bit recursive sum and about ten times
 * cheaper than mpfr_fma in the inner loop.  Consequence used by the audit:
 * the sign of an exactly accumulated z is the sign of the exact z.
 *
 * Range: bit positions [SG_XACC_LO, SG_XACC_HI); a product outside it sets
 * the overflow flag and the result is NaN (the audit reports it).
 *
 * Fast path (issue 14, item 5): a term x * b with x of at most two limbs
 * (p <= 128) is one 181-bit integer product; when its position lies in the
 * accumulator's 64-bit "window" (placed by its first term, moved after
 * WIN_RECENTER terms miss it) it is added, shifted, into a 256-bit two's
 * complement integer win * 2^wpos with one add-with-carry chain, instead of
 * ten 32-bit digit updates of the lanes.  A term is < 2^245 and the window
 * is flushed into the lanes every 512 terms, so it never wraps.
 * Terms outside the window (and every term of a wider x) take the lane path
 * above, so the value held is always lanes + window, exactly; sg_xacc_get
 * rounds that sum once.  The window is only placed where every limb of
 * every term it accepts is inside [SG_XACC_LO, SG_XACC_HI - 160) (the lane
 * path's range), so the overflow flag is set for exactly the terms that set
 * it without the window.
 *
 * Cost (issue 14, item 5, second pass; docs/benchmark.md): on x86-64 the
 * window's add-with-carry chain is inline asm, the carry kept in the flags
 * (SG_XACC_NO_ASM: the portable chain, same results), and a dot product
 * whose x is one limb (the step audit's z: W a double) runs its terms with
 * a normal b inside the window in a leaf function that keeps the window in
 * registers; every other term takes the paths above, so which terms end in the window, in the lanes or set
 * the flag is unchanged, and the value held is the same exact sum.  No floating-point arithmetic is involved: a
 * product of a limb and a 53-bit mantissa is one exact 64 x 64 -> 128-bit
 * integer multiply, which is why error-free transformations (Dekker's
 * TwoProduct, TwoSum) would add work here rather than remove it.
 *
 * The step audit's z (W a double) no longer comes here first: fixdot.h
 * sums it in 64-bit fixed point and brings only its far-below-the-rest
 * terms (and the fixed-point integer) to this accumulator; its declined
 * sums, the MPFR trajectory's (two-limb W) and the gW sums still use
 * sg_xacc_dot_xd and sg_xacc_row_xd.
 */
#ifndef SG_XACC_H
#define SG_XACC_H

#include <stdio.h> /* before mpfr.h: its FILE functions */
#include <mpfr.h>
#include <stdint.h>

#define SG_XACC_LO (-4480)
#define SG_XACC_LANES 280           /* 280 * 32 bits: positions [-4480, 4480) */
#define SG_XACC_HI (SG_XACC_LO + 32 * SG_XACC_LANES)
#define SG_XACC_WWORDS 4            /* the window: 4 * 64 = 256 bits */

typedef struct {
    int64_t lane[SG_XACC_LANES];
    int cmin, cmax;     /* touched lanes; cmin > cmax when empty */
    long adds;          /* adds since the last carry normalisation */
    int overflow;
    /* value held: sum_c lane[c] 2^(SG_XACC_LO + 32 c) + win * 2^wpos, win a
       256-bit two's complement integer (least significant word first) */
    uint64_t win[SG_XACC_WWORDS];
    long wpos;          /* position of win's bit 0; SG_XACC_NOWIN: unplaced */
    long wterms;        /* bound on the terms in win since it was placed */
    long wmiss;         /* terms that missed it since it was placed */
} sg_xacc;

#define SG_XACC_NOWIN (-(1L << 40)) /* no term position is within 64 of it */

/* A number m * 2^e split into 64-bit limbs (least significant first):
   value = sign * sum_q limb[q] * 2^(e + 64 q).  nl == 0 means zero.
   limb points to caller-owned storage of sg_xnum_limbs(prec) limbs. */
typedef struct {
    int sign, nl;
    long e;
    uint64_t *limb;
} sg_xnum;

/* largest precision the shadow supports (--prec limit): with doubles in
   the binary64 range every product stays inside the accumulator's range */
#define SG_XACC_MAX_PREC 1024

/* limbs needed for a number of prec bits */
static inline int sg_xnum_limbs(long prec) { return (int)((prec + 63) / 64); }

/* zero a fresh accumulator (every lane); clear re-zeroes the touched lanes */
void sg_xacc_init(sg_xacc *a);
void sg_xacc_clear(sg_xacc *a);

/* a <- a + x * b exactly (x a decomposed number, b a finite double) */
void sg_xacc_add_xd(sg_xacc *a, const sg_xnum *x, double b);

/* a <- a + sum_l x[l] * b[l], l = 0..m-1, exactly (the forward pass) */
void sg_xacc_dot_xd(sg_xacc *a, int m, const sg_xnum *x, const double *b);

/* acc[q] <- acc[q] + x * b[q], q = 0..m-1, exactly (a row of the gW sums) */
void sg_xacc_row_xd(sg_xacc *acc, int m, const sg_xnum *x, const double *b);

/* a <- a + W * 2^pos exactly, W a 192-bit two's complement integer
   (least significant word first: fixdot.h's sums); by the lane path */
void sg_xacc_add_i192(sg_xacc *a, const uint64_t w[3], long pos);

/* a <- a + b * c exactly (two finite doubles) */
void sg_xacc_add_dd(sg_xacc *a, double b, double c);

/* out <- a correctly rounded (rounding mode rnd); NaN if overflowed */
void sg_xacc_get(sg_xacc *a, mpfr_t out, mpfr_rnd_t rnd, mpz_t scratch);

/* Decompose: exact for finite x (out->limb holds sg_xnum_limbs(prec of x)
   limbs).  Returns 0, or -1 if x is NaN/Inf. */
int sg_xnum_from_mpfr(sg_xnum *out, const mpfr_t x, mpz_t scratch);
void sg_xnum_from_double(sg_xnum *out, double x);

#endif
