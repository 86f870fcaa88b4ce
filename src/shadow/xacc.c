/* xacc.c -- exact superaccumulator of products (see xacc.h and
 * specs/roundoff.md section S1). */
#include "shadow/xacc.h"
#include <gmp.h>
#include <math.h>
#include <string.h>

#if GMP_NUMB_BITS != 64 || GMP_NAIL_BITS != 0
#error "xacc.c assumes 64-bit GMP limbs without nails"
#endif

#define M32 UINT64_C(0xffffffff)
/* carry normalisation before any lane can exceed 2^62 in magnitude */
#define SG_XACC_MAX_ADDS (1L << 29)
/* the window (xacc.h): a term is < 2^245 in magnitude (a 181-bit product
   shifted by < 64), so 2^9 terms stay below 2^254, inside the 256-bit two's
   complement range; the window is flushed into the lanes before more.  A
   dot product enters it in chunks of at most WIN_CHUNK terms, each counted
   before it starts (so a count is an upper bound on the terms held) */
#define WIN_MAX_TERMS 512L
#define WIN_CHUNK 256
/* terms that miss a placed window before it is moved (its value flushed to
   the lanes, the window re-placed at the missing term): the first term
   places it, and an outlier first term would otherwise send most of the
   sum down the lane path */
#define WIN_RECENTER 8
/* a window is placed only where b = wpos - SG_XACC_LO is in [0, WIN_B_END):
   the two limbs of an accepted term then sit at b + sh and b + sh + 64 with
   sh < 64, below 32 (SG_XACC_LANES - 5) (the lane path's range), and the
   window's eight 32-bit digits, at b + 32 q (q < 8), flush through the lane
   path inside that range too */
#define WIN_B_END (32L * (SG_XACC_LANES - 5) - 320)

typedef unsigned __int128 u128;

/* *s <- x + y + cin, the carry out returned (cin, the result 0 or 1): the
   portable chains' step (add4, add3 below with SG_XACC_NO_ASM or off
   x86-64; unused, and so marked, where the asm chains replace them).  On
   x86-64 the compiler's add-with-carry builtin (the first window code
   used it: gcc 12 spilled an unsigned __int128 window and the portable
   carry test). */
#if defined(__x86_64__)
#include <x86intrin.h>
static inline __attribute__((always_inline, unused)) unsigned char
addc(unsigned char cin, uint64_t x, uint64_t y, uint64_t *s)
{
    unsigned long long r;
    unsigned char c = _addcarry_u64(cin, x, y, &r);
    *s = r;
    return c;
}
#else
static inline __attribute__((unused)) unsigned char addc(unsigned char cin, uint64_t x,
                                                         uint64_t y, uint64_t *s)
{
    uint64_t r = x + y, t = r + cin;
    *s = t;
    return (unsigned char)((r < x) | (t < r));
}
#endif

/* w <- w + (V ^ m) + (m & 1) over all four words (add4) or the top three
   (add3), m = 0 or all ones (so V or -V is added, ~V + 1 = -V).  On
   x86-64 one add-with-carry chain whose carry stays in the flags: through
   _addcarry_u64 gcc 12 moves every carry out to a register (setb) and back
   (add $0xff), two more cycles per word on the chain each term of a dot
   product waits on.  SG_XACC_NO_ASM selects the portable chain (tests). */
typedef struct {
    uint64_t w0, w1, w2, w3;
} win4; /* a window by value: gcc keeps it in registers (an array it spills) */

#if defined(__x86_64__) && !defined(SG_XACC_NO_ASM)
static inline __attribute__((always_inline)) win4 add4(win4 w, uint64_t v0, uint64_t v1,
                                                       uint64_t v2, uint64_t v3, uint64_t m)
{
    __asm__("btq $0, %[m]\n\t" /* CF <- m & 1 */
            "adcq %[v0], %[w0]\n\t"
            "adcq %[v1], %[w1]\n\t"
            "adcq %[v2], %[w2]\n\t"
            "adcq %[v3], %[w3]"
            : [w0] "+r"(w.w0), [w1] "+r"(w.w1), [w2] "+r"(w.w2), [w3] "+r"(w.w3)
            : [v0] "r"(v0 ^ m), [v1] "r"(v1 ^ m), [v2] "r"(v2 ^ m), [v3] "r"(v3 ^ m),
              [m] "r"(m)
            : "cc");
    return w;
}

static inline __attribute__((always_inline)) win4 add3(win4 w, uint64_t v1, uint64_t v2,
                                                       uint64_t v3, uint64_t m)
{
    __asm__("btq $0, %[m]\n\t"
            "adcq %[v1], %[w1]\n\t"
            "adcq %[v2], %[w2]\n\t"
            "adcq %[v3], %[w3]"
            : [w1] "+r"(w.w1), [w2] "+r"(w.w2), [w3] "+r"(w.w3)
            : [v1] "r"(v1 ^ m), [v2] "r"(v2 ^ m), [v3] "r"(v3 ^ m), [m] "r"(m)
            : "cc");
    return w;
}
#else
static inline win4 add4(win4 w, uint64_t v0, uint64_t v1, uint64_t v2, uint64_t v3, uint64_t m)
{
    unsigned char c = addc((unsigned char)(m & 1), w.w0, v0 ^ m, &w.w0);
    c = addc(c, w.w1, v1 ^ m, &w.w1);
    c = addc(c, w.w2, v2 ^ m, &w.w2);
    (void)addc(c, w.w3, v3 ^ m, &w.w3);
    return w;
}

static inline win4 add3(win4 w, uint64_t v1, uint64_t v2, uint64_t v3, uint64_t m)
{
    unsigned char c = addc((unsigned char)(m & 1), w.w1, v1 ^ m, &w.w1);
    c = addc(c, w.w2, v2 ^ m, &w.w2);
    (void)addc(c, w.w3, v3 ^ m, &w.w3);
    return w;
}
#endif

static void win_reset(sg_xacc *a)
{
    memset(a->win, 0, sizeof a->win);
    a->wpos = SG_XACC_NOWIN;
    a->wterms = 0;
    a->wmiss = 0;
}

void sg_xacc_init(sg_xacc *a)
{
    memset(a->lane, 0, sizeof a->lane);
    a->cmin = SG_XACC_LANES;
    a->cmax = -1;
    a->adds = 0;
    a->overflow = 0;
    win_reset(a);
}

void sg_xacc_clear(sg_xacc *a)
{
    if (a->cmin <= a->cmax)
        memset(a->lane + a->cmin, 0, (size_t)(a->cmax - a->cmin + 1) * sizeof(int64_t));
    a->cmin = SG_XACC_LANES;
    a->cmax = -1;
    a->adds = 0;
    a->overflow = 0;
    win_reset(a);
}

/* propagate carries so that every lane but the top one is in [0, 2^32) */
static void normalise(sg_xacc *a)
{
    if (a->cmin > a->cmax)
        return;
    for (int c = a->cmin; c < a->cmax; c++) {
        int64_t low = (int64_t)((uint64_t)a->lane[c] & M32);
        int64_t carry = (a->lane[c] - low) / (INT64_C(1) << 32);
        a->lane[c] = low;
        a->lane[c + 1] += carry;
    }
    /* the top lane keeps the sign; spread it upwards while it is large */
    const int64_t B = INT64_C(1) << 32;
    while (a->cmax + 1 < SG_XACC_LANES && (a->lane[a->cmax] >= B || a->lane[a->cmax] < -B)) {
        int c = a->cmax;
        int64_t low = (int64_t)((uint64_t)a->lane[c] & M32);
        a->lane[c + 1] += (a->lane[c] - low) / B;
        a->lane[c] = low;
        a->cmax = c + 1;
    }
    a->adds = 0;
}

/* add sign * P * 2^pos, P < 2^118 */
static inline __attribute__((always_inline)) void add_shifted(sg_xacc *a, int sign, unsigned __int128 P, long pos)
{
    long b = pos - SG_XACC_LO;
    if (b < 0 || b >= 32L * (SG_XACC_LANES - 5)) {
        a->overflow = 1;
        return;
    }
    int c = (int)(b >> 5), s = (int)(b & 31);
    uint64_t p0 = (uint64_t)P, p1 = (uint64_t)(P >> 64);
    uint64_t w0 = p0 << s;
    /* x >> (64 - s) for s in [0, 32) without a branch: (x >> 1) >> (63 - s) */
    uint64_t w1 = (p1 << s) | ((p0 >> 1) >> (63 - s));
    uint64_t w2 = (p1 >> 1) >> (63 - s);
    int64_t d0 = (int64_t)(w0 & M32), d1 = (int64_t)(w0 >> 32);
    int64_t d2 = (int64_t)(w1 & M32), d3 = (int64_t)(w1 >> 32), d4 = (int64_t)w2;
    int64_t *L = a->lane + c;
    /* branch-free sign (the signs of the products are random): with
       m = 0 or -1, (x ^ m) - m is x or -x */
    int64_t m = -(int64_t)(sign < 0);
    L[0] += (d0 ^ m) - m;
    L[1] += (d1 ^ m) - m;
    L[2] += (d2 ^ m) - m;
    L[3] += (d3 ^ m) - m;
    L[4] += (d4 ^ m) - m;
    if (c < a->cmin)
        a->cmin = c;
    if (c + 4 > a->cmax)
        a->cmax = c + 4;
    if (++a->adds >= SG_XACC_MAX_ADDS)
        normalise(a);
}

/* split a finite double into sign, 53-bit integer m and exponent e */
static inline int split_double(double x, uint64_t *m, long *e)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int sign = (bits >> 63) ? -1 : 1;
    int ex = (int)((bits >> 52) & 0x7ff);
    uint64_t frac = bits & ((UINT64_C(1) << 52) - 1);
    if (ex == 0) {
        *m = frac;
        *e = -1074;
    } else {
        *m = frac | (UINT64_C(1) << 52);
        *e = (long)ex - 1075;
    }
    return sign;
}

static inline __attribute__((always_inline)) void add_xd(sg_xacc *a, const sg_xnum *x,
                                                          double b)
{
    if (x->nl == 0 || b == 0.0)
        return;
    if (!isfinite(b)) {
        a->overflow = 1;
        return;
    }
    uint64_t mb;
    long eb;
    int sb = split_double(b, &mb, &eb);
    int sign = sb * x->sign;
    for (int q = 0; q < x->nl; q++) {
        if (x->limb[q] == 0)
            continue;
        unsigned __int128 P = (unsigned __int128)x->limb[q] * mb;
        add_shifted(a, sign, P, x->e + 64L * q + eb);
    }
}

/* the lane path, out of line: the fast loops below stay small */
static __attribute__((noinline)) void add_xd_lanes(sg_xacc *a, const sg_xnum *x, double b)
{
    add_xd(a, x, b);
}

/* the window's value, 256-bit two's complement, moved into the lanes
   (digit by digit through the lane path's add_shifted); window reset */
static void win_flush(sg_xacc *a)
{
    if (a->wpos != SG_XACC_NOWIN) {
        uint64_t w[SG_XACC_WWORDS];
        memcpy(w, a->win, sizeof w);
        int sign = 1;
        if (w[SG_XACC_WWORDS - 1] >> 63) { /* negate: ~w + 1 */
            sign = -1;
            unsigned __int128 c = 1;
            for (int q = 0; q < SG_XACC_WWORDS; q++) {
                c += (uint64_t)~w[q];
                w[q] = (uint64_t)c;
                c >>= 64;
            }
        }
        for (int q = 0; q < 2 * SG_XACC_WWORDS; q++) {
            uint64_t dq = (w[q / 2] >> (32 * (q & 1))) & M32;
            if (dq != 0)
                add_shifted(a, sign, dq, a->wpos + 32L * q);
        }
    }
    win_reset(a);
}

/* w <- w + (-1)^neg * (x1 2^64 + x0) * mb * 2^s, s in [0, 64), w a 256-bit
   two's complement integer (four words, least significant first), with
   m = -neg (all ones or zero): the 181-bit product shifted into V (four
   words, < 2^245), added as V ^ m plus the carry-in m & 1 (~V + 1 = -V when
   m is all ones) by one carry chain */
static inline __attribute__((always_inline)) win4 win_add(win4 w, uint64_t x0, uint64_t x1,
                                                          uint64_t mb, unsigned s, uint64_t m)
{
    u128 p0 = (u128)x0 * mb, p1 = (u128)x1 * mb;
    uint64_t u0 = (uint64_t)p0, u1 = (uint64_t)(p0 >> 64) + (uint64_t)p1;
    /* < 2^53: the product is < 2^181 */
    uint64_t u2 = (uint64_t)(p1 >> 64) + (uint64_t)(u1 < (uint64_t)p1);
    /* x >> (64 - s) for s in [0, 64) without a branch: (x >> 1) >> (63 - s) */
    uint64_t v0 = u0 << s;
    uint64_t v1 = (u1 << s) | ((u0 >> 1) >> (63 - s));
    uint64_t v2 = (u2 << s) | ((u1 >> 1) >> (63 - s));
    uint64_t v3 = (u2 >> 1) >> (63 - s);
    return add4(w, v0, v1, v2, v3, m);
}

/* a <- a + x * b: into the window w * 2^(*wpos) (the caller's copy of
   a's) when the term fits it, placing the window on the first term that
   can have one, else by the lane path */
static inline void win_store(sg_xacc *a, win4 w)
{
    a->win[0] = w.w0;
    a->win[1] = w.w1;
    a->win[2] = w.w2;
    a->win[3] = w.w3;
}

/* a term at pos that does not fit the window (*wpos, w): the window placed
   at it (if unplaced, or moved there after WIN_RECENTER misses) when the
   range allows, else the lane path.  Returns the window, and *sh the term's
   shift in it (64: the term went to the lanes). */
static __attribute__((noinline)) win4 term_miss(sg_xacc *a, win4 w, long *wpos, const sg_xnum *x,
                                                double b, long pos, uint64_t *sh)
{
    long wb = pos - 32 - SG_XACC_LO;
    *sh = 64;
    if (wb < 0 || wb >= WIN_B_END) {
        add_xd_lanes(a, x, b);
        return w;
    }
    if (*wpos != SG_XACC_NOWIN) {
        if (++a->wmiss < WIN_RECENTER) {
            add_xd_lanes(a, x, b);
            return w;
        }
        /* move: the window's value into the lanes (exact), then re-place;
           at most WIN_CHUNK more terms reach it before the next count */
        win_store(a, w);
        a->wpos = *wpos;
        win_flush(a);
        a->wterms = WIN_CHUNK;
        w = (win4){0, 0, 0, 0};
    }
    *wpos = pos - 32; /* the term sits mid-window */
    *sh = 32;
    return w;
}

/* x decoded for the window: X = x1 2^64 + x0 with its top in x1 (a
   one-limb x moves up a limb, x1 = limb 0, x0 = 0, so that x's of one
   magnitude share a position whatever their trailing zeros: an exact x / 3
   has one limb, an inexact one two), e the position of X's bit 0, neg its
   sign bit; ok = 0 for an x the window does not take (zero, or > 2 limbs) */
typedef struct {
    uint64_t x0, x1;
    long e;
    uint64_t neg;
    int ok;
} xdec;

static inline __attribute__((always_inline)) xdec decode_x(const sg_xnum *x)
{
    xdec r = {0, 0, 0, 0, 0};
    if (x->nl == 0 || x->nl > 2)
        return r;
    int two = x->nl > 1;
    r.x0 = two ? x->limb[0] : 0;
    r.x1 = x->limb[two];
    r.e = x->e - (two ? 0 : 64);
    r.neg = (uint64_t)(x->sign < 0);
    r.ok = 1;
    return r;
}

/* the same for a one-limb x (x0 = 0): the 117-bit x1 mb shifted into
   words 1..3 only; -(V 2^64) = (~V + 1) 2^64 leaves word 0 as it is */
static inline __attribute__((always_inline)) win4 win_add1(win4 w, uint64_t x1, uint64_t mb,
                                                           unsigned s, uint64_t m)
{
    u128 p1 = (u128)x1 * mb;
    uint64_t u1 = (uint64_t)p1, u2 = (uint64_t)(p1 >> 64); /* u2 < 2^53 */
    uint64_t v1 = u1 << s;
    uint64_t v2 = (u2 << s) | ((u1 >> 1) >> (63 - s));
    uint64_t v3 = (u2 >> 1) >> (63 - s);
    return add3(w, v1, v2, v3, m);
}

/* a <- a + x * b (x decoded as d): into the window w (the caller's copy of
   a's, at *wpos) when the term fits it, placing the window on the first
   term that can have one, else by the lane path */
static inline __attribute__((always_inline)) win4 term_xd(sg_xacc *a, win4 w, long *wpos,
                                                          const sg_xnum *x, xdec d, double b)
{
    uint64_t bits;
    memcpy(&bits, &b, sizeof bits);
    uint64_t ex = (bits >> 52) & 0x7ff;
    if (x->nl == 0 || (bits << 1) == 0)
        return w; /* a zero term (either sign of zero) */
    if (ex == 0x7ff || !d.ok) {
        add_xd_lanes(a, x, b); /* non-finite b (overflow), or a wide x */
        return w;
    }
    uint64_t mb = (bits & ((UINT64_C(1) << 52) - 1)) | ((uint64_t)(ex != 0) << 52);
    long pos = d.e + (long)ex - 1075 + (ex == 0); /* bit 0 of x0 mb */
    uint64_t sh = (uint64_t)pos - (uint64_t)*wpos;
    if (sh >= 64) {
        w = term_miss(a, w, wpos, x, b, pos, &sh);
        if (sh >= 64)
            return w;
    }
    uint64_t m = -((bits >> 63) ^ d.neg);
    if (d.x0 == 0) /* a one-limb x: nothing to add to word 0 */
        return win_add1(w, d.x1, mb, (unsigned)sh, m);
    return win_add(w, d.x0, d.x1, mb, (unsigned)sh, m);
}

/* one term into a's window or lanes (the window flushed every
   WIN_MAX_TERMS terms) */
static inline __attribute__((always_inline)) void term_acc(sg_xacc *a, const sg_xnum *x, double b)
{
    if (a->wterms >= WIN_MAX_TERMS)
        win_flush(a);
    a->wterms++;
    win4 w = {a->win[0], a->win[1], a->win[2], a->win[3]};
    w = term_xd(a, w, &a->wpos, x, decode_x(x), b);
    win_store(a, w);
}

void sg_xacc_add_xd(sg_xacc *a, const sg_xnum *x, double b)
{
    term_acc(a, x, b);
}

/* one term through the general path on a's stored window (placement,
   misses, wide x, non-finite b): the fast loops below leave it any term
   that is not a finite product inside the placed window, so they call
   nothing and keep their window in registers (with a call in the loop gcc
   kept it on the stack, every term then waited on a store) */
static __attribute__((noinline)) void term_slow(sg_xacc *a, const sg_xnum *x, xdec d, double b)
{
    win4 w = {a->win[0], a->win[1], a->win[2], a->win[3]};
    w = term_xd(a, w, &a->wpos, x, d, b);
    win_store(a, w);
}

/* the hot case of term_xd: x decoded as d, b finite and nonzero and the
   product's bit 0 at wpos + sh with sh < 64.  Returns 0 with the term
   added, or 1 (nothing done: term_slow's case) */
static inline __attribute__((always_inline)) int term_fast(win4 *w, long wpos, xdec d, double b)
{
    uint64_t bits;
    memcpy(&bits, &b, sizeof bits);
    uint64_t ex = (bits >> 52) & 0x7ff;
    if (ex == 0x7ff || !d.ok)
        return 1;
    uint64_t mb = (bits & ((UINT64_C(1) << 52) - 1)) | ((uint64_t)(ex != 0) << 52);
    long pos = d.e + (long)ex - 1075 + (ex == 0);
    uint64_t sh = (uint64_t)pos - (uint64_t)wpos;
    if (sh >= 64)
        return 1;
    uint64_t m = -((bits >> 63) ^ d.neg);
    if (d.x0 == 0)
        *w = win_add1(*w, d.x1, mb, (unsigned)sh, m);
    else
        *w = win_add(*w, d.x0, d.x1, mb, (unsigned)sh, m);
    return 0;
}

/* the run of terms l = *l0, ... of a dot product whose x is one limb (a
   double W: the step audit's z) and whose b is normal and inside the
   window at wpos: term_fast's case written out without the two-limb and
   subnormal arms, in a function of its own so that the window's three
   words stay in registers (inlined into the general loop, gcc spilled
   them).  Stops at the first other term; *l0 is left there. */
static __attribute__((noinline)) win4 dot1_run(win4 w, long wpos, const sg_xnum *x,
                                               const double *b, int *l0, int l1)
{
    int l = *l0;
    for (; l < l1; l++) {
        const sg_xnum *xl = &x[l];
        uint64_t bits;
        memcpy(&bits, &b[l], sizeof bits);
        if (xl->nl != 1 || (bits << 1) == 0)
            break;
        uint64_t ex = (bits >> 52) & 0x7ff;
        if (ex - 1 >= 0x7fe) /* subnormal, Inf or NaN b */
            break;
        uint64_t mb = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
        uint64_t sh = (uint64_t)(xl->e - 64 - 1075 + (long)ex) - (uint64_t)wpos;
        if (sh >= 64)
            break;
        uint64_t m = -((bits >> 63) ^ (uint64_t)(xl->sign < 0));
        w = win_add1(w, xl->limb[0], mb, (unsigned)sh, m);
    }
    *l0 = l;
    return w;
}

void sg_xacc_dot_xd(sg_xacc *a, int m, const sg_xnum *x, const double *b)
{
    for (int l0 = 0; l0 < m; l0 += WIN_CHUNK) {
        int l1 = m - l0 < WIN_CHUNK ? m : l0 + WIN_CHUNK;
        if (a->wterms > WIN_MAX_TERMS - (l1 - l0))
            win_flush(a);
        a->wterms += l1 - l0;
        int l = l0;
        while (l < l1) {
            /* the window in locals (registers) for the run of fast terms */
            win4 w = {a->win[0], a->win[1], a->win[2], a->win[3]};
            long wpos = a->wpos;
            for (;;) {
                w = dot1_run(w, wpos, x, b, &l, l1);
                /* the terms up to the next one-limb x (all of them for a
                   two-limb W: the MPFR trajectory's z) and a one-limb term
                   the run left: a zero, term_fast, or term_slow below */
                int slow = 0;
                while (l < l1 && !slow) {
                    if (x[l].nl == 0 || b[l] == 0.0 ||
                        !term_fast(&w, wpos, decode_x(&x[l]), b[l]))
                        l++;
                    else
                        slow = 1;
                    if (l < l1 && x[l].nl == 1)
                        break;
                }
                if (slow || l == l1)
                    break;
            }
            win_store(a, w);
            if (l < l1) { /* term l: the general path, then back */
                term_slow(a, &x[l], decode_x(&x[l]), b[l]);
                l++;
            }
        }
    }
}

/* BMI2's shifts by a register (shlx, shrx: one micro-op, where shl by cl
   is three on the x86-64 baseline) for the window's seven shifts a term,
   in a clone the dynamic loader picks where the CPU has them (integer
   code only: no floating-point result can differ between the clones) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(SG_NO_CLONES)
#define SG_XACC_CLONES __attribute__((target_clones("default", "bmi2")))
#else
#define SG_XACC_CLONES
#endif

SG_XACC_CLONES
void sg_xacc_row_xd(sg_xacc *acc, int m, const sg_xnum *x, const double *b)
{
    if (x->nl == 0)
        return;
    xdec d = decode_x(x); /* once for the row: x is the same in every term */
    for (int q = 0; q < m; q++) {
        sg_xacc *a = &acc[q];
        if (a->wterms >= WIN_MAX_TERMS)
            win_flush(a);
        a->wterms++;
        if (b[q] == 0.0)
            continue;
        win4 w = {a->win[0], a->win[1], a->win[2], a->win[3]};
        if (term_fast(&w, a->wpos, d, b[q]))
            term_slow(a, x, d, b[q]);
        else
            win_store(a, w);
    }
}

void sg_xacc_add_i192(sg_xacc *a, const uint64_t w[3], long pos)
{
    uint64_t u[3] = {w[0], w[1], w[2]};
    int sign = 1;
    if (u[2] >> 63) { /* magnitude ~W + 1, added with sign -1 */
        sign = -1;
        unsigned __int128 c = 1;
        for (int q = 0; q < 3; q++) {
            c += (uint64_t)~u[q];
            u[q] = (uint64_t)c;
            c >>= 64;
        }
    }
    for (int q = 0; q < 3; q++)
        if (u[q] != 0)
            add_shifted(a, sign, u[q], pos + 64L * q);
}

void sg_xacc_add_dd(sg_xacc *a, double b, double c)
{
    if (b == 0.0 || c == 0.0)
        return;
    if (!isfinite(b) || !isfinite(c)) {
        a->overflow = 1;
        return;
    }
    uint64_t mb, mc;
    long eb, ec;
    int sb = split_double(b, &mb, &eb);
    int sc = split_double(c, &mc, &ec);
    add_shifted(a, sb * sc, (unsigned __int128)mb * mc, eb + ec);
}

void sg_xacc_get(sg_xacc *a, mpfr_t out, mpfr_rnd_t rnd, mpz_t z)
{
    if (a->overflow) {
        mpfr_set_nan(out);
        return;
    }
    if (a->cmin > a->cmax && a->wpos != SG_XACC_NOWIN) {
        /* the window alone: its integer, rounded once */
        uint64_t w[SG_XACC_WWORDS];
        memcpy(w, a->win, sizeof w);
        int neg = (int)(w[SG_XACC_WWORDS - 1] >> 63);
        if (neg) {
            unsigned __int128 c = 1;
            for (int q = 0; q < SG_XACC_WWORDS; q++) {
                c += (uint64_t)~w[q];
                w[q] = (uint64_t)c;
                c >>= 64;
            }
        }
        mpz_import(z, SG_XACC_WWORDS, -1, sizeof w[0], 0, 0, w);
        if (neg)
            mpz_neg(z, z);
        mpfr_set_z_2exp(out, z, (mpfr_exp_t)a->wpos, rnd);
        return;
    }
    win_flush(a); /* lanes and window: one exact integer in the lanes */
    if (a->cmin > a->cmax) {
        mpfr_set_zero(out, 1);
        return;
    }
    /* z = sum_c lane[c] 2^(32 (c - cmin)), Horner from the top lane */
    mpz_set_si(z, (long)a->lane[a->cmax]);
    for (int c = a->cmax - 1; c >= a->cmin; c--) {
        mpz_mul_2exp(z, z, 32);
        int64_t l = a->lane[c];
        if (l >= 0)
            mpz_add_ui(z, z, (unsigned long)l);
        else
            mpz_sub_ui(z, z, (unsigned long)(-(l + 1)) + 1UL);
    }
    mpfr_set_z_2exp(out, z, (mpfr_exp_t)(SG_XACC_LO + 32L * a->cmin), rnd);
}

void sg_xnum_from_double(sg_xnum *out, double x)
{
    out->nl = 0;
    out->sign = 1;
    out->e = 0;
    if (x == 0.0)
        return;
    uint64_t m;
    long e;
    out->sign = split_double(x, &m, &e);
    out->nl = 1;
    out->e = e;
    out->limb[0] = m;
}
