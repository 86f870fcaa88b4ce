/* test_xacc.c -- the exact accumulator against exact rationals (GMP mpq):
 * sg_xacc_dot_xd and sg_xacc_row_xd (the two entry points of the shadow's
 * forward and gW sums) on sums of 128-bit numbers times doubles that
 * include subnormal doubles and tiny 128-bit factors (1e-320 * 1e-300
 * style products, about 2^-2060), huge ones, and exact cancellations.  The
 * accumulator's result rounded to 128 bits must equal the exact rational
 * sum rounded to 128 bits (mpfr_set_q, correctly rounded), for every
 * rounding the shadow uses.  Negative control: the same comparison sees a
 * sum with one term dropped. */
#include "shadow/fixdot.h"
#include "shadow/xacc.h"
#include <CUnit/CUnit.h>
#include <gmp.h>
#include <math.h>
#include <mpfr.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t xq_state = 0x243f6a8885a308d3ULL;

static uint64_t xq_next(void)
{
    xq_state ^= xq_state << 13;
    xq_state ^= xq_state >> 7;
    xq_state ^= xq_state << 17;
    return xq_state;
}

/* a double from a wide mix: subnormal, tiny, normal, huge, zero, +-1 */
static double xq_double(void)
{
    uint64_t u = xq_next();
    double m = ((double)(u >> 11) * 0x1.0p-53) * 2.0 - 1.0;
    switch (u % 8) {
    case 0: return m * 1e-320;           /* subnormal */
    case 1: return ldexp(m, -1060);      /* subnormal */
    case 2: return m * 1e-300;
    case 3: return m * 1e300;
    case 4: return (u & 256) ? 1.0 : -1.0;
    case 5: return 0.0;
    default: return m;
    }
}

/* exact rational value of a finite mpfr number */
static void xq_of_mpfr(mpq_t q, const mpfr_t x, mpz_t z)
{
    if (mpfr_zero_p(x)) {
        mpq_set_ui(q, 0, 1);
        return;
    }
    mpfr_exp_t e = mpfr_get_z_2exp(z, x);
    mpq_set_z(q, z);
    if (e >= 0)
        mpq_mul_2exp(q, q, (mp_bitcnt_t)e);
    else
        mpq_div_2exp(q, q, (mp_bitcnt_t)(-e));
}

static void test_xacc_vs_mpq(void)
{
    enum { M = 40 };
    mpfr_t w[M], got, want;
    uint64_t limbs[M][2];
    sg_xnum xn[M];
    double b[M];
    mpz_t z;
    mpq_t exact, term, qb;
    mpz_init(z);
    mpq_inits(exact, term, qb, NULL);
    mpfr_inits2(128, got, want, (mpfr_ptr)0);
    sg_xacc *acc = malloc(sizeof *acc), *row = malloc(sizeof *row * M);
    sg_xacc_init(acc);
    for (int q = 0; q < M; q++)
        sg_xacc_init(&row[q]);
    int bad_dot = 0, bad_row = 0, control_seen = 0, subnormal_terms = 0;
    for (int rep = 0; rep < 300; rep++) {
        int m = 1 + (int)(xq_next() % M);
        sg_xacc_clear(acc);
        mpq_set_ui(exact, 0, 1);
        for (int q = 0; q < m; q++) {
            mpfr_init2(w[q], 128);
            /* a full 128-bit factor: x / 3 at 128 bits, x from the mix */
            mpfr_set_d(w[q], xq_double(), MPFR_RNDN);
            mpfr_div_ui(w[q], w[q], 3, MPFR_RNDN);
            xn[q].limb = limbs[q];
            CU_ASSERT_EQUAL_FATAL(sg_xnum_from_mpfr(&xn[q], w[q], z), 0);
            b[q] = xq_double();
            if (b[q] != 0.0 && fabs(b[q]) < 0x1p-1022)
                subnormal_terms++;
            xq_of_mpfr(term, w[q], z);
            mpq_set_d(qb, b[q]); /* exact for a double */
            mpq_mul(term, term, qb);
            mpq_add(exact, exact, term);
        }
        if (rep % 5 == 0) { /* an exact cancellation of a huge pair */
            mpfr_init2(w[m], 128);
            mpfr_set(w[m], w[0], MPFR_RNDN);
            xn[m].limb = limbs[m];
            sg_xnum_from_mpfr(&xn[m], w[m], z);
            b[m] = -b[0];
            m++; /* exact += w0 * (-b0): cancels the first term */
            xq_of_mpfr(term, w[0], z);
            mpq_set_d(qb, -b[0]);
            mpq_mul(term, term, qb);
            mpq_add(exact, exact, term);
        }
        sg_xacc_dot_xd(acc, m, xn, b);
        mpfr_rnd_t rnd = rep % 3 == 0 ? MPFR_RNDN : rep % 3 == 1 ? MPFR_RNDU : MPFR_RNDD;
        sg_xacc_get(acc, got, rnd, z);
        mpfr_set_q(want, exact, rnd);
        bad_dot += !mpfr_equal_p(got, want) && !(mpfr_zero_p(got) && mpfr_zero_p(want));
        /* row: acc_q += w0 * b[q] for every q, against w0 * b[q] exactly */
        for (int q = 0; q < m; q++)
            sg_xacc_clear(&row[q]);
        sg_xacc_row_xd(row, m, &xn[0], b);
        for (int q = 0; q < m; q++) {
            xq_of_mpfr(term, w[0], z);
            mpq_set_d(qb, b[q]);
            mpq_mul(term, term, qb);
            sg_xacc_get(&row[q], got, rnd, z);
            mpfr_set_q(want, term, rnd);
            bad_row += !mpfr_equal_p(got, want) && !(mpfr_zero_p(got) && mpfr_zero_p(want));
        }
        /* negative control: the exact sum without the last term differs
           unless that term is zero or absorbed at 128 bits */
        if (b[m - 1] != 0.0 && !mpfr_zero_p(w[m - 1])) {
            xq_of_mpfr(term, w[m - 1], z);
            mpq_set_d(qb, b[m - 1]);
            mpq_mul(term, term, qb);
            mpq_sub(exact, exact, term);
            mpfr_set_q(want, exact, rnd);
            sg_xacc_get(acc, got, rnd, z);
            control_seen += !mpfr_equal_p(got, want);
        }
        for (int q = 0; q < m; q++)
            mpfr_clear(w[q]);
    }
    CU_ASSERT_EQUAL(bad_dot, 0);
    CU_ASSERT_EQUAL(bad_row, 0);
    CU_ASSERT(subnormal_terms > 100);  /* the subnormal products were there */
    printf("\n    xacc vs mpq: 300 sums, %d subnormal terms, dropped term seen in %d\n",
           subnormal_terms, control_seen);
    CU_ASSERT(control_seen > 30);      /* a dropped term is seen */
    /* the product of the issue: 1e-320 * 1e-300 (about 2^-2060), alone */
    sg_xacc_clear(acc);
    sg_xacc_add_dd(acc, 1e-320, 1e-300);
    sg_xacc_get(acc, got, MPFR_RNDN, z);
    mpq_set_d(exact, 1e-320);
    mpq_set_d(qb, 1e-300);
    mpq_mul(exact, exact, qb);
    mpfr_set_q(want, exact, MPFR_RNDN);
    CU_ASSERT(!acc->overflow && mpfr_equal_p(got, want));
    mpfr_clears(got, want, (mpfr_ptr)0);
    mpq_clears(exact, term, qb, NULL);
    mpz_clear(z);
    free(acc);
    free(row);
}

/* ---- the window paths (issue 14, item 5) ----
 * Sums long enough to flush the 256-bit window (> 512 terms) and to cross
 * dot chunks (> 256), first terms that are outliers (the window is moved),
 * x of one limb (exact x / 3, a double) mixed with x of two, precisions
 * 64, 128 (the window) and 200 (four limbs: the lane path only), terms far
 * outside any window (1e300 * 1e-300 style, the lanes), exact cancellation
 * to zero and b = -0.0.  Every result against the exact rational sum, in
 * four rounding modes.  A broken accumulator -- the same one fed products
 * without their low limb -- must fail the same comparison. */

/* a p-bit x: a double from the mix, divided by 3 at p bits (exact for a
   third of the mantissas: one limb; else p bits), or the double itself */
static void wx_make(mpfr_t w, int kind)
{
    mpfr_set_d(w, xq_double(), MPFR_RNDN);
    if (kind != 0)
        mpfr_div_ui(w, w, 3, MPFR_RNDN);
}

/* acc <- sum_l x[l] b[l], by the real accumulator (broken = 0), or by a
   broken one that drops the low limb of every two-limb x (broken = 1) */
static void wx_dot(sg_xacc *acc, int m, sg_xnum *x, const double *b, int broken)
{
    if (!broken) {
        sg_xacc_dot_xd(acc, m, x, b);
        return;
    }
    for (int l = 0; l < m; l++) {
        sg_xnum t = x[l];
        if (t.nl > 1) {
            t.limb++; /* limbs 1.. only, at the position of limb 1 */
            t.nl--;
            t.e += 64;
        }
        sg_xacc_add_xd(acc, &t, b[l]);
    }
}

static int wx_window_used, wx_lanes_used;

/* mismatches of the accumulator against the exact sums over reps random
   sums at precision prec (broken: the broken accumulator) */
static int wx_run(long prec, int reps, int broken, int *zeros)
{
    enum { MMAX = 1400 };
    int L = sg_xnum_limbs(prec), bad = 0;
    mpfr_t *w = malloc(sizeof(mpfr_t) * MMAX), got, want;
    uint64_t *limbs = malloc(sizeof(uint64_t) * (size_t)L * MMAX);
    sg_xnum *xn = malloc(sizeof(sg_xnum) * MMAX);
    double *b = malloc(sizeof(double) * MMAX);
    sg_xacc *acc = malloc(sizeof *acc);
    mpz_t z;
    mpq_t exact, term, qb;
    mpz_init(z);
    mpq_inits(exact, term, qb, NULL);
    mpfr_inits2((mpfr_prec_t)prec, got, want, (mpfr_ptr)0);
    for (int q = 0; q < MMAX; q++) {
        mpfr_init2(w[q], (mpfr_prec_t)prec);
        xn[q].limb = limbs + (long)q * L;
    }
    sg_xacc_init(acc);
    static const mpfr_rnd_t rnds[4] = {MPFR_RNDN, MPFR_RNDZ, MPFR_RNDU, MPFR_RNDD};
    for (int rep = 0; rep < reps; rep++) {
        int m = rep % 4 == 0 ? 600 + (int)(xq_next() % 800) : 1 + (int)(xq_next() % 300);
        int tame = rep % 2; /* normal-range terms only: the window's case */
        sg_xacc_clear(acc);
        mpq_set_ui(exact, 0, 1);
        for (int q = 0; q < m; q++) {
            if (tame) {
                double u = ((double)(xq_next() >> 11) * 0x1.0p-53) * 2.0 - 1.0;
                mpfr_set_d(w[q], u * 1e-4, MPFR_RNDN);
                if (xq_next() % 3)
                    mpfr_div_ui(w[q], w[q], 3, MPFR_RNDN);
                b[q] = ((double)(xq_next() >> 11) * 0x1.0p-53) * 4.0 - 2.0;
            } else {
                wx_make(w[q], (int)(xq_next() % 3));
                b[q] = xq_double();
            }
            if (q == 0 && rep % 3 == 0) /* an outlier first term: the window moves */
                mpfr_mul_2si(w[q], w[q], -90, MPFR_RNDN);
            if (q % 97 == 5)
                b[q] = -0.0;
            if (q > 0 && q % 50 == 0) { /* an exact cancellation of term q - 1 */
                mpfr_set(w[q], w[q - 1], MPFR_RNDN);
                b[q] = -b[q - 1];
            }
            CU_ASSERT_EQUAL_FATAL(sg_xnum_from_mpfr(&xn[q], w[q], z), 0);
            xq_of_mpfr(term, w[q], z);
            mpq_set_d(qb, b[q]);
            mpq_mul(term, term, qb);
            mpq_add(exact, exact, term);
        }
        wx_dot(acc, m, xn, b, broken);
        if (rep % 7 == 3) { /* the whole sum cancels: minus itself, term by term: + 0 */
            for (int q = 0; q < m; q++) {
                double nb = -b[q];
                sg_xacc_add_xd(acc, &xn[q], nb);
            }
            mpq_set_ui(exact, 0, 1);
        }
        int zero = mpq_sgn(exact) == 0;
        *zeros += zero;
        wx_window_used += acc->wpos != SG_XACC_NOWIN; /* the paths were taken */
        wx_lanes_used += acc->cmin <= acc->cmax;
        for (int r = 0; r < 4; r++) {
            sg_xacc_get(acc, got, rnds[r], z);
            mpfr_set_q(want, exact, rnds[r]);
            int same = mpfr_equal_p(got, want) && (!zero || !mpfr_signbit(got));
            bad += !same;
        }
    }
    for (int q = 0; q < MMAX; q++)
        mpfr_clear(w[q]);
    mpfr_clears(got, want, (mpfr_ptr)0);
    mpq_clears(exact, term, qb, NULL);
    mpz_clear(z);
    free(w); free(limbs); free(xn); free(b); free(acc);
    return bad;
}

static void test_xacc_window(void)
{
    int zeros = 0;
    for (long prec = 64; prec <= 200; prec += prec == 64 ? 64 : 72) {
        int bad = wx_run(prec, 120, 0, &zeros);
        printf("\n    window paths, %ld bits: 120 sums, %d mismatches", prec, bad);
        CU_ASSERT_EQUAL(bad, 0);
    }
    CU_ASSERT(zeros >= 3); /* the cancellations to + 0 were there */
    printf("\n    sums ending with a window: %d, with lanes: %d", wx_window_used, wx_lanes_used);
    CU_ASSERT(wx_window_used > 100 && wx_lanes_used > 100);
    /* negative control: without the low limbs the comparison fails */
    int zb = 0, broken = wx_run(128, 60, 1, &zb);
    printf("\n    broken accumulator (low limbs dropped): %d of 240 results wrong", broken);
    CU_ASSERT(broken > 60);
}

/* rows: acc[q] += t_i * b_i[q] over many calls (the gW sums), t_i of one
   or two limbs, long enough to flush the windows; and the range edges */
static void test_xacc_rows_and_range(void)
{
    enum { NB = 8, N = 1500 };
    mpfr_t t, got, want;
    uint64_t lt[2];
    sg_xnum xt = {.limb = lt};
    double b[NB];
    mpz_t z;
    mpq_t exact[NB], term, qb;
    mpz_init(z);
    mpq_inits(term, qb, NULL);
    for (int q = 0; q < NB; q++)
        mpq_init(exact[q]);
    mpfr_inits2(128, t, got, want, (mpfr_ptr)0);
    sg_xacc *acc = malloc(sizeof *acc * NB);
    for (int q = 0; q < NB; q++)
        sg_xacc_init(&acc[q]);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        wx_make(t, (int)(xq_next() % 3));
        if (i == 0)
            mpfr_mul_2si(t, t, 70, MPFR_RNDN); /* an outlier first term */
        sg_xnum_from_mpfr(&xt, t, z);
        for (int q = 0; q < NB; q++) {
            b[q] = i % 3 ? ((double)(xq_next() >> 11) * 0x1.0p-53) - 0.5 : xq_double();
            xq_of_mpfr(term, t, z);
            mpq_set_d(qb, b[q]);
            mpq_mul(term, term, qb);
            mpq_add(exact[q], exact[q], term);
        }
        sg_xacc_row_xd(acc, NB, &xt, b);
    }
    for (int q = 0; q < NB; q++) {
        sg_xacc_get(&acc[q], got, MPFR_RNDN, z);
        mpfr_set_q(want, exact[q], MPFR_RNDN);
        bad += !mpfr_equal_p(got, want);
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* range: a product whose bit 0 is below position -4480 overflows (NaN),
       as without the window (3 2^-3460 times 2^-1070: bit 0 at -4582); one
       inside the range (times 2^-900: at -4412) is exact; an infinite b
       overflows */
    sg_xacc *a = &acc[0];
    mpfr_set_ui_2exp(t, 3, -3460, MPFR_RNDN);
    sg_xnum_from_mpfr(&xt, t, z);
    sg_xacc_clear(a);
    sg_xacc_dot_xd(a, 1, &xt, (double[]){0x1p-1070});
    CU_ASSERT(a->overflow);
    sg_xacc_get(a, got, MPFR_RNDN, z);
    CU_ASSERT(mpfr_nan_p(got));
    sg_xacc_clear(a);
    double bb[2] = {0x1p-900, -0x1p-900};
    sg_xacc_dot_xd(a, 1, &xt, bb);
    CU_ASSERT(!a->overflow);
    sg_xacc_get(a, got, MPFR_RNDN, z);
    CU_ASSERT(mpfr_cmp_ui_2exp(got, 3, -4360) == 0);
    sg_xacc_dot_xd(a, 1, &xt, (double[]){INFINITY});
    CU_ASSERT(a->overflow);
    printf("\n    rows: %d accumulators x %d calls, %d mismatches; range edges checked", NB, N, bad);
    for (int q = 0; q < NB; q++)
        mpq_clear(exact[q]);
    mpq_clears(term, qb, NULL);
    mpfr_clears(t, got, want, (mpfr_ptr)0);
    mpz_clear(z);
    free(acc);
}

/* a double of random sign and mantissa times 2^(e0 + a random shift in
   [0, spread]), kept finite and nonzero (subnormal when e0 is low enough) */
static double dw_double(int e0, int spread)
{
    uint64_t u = xq_next();
    double m = 1.0 + (double)(u >> 12) * 0x1.0p-52; /* [1, 2) */
    int e = e0 + (spread > 0 ? (int)(xq_next() % (uint64_t)(spread + 1)) : 0);
    double v = ldexp(m, e);
    if (v == 0.0 || !isfinite(v))
        v = ldexp(1.0, e0 < 0 ? -1074 : 1023);
    return (u & 1) ? -v : v;
}

/* a one-limb W (a double): sg_xacc_dot_xd's one-limb run takes its terms
   (xacc.c dot1_run), leaving it for subnormal, zero or non-finite b and
   for products outside the window (the path of the step audit's z sums
   the fixed point declines, fixdot.h).  Against exact
   rationals, four roundings, at 128 and 53 bits; the overflow flag set
   exactly when some w != 0 meets a non-finite b (as without the run:
   w = 0 skips the term, whatever b is); exact cancellations end at + 0. */
static void test_xacc_double_w(void)
{
    enum { MMAX = 1400 };
    double *w = malloc(sizeof(double) * MMAX), *b = malloc(sizeof(double) * MMAX);
    uint64_t *limbs = malloc(sizeof(uint64_t) * MMAX);
    sg_xnum *xn = malloc(sizeof(sg_xnum) * MMAX);
    sg_xacc *acc = malloc(sizeof *acc);
    mpfr_t wm, got, want;
    mpz_t z;
    mpq_t exact, term, qb;
    mpz_init(z);
    mpq_inits(exact, term, qb, NULL);
    mpfr_init2(wm, 53);
    mpfr_inits2(128, got, want, (mpfr_ptr)0);
    sg_xacc_init(acc);
    static const mpfr_rnd_t rnds[4] = {MPFR_RNDN, MPFR_RNDZ, MPFR_RNDU, MPFR_RNDD};
    static const int spreads[5] = {0, 6, 40, 300, 2000};
    int bad = 0, bad_flag = 0, zeros = 0, overflows = 0, sums = 0;
    for (int rep = 0; rep < 400; rep++) {
        int m = rep % 5 == 0 ? 500 + (int)(xq_next() % 900) : 1 + (int)(xq_next() % 300);
        int sp = spreads[rep % 5];
        /* exponents centred anywhere: products from about 2^-2148 to 2^2046 */
        int ew = sp >= 2000 ? -1074 : -1000 + (int)(xq_next() % (uint64_t)(1900 - sp));
        int eb = sp >= 2000 ? -1074 : -1000 + (int)(xq_next() % (uint64_t)(1900 - sp));
        int cancel = rep % 6 == 1, special = rep % 4 == 3 && !cancel;
        int edge = rep % 10 == 8; /* (cancelling when rep % 6 == 1 too) */
        if (cancel && m % 2)
            m++; /* every term has its negation */
        int want_overflow = 0;
        mpq_set_ui(exact, 0, 1);
        for (int q = 0; q < m; q++) {
            w[q] = dw_double(ew, sp);
            b[q] = dw_double(eb, sp);
            if (cancel && q >= (m + 1) / 2) { /* the first half negated, reversed */
                w[q] = w[m - 1 - q];
                b[q] = -b[m - 1 - q];
            }
            if (edge) { /* b at the normal/subnormal boundary, w huge: the
                           subnormal products land in the window too */
                w[q] = dw_double(900, 3);
                b[q] = dw_double(-1022, 1);
                if (q % 3 == 1) /* a subnormal with a full mantissa */
                    b[q] = ldexp((double)((xq_next() >> 12) | (UINT64_C(1) << 51)), -1074) *
                           ((xq_next() & 1) ? -1.0 : 1.0);
                if (q % 11 == 4)
                    b[q] = (q & 1) ? -0.0 : 0.0;
            }
            if (special) {
                uint64_t u = xq_next() % 64;
                if (u == 0)
                    b[q] = -0.0;
                else if (u == 1)
                    w[q] = -0.0;
                else if (u == 2)
                    b[q] = ldexp((double)(xq_next() % 1000 + 1), -1074); /* subnormal */
                else if (u == 3) { /* w = 0 with a non-finite b: no term */
                    w[q] = 0.0;
                    b[q] = (xq_next() & 1) ? INFINITY : NAN;
                } else if (u == 4 && rep % 8 == 7) /* a non-finite b: overflow */
                    b[q] = (xq_next() & 1) ? -INFINITY : NAN;
            }
            if (w[q] != 0.0 && !isfinite(b[q]))
                want_overflow = 1;
            mpfr_set_d(wm, w[q], MPFR_RNDN);
            xn[q].limb = limbs + q;
            if (q % 2) {
                CU_ASSERT_EQUAL_FATAL(sg_xnum_from_mpfr(&xn[q], wm, z), 0);
            } else {
                sg_xnum_from_double(&xn[q], w[q]);
            }
            CU_ASSERT_FATAL(xn[q].nl <= 1);
            if (w[q] != 0.0 && isfinite(b[q])) {
                mpq_set_d(term, w[q]);
                mpq_set_d(qb, b[q]);
                mpq_mul(term, term, qb);
                mpq_add(exact, exact, term);
            }
        }
        /* in one call or in pieces (the window carried between calls) */
        sg_xacc_clear(acc);
        int h = rep % 3 == 2 ? m / 3 : m;
        sg_xacc_dot_xd(acc, h, xn, b);
        sg_xacc_dot_xd(acc, m - h, xn + h, b + h);
        sums++;
        bad_flag += acc->overflow != want_overflow;
        overflows += want_overflow;
        if (want_overflow) {
            sg_xacc_get(acc, got, MPFR_RNDN, z);
            bad += !mpfr_nan_p(got);
            continue;
        }
        int zero = mpq_sgn(exact) == 0;
        zeros += zero;
        for (int r = 0; r < 4; r++) {
            mpfr_prec_t pr = r % 2 ? 53 : 128;
            mpfr_set_prec(got, pr);
            mpfr_set_prec(want, pr);
            sg_xacc_get(acc, got, rnds[r], z);
            mpfr_set_q(want, exact, rnds[r]);
            bad += !(mpfr_equal_p(got, want) && (!zero || !mpfr_signbit(got)));
        }
    }
    printf("\n    double W: %d sums (%d cancelling to + 0, %d overflowing), %d mismatches, "
           "%d overflow flags wrong", sums, zeros, overflows, bad, bad_flag);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(bad_flag, 0);
    CU_ASSERT(zeros >= 40 && overflows >= 10);
    mpfr_clears(wm, got, want, (mpfr_ptr)0);
    mpq_clears(exact, term, qb, NULL);
    mpz_clear(z);
    free(w); free(b); free(limbs); free(xn); free(acc);
}

/* the step audit's z in fixed point (fixdot.h, sg_fix_dot_exact): W one
   limb (a double, or a 64-bit MPFR number as the trajectory can hold), x
   doubles; spreads of exponents from none (every entry fast, products up
   to 2^124: eight of them near 2^127, the chunk bound) to hundreds of
   binades (most entries slow on one side or both), zeros, subnormals,
   exact cancellation, lengths up to 1400 (the 192-bit running sum).
   Every sum the fixed point takes (returns 0) must equal the exact
   rational sum rounded, for four roundings at 128 and 53 bits, + 0 for a
   zero sum; a declined sum (-1) must be one whose position leaves the
   accumulator's range.  Negative control: tests/xacc_mutants.py breaks
   fixdot.c six ways, each must fail this test. */
static void test_fixdot_vs_mpq(void)
{
    enum { MMAX = 1400 };
    double *w = malloc(sizeof(double) * MMAX), *b = malloc(sizeof(double) * MMAX);
    uint64_t *limbs = malloc(sizeof(uint64_t) * MMAX);
    sg_xnum *xn = malloc(sizeof(sg_xnum) * MMAX);
    sg_fix_in *in = malloc(sizeof(sg_fix_in) * MMAX);
    int64_t *wq = malloc(sizeof(int64_t) * MMAX), *bq = malloc(sizeof(int64_t) * MMAX);
    int64_t *cq = malloc(sizeof(int64_t) * MMAX);
    int *wsl = malloc(sizeof(int) * MMAX), *bsl = malloc(sizeof(int) * MMAX);
    int *csl = malloc(sizeof(int) * MMAX);
    unsigned char *bslow = malloc(MMAX);
    sg_xacc *acc = malloc(sizeof *acc);
    mpfr_t wm, got, want;
    mpz_t z;
    mpq_t exact, term, qb;
    mpz_init(z);
    mpq_inits(exact, term, qb, NULL);
    mpfr_init2(wm, 64);
    mpfr_inits2(128, got, want, (mpfr_ptr)0);
    sg_xacc_init(acc);
    static const mpfr_rnd_t rnds[4] = {MPFR_RNDN, MPFR_RNDZ, MPFR_RNDU, MPFR_RNDD};
    static const int spreads[6] = {0, 0, 6, 12, 40, 300};
    int bad = 0, taken = 0, taken_slow = 0, declined = 0, zeros = 0, sums = 0, conv_bad = 0;
    for (int rep = 0; rep < 600; rep++) {
        int m = rep % 7 == 0 ? 500 + (int)(xq_next() % 900) : 1 + (int)(xq_next() % 300);
        int sp = spreads[rep % 6];
        int ew = -600 + (int)(xq_next() % 1100), eb = -1000 + (int)(xq_next() % 1900);
        if (rep % 11 == 5)
            eb = -1074; /* subnormal x */
        int big = rep % 17 == 3;
        if (big)
            m = 600 + (int)(xq_next() % 600);
        int cancel = rep % 5 == 1 && !big, wide_w = rep % 4 == 2 && !cancel && !big;
        if (cancel && m % 2)
            m++;
        mpq_set_ui(exact, 0, 1);
        for (int q = 0; q < m; q++) {
            w[q] = dw_double(ew, sp);
            b[q] = rep % 11 == 5 ? ldexp((double)(xq_next() % 4096), -1074) : dw_double(eb, sp);
            if (xq_next() % 16 == 0)
                b[q] = (q & 1) ? -0.0 : 0.0;
            if (xq_next() % 16 == 0)
                w[q] = 0.0;
            if (big) { /* one sign, one binade: a sum past 2^128 (the top word),
                          with x's first entry slow so it meets the lanes */
                w[q] = fabs(dw_double(ew, 0));
                b[q] = fabs(dw_double(q == 0 ? eb - 30 : eb, 0));
            }
            if (cancel && q >= m / 2) { /* the first half again, negated */
                w[q] = w[q - m / 2];
                b[q] = -b[q - m / 2];
            }
            xn[q].limb = limbs + q;
            if (wide_w && w[q] != 0.0) { /* a 64-bit mantissa: one limb, not a double */
                mpfr_set_d(wm, w[q], MPFR_RNDN);
                mpfr_mul_d(wm, wm, 1.0 + 0x1p-60, MPFR_RNDN);
            } else
                mpfr_set_d(wm, w[q], MPFR_RNDN);
            /* W beyond the doubles' range (MPFR's is wider): sums whose
               position leaves the accumulator's, declined */
            if (rep % 13 == 6)
                mpfr_mul_2si(wm, wm, -3500, MPFR_RNDN);
            else if (rep % 13 == 7)
                mpfr_mul_2si(wm, wm, 3500 + 1000 - ew, MPFR_RNDN);
            CU_ASSERT_EQUAL_FATAL(sg_xnum_from_mpfr(&xn[q], wm, z), 0);
            CU_ASSERT_FATAL(xn[q].nl <= 1);
            if (!mpfr_zero_p(wm) && b[q] != 0.0) {
                mpfr_get_q(term, wm);
                mpq_set_d(qb, b[q]);
                mpq_mul(term, term, qb);
                mpq_add(exact, exact, term);
            }
        }
        for (int q = 0; q < m; q++) {
            in[q].m = xn[q].nl ? xn[q].limb[0] : 0;
            in[q].e = xn[q].e;
            in[q].neg = xn[q].sign < 0;
        }
        sg_fix_vec wf = {wq, wsl, 0, 0}, bf = {bq, bsl, 0, 0};
        sg_fix_from(&wf, m, in);
        CU_ASSERT_EQUAL_FATAL(sg_fix_in_doubles(in, m, b), 0);
        sg_fix_from(&bf, m, in);
        /* the one-pass conversion of doubles (the shadow's, for X's rows)
           gives the same vector: base, q, slow list */
        {
            sg_fix_vec cf = {cq, csl, 0, 0};
            CU_ASSERT_EQUAL_FATAL(sg_fix_from_doubles(&cf, m, b, in), 0);
            int same = cf.nslow == bf.nslow && memcmp(cq, bq, sizeof(int64_t) * (size_t)m) == 0 &&
                       memcmp(csl, bsl, sizeof(int) * (size_t)bf.nslow) == 0 &&
                       cf.base == bf.base;
            conv_bad += !same;
        }
        memset(bslow, 0, (size_t)m);
        for (int q = 0; q < bf.nslow; q++)
            bslow[bf.slow[q]] = 1;
        sums++;
        int zero = mpq_sgn(exact) == 0;
        int slow = wf.nslow + bf.nslow > 0;
        for (int r = 0; r < 4; r++) {
            mpfr_prec_t pr = r % 2 ? 53 : 128;
            mpfr_set_prec(got, pr);
            mpfr_set_prec(want, pr);
            if (sg_fix_dot_exact(got, rnds[r], m, &wf, xn, &bf, bslow, b, acc, z) != 0) {
                long pos = wf.base + bf.base;
                /* declined: only where the integer or a slow term is out of range */
                if (r == 0)
                    declined++;
                bad += !(pos < SG_XACC_LO || pos > SG_XACC_HI - 512 || slow);
                continue;
            }
            if (r == 0) {
                taken++;
                taken_slow += slow;
                zeros += zero;
            }
            mpfr_set_q(want, exact, rnds[r]);
            bad += !(mpfr_equal_p(got, want) && (!zero || !mpfr_signbit(got)));
        }
    }
    printf("\n    fixed-point z: %d sums, %d taken (%d with slow terms, %d zero), %d declined, "
           "%d mismatches; one-pass conversion of doubles: %d differ",
           sums, taken, taken_slow, zeros, declined, bad, conv_bad);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(conv_bad, 0);
    CU_ASSERT(taken >= 400 && taken_slow >= 100 && taken - taken_slow >= 100 && zeros >= 50);
    CU_ASSERT(declined >= 20);
    mpfr_clears(wm, got, want, (mpfr_ptr)0);
    mpq_clears(exact, term, qb, NULL);
    mpz_clear(z);
    free(w); free(b); free(limbs); free(xn); free(in); free(wq); free(bq); free(wsl); free(bsl);
    free(cq); free(csl);
    free(bslow); free(acc);
}

int register_xacc_suite(void)
{
    CU_pSuite s = CU_add_suite("xacc", NULL, NULL);
    return !s || !CU_add_test(s, "exact accumulator vs mpq, subnormal products", test_xacc_vs_mpq) ||
           !CU_add_test(s, "window paths vs mpq; a broken accumulator fails", test_xacc_window) ||
           !CU_add_test(s, "row sums and the range edges", test_xacc_rows_and_range) ||
           !CU_add_test(s, "double W (the one-limb run) vs mpq, flags", test_xacc_double_w) ||
           !CU_add_test(s, "fixed-point z (fixdot.h) vs mpq", test_fixdot_vs_mpq);
}
