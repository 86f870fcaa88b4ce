/* fixdot.c -- exact fixed-point dot products (see fixdot.h). */
#include "shadow/fixdot.h"
#include "kernels/vector.h"
#include <limits.h>
#include <string.h>

void sg_fix_from(sg_fix_vec *v, int m, const sg_fix_in *in)
{
    /* top: the position of the highest set bit over the vector */
    long top = LONG_MIN;
    for (int l = 0; l < m; l++)
        if (in[l].m != 0) {
            long t = in[l].e + 63 - __builtin_clzll(in[l].m);
            if (t > top)
                top = t;
        }
    v->nslow = 0;
    if (top == LONG_MIN) { /* all zero: any base, every q 0 */
        v->base = 0;
        memset(v->q, 0, (size_t)m * sizeof v->q[0]);
        return;
    }
    /* an entry whose top bit is at `top` gets q < 2^SG_FIX_BITS */
    long base = top - (SG_FIX_BITS - 1);
    v->base = base;
    for (int l = 0; l < m; l++) {
        uint64_t mm = in[l].m;
        if (mm == 0) {
            v->q[l] = 0;
            continue;
        }
        int tz = __builtin_ctzll(mm);
        long e = in[l].e + tz;
        mm >>= tz;
        if (e < base) { /* bits below base: the general accumulator's */
            v->q[l] = 0;
            v->slow[v->nslow++] = l;
            continue;
        }
        /* top of this entry <= top, so mm << (e - base) < 2^SG_FIX_BITS:
           e - base + bitlen(mm) <= top - base + 1 = SG_FIX_BITS */
        int64_t q = (int64_t)(mm << (e - base));
        v->q[l] = in[l].neg ? -q : q;
    }
}

int sg_fix_in_doubles(sg_fix_in *in, int m, const double *x)
{
    for (int l = 0; l < m; l++) {
        uint64_t bits;
        memcpy(&bits, &x[l], sizeof bits);
        uint64_t ex = (bits >> 52) & 0x7ff, frac = bits & ((UINT64_C(1) << 52) - 1);
        if (ex == 0x7ff)
            return -1;
        in[l].neg = (int)(bits >> 63);
        in[l].m = ex ? frac | (UINT64_C(1) << 52) : frac;
        in[l].e = ex ? (long)ex - 1075 : -1074;
    }
    return 0;
}

/* q[l] <- the fixed point of a normal x[l] whose exponent field ex has
   sh = ex - maxex + 9 >= 0 (below 2^62: sh <= 9), else 0; returns nonzero
   if some nonzero x[l] was not such an entry */
SG_VECTOR_CLONES
static uint64_t conv_normals(int m, const double *restrict x, uint64_t maxex,
                             int64_t *restrict q)
{
    uint64_t other = 0;
    const int64_t sh0 = 52 - (SG_FIX_BITS - 1);
    for (int l = 0; l < m; l++) {
        uint64_t bits;
        memcpy(&bits, &x[l], sizeof bits);
        uint64_t ex = (bits >> 52) & 0x7ff;
        int64_t sh = (int64_t)ex - (int64_t)maxex - sh0;
        uint64_t ok = (uint64_t)((ex != 0) & (sh >= 0));
        uint64_t mant = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
        uint64_t mag = (mant << (sh & 63)) & -ok, neg = -(bits >> 63);
        q[l] = (int64_t)((mag ^ neg) - neg);
        other |= (ok ^ 1) & (uint64_t)((bits << 1) != 0);
    }
    return other;
}

int sg_fix_from_doubles(sg_fix_vec *v, int m, const double *x, sg_fix_in *scratch)
{
    /* pass 1: the largest exponent field (an integer max; Inf/NaN: 0x7ff) */
    uint64_t maxex = 0;
    for (int l = 0; l < m; l++) {
        uint64_t bits;
        memcpy(&bits, &x[l], sizeof bits);
        uint64_t ex = (bits >> 52) & 0x7ff;
        maxex = ex > maxex ? ex : maxex;
    }
    if (maxex == 0x7ff)
        return -1;
    if (maxex == 0) { /* zeros and subnormals only: the general conversion */
        if (sg_fix_in_doubles(scratch, m, x) != 0)
            return -1;
        sg_fix_from(v, m, scratch);
        return 0;
    }
    /* the largest top bit is that of a normal entry with exponent field
       maxex, at maxex - 1075 + 52; base = top - (SG_FIX_BITS - 1), so a
       normal entry with field ex sits at sh = ex - maxex + 9 (<= 9) above
       base, its 53-bit mantissa shifted below 2^62 */
    const long sh0 = 52 - (SG_FIX_BITS - 1);
    v->base = (long)maxex - 1075 + sh0;
    v->nslow = 0;
    /* pass 2, branch-free (vector code in the clones): the normal entries
       at or above base; every other nonzero entry gets q = 0 and is looked
       at again below */
    uint64_t other = conv_normals(m, x, maxex, v->q);
    if (!other)
        return 0;
    for (int l = 0; l < m; l++) {
        uint64_t bits;
        memcpy(&bits, &x[l], sizeof bits);
        uint64_t ex = (bits >> 52) & 0x7ff, frac = bits & ((UINT64_C(1) << 52) - 1);
        if ((bits << 1) == 0 || (ex != 0 && (long)ex - (long)maxex - sh0 >= 0))
            continue; /* a zero, or done above */
        /* a subnormal, or a normal below base: exact only if its lowest set
           bit is at or above base (as sg_fix_from decides) */
        uint64_t mm = ex ? frac | (UINT64_C(1) << 52) : frac, neg = -(bits >> 63);
        long e = ex ? (long)ex - 1075 : -1074;
        int tz = __builtin_ctzll(mm);
        e += tz;
        mm >>= tz;
        if (e < v->base) {
            v->q[l] = 0;
            v->slow[v->nslow++] = l;
            continue;
        }
        int64_t q = (int64_t)(mm << (e - v->base));
        v->q[l] = (int64_t)(((uint64_t)q ^ neg) - neg);
    }
    return 0;
}

void sg_fix_dot(int m, const int64_t *a, const int64_t *b, uint64_t out[3])
{
    /* the running sum hi 2^128 + lo (lo unsigned, hi two's complement,
       arithmetic modulo 2^64 on hi: the true sum is below m 2^124) */
    unsigned __int128 lo = 0;
    uint64_t hi = 0;
    for (int l0 = 0; l0 < m; l0 += 8) {
        int l1 = m - l0 < 8 ? m : l0 + 8;
        /* eight products, each |q r| < 2^124, stay below 2^127; two
           chains of four (each below 2^126) keep two multiplies in flight */
        __int128 c0 = 0, c1 = 0;
        int l = l0;
        for (; l + 1 < l1; l += 2) {
            c0 += (__int128)a[l] * b[l];
            c1 += (__int128)a[l + 1] * b[l + 1];
        }
        if (l < l1)
            c0 += (__int128)a[l] * b[l];
        __int128 c = c0 + c1;
        unsigned __int128 s = lo + (unsigned __int128)c;
        hi += (uint64_t)(s < lo) - (uint64_t)(c < 0);
        lo = s;
    }
    out[0] = (uint64_t)lo;
    out[1] = (uint64_t)(lo >> 64);
    out[2] = hi;
}

void sg_fix_round(mpfr_t out, const uint64_t s[3], long e, mpfr_rnd_t rnd, mpz_t z)
{
    uint64_t w[3] = {s[0], s[1], s[2]};
    int neg = (int)(w[2] >> 63);
    if (neg) { /* magnitude: ~w + 1 */
        unsigned __int128 c = 1;
        for (int q = 0; q < 3; q++) {
            c += (uint64_t)~w[q];
            w[q] = (uint64_t)c;
            c >>= 64;
        }
    }
    mpz_import(z, 3, -1, sizeof w[0], 0, 0, w);
    if (neg)
        mpz_neg(z, z);
    mpfr_set_z_2exp(out, z, (mpfr_exp_t)e, rnd);
}

int sg_fix_dot_exact(mpfr_t out, mpfr_rnd_t rnd, int m, const sg_fix_vec *wf,
                     const sg_xnum *w, const sg_fix_vec *xf, const unsigned char *xslow,
                     const double *x, sg_xacc *acc, mpz_t z)
{
    long pos = wf->base + xf->base;
    /* the integer's three words, at pos .. pos + 191, well inside the
       lanes (add_shifted's range ends at SG_XACC_HI - 160) */
    if (pos < SG_XACC_LO || pos > SG_XACC_HI - 512)
        return -1;
    uint64_t sum[3];
    sg_fix_dot(m, wf->q, xf->q, sum);
    if (wf->nslow == 0 && xf->nslow == 0) {
        sg_fix_round(out, sum, pos, rnd, z);
        return 0;
    }
    sg_xacc_clear(acc);
    sg_xacc_add_i192(acc, sum, pos);
    /* each slow term once: x's list, then w's entries whose x is not slow */
    for (int q = 0; q < xf->nslow; q++) {
        int l = xf->slow[q];
        sg_xacc_add_xd(acc, &w[l], x[l]);
    }
    for (int q = 0; q < wf->nslow; q++) {
        int l = wf->slow[q];
        if (!xslow[l])
            sg_xacc_add_xd(acc, &w[l], x[l]);
    }
    if (acc->overflow)
        return -1;
    sg_xacc_get(acc, out, rnd, z);
    return 0;
}
