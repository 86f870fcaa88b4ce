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

void sg_xacc_init(sg_xacc *a)
{
    memset(a->lane, 0, sizeof a->lane);
    a->cmin = SG_XACC_LANES;
    a->cmax = -1;
    a->adds = 0;
    a->overflow = 0;
}

void sg_xacc_clear(sg_xacc *a)
{
    if (a->cmin <= a->cmax)
        memset(a->lane + a->cmin, 0, (size_t)(a->cmax - a->cmin + 1) * sizeof(int64_t));
    a->cmin = SG_XACC_LANES;
    a->cmax = -1;
    a->adds = 0;
    a->overflow = 0;
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

void sg_xacc_add_xd(sg_xacc *a, const sg_xnum *x, double b)
{
    add_xd(a, x, b);
}

void sg_xacc_dot_xd(sg_xacc *a, int m, const sg_xnum *x, const double *b)
{
    for (int l = 0; l < m; l++)
        add_xd(a, &x[l], b[l]);
}

void sg_xacc_row_xd(sg_xacc *acc, int m, const sg_xnum *x, const double *b)
{
    for (int q = 0; q < m; q++)
        add_xd(&acc[q], x, b[q]);
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

int sg_xnum_from_mpfr(sg_xnum *out, const mpfr_t x, mpz_t z)
{
    out->nl = 0;
    out->sign = 1;
    out->e = 0;
    if (mpfr_zero_p(x))
        return 0;
    if (!mpfr_number_p(x))
        return -1;
    mpfr_exp_t e = mpfr_get_z_2exp(z, x);
    if (mpz_sgn(z) < 0) {
        out->sign = -1;
        mpz_neg(z, z);
    }
    mp_bitcnt_t tz = mpz_scan1(z, 0);
    mpz_tdiv_q_2exp(z, z, tz);
    size_t nl = mpz_size(z);
    if (nl > (size_t)sg_xnum_limbs(mpfr_get_prec(x)))
        return -1;
    out->e = (long)e + (long)tz;
    out->nl = (int)nl;
    for (size_t q = 0; q < nl; q++)
        out->limb[q] = mpz_getlimbn(z, (mp_size_t)q);
    return 0;
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
