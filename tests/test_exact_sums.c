/* test_exact_sums.c -- the invariant audit's exact residuals (inv_exact.c,
 * now summed in the exact accumulator) against the MPFR version they
 * replaced (ref_exact.h), bit for bit: HOMOG's w.g - v gv, IMBAL's
 * residual, db, and the one-pass residual + db of inv_imbal_db_acc, on
 * inputs from a wide mix of magnitudes (subnormal, 1e-300, 1e300, zeros of
 * both signs, exact cancellations w1 = w).  A non-finite input must give a
 * non-finite result on both sides (the only thing the callers test).
 * Negative control: the same comparison sees one term dropped. */
#include "audit/relu/invariants.h"
#include "audit/relu/invariants_private.h"
#include "ref_exact.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static uint64_t es_state = 0x9e3779b97f4a7c15ULL;

static uint64_t es_next(void)
{
    es_state ^= es_state << 13;
    es_state ^= es_state >> 7;
    es_state ^= es_state << 17;
    return es_state;
}

/* one input: mostly the run's magnitudes, with the range's edges mixed in */
static double es_double(int mix)
{
    uint64_t u = es_next();
    double m = ((double)(u >> 11) * 0x1.0p-53) * 2.0 - 1.0;
    if (!mix)
        return ldexp(m, (int)(u % 40) - 30);
    switch (u % 10) {
    case 0: return m * 1e-320;
    case 1: return ldexp(m, -1060);
    case 2: return m * 1e-300;
    case 3: return m * 1e150; /* squares near 1e300 */
    case 4: return (u & 256) ? 1.0 : -1.0;
    case 5: return (u & 256) ? 0.0 : -0.0;
    case 6: return m * 1e300;
    default: return ldexp(m, (int)(u % 200) - 100);
    }
}

static int same(double a, double b)
{
    if (isnan(a) || isnan(b) || isinf(a) || isinf(b))
        return !isfinite(a) && !isfinite(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

enum { D_MAX = 40 };

static void check_one(exact_acc *e, int d, int mix, int nonfinite, long *bad)
{
    double w[D_MAX], g[D_MAX], w1[D_MAX];
    for (int l = 0; l < d; l++) {
        w[l] = es_double(mix);
        g[l] = es_double(mix);
        /* a third of the cases: w1 = w (IMBAL's squares cancel exactly) */
        w1[l] = es_next() % 3 == 0 ? w[l] : es_double(mix);
    }
    double v = es_double(mix), gv = es_double(mix), v1 = es_double(mix);
    double mu = es_next() % 4 == 0 ? es_double(mix) : 0.1;
    if (nonfinite) {
        double bad_value[3] = {INFINITY, -INFINITY, NAN};
        double x = bad_value[es_next() % 3];
        switch (es_next() % 4) {
        case 0: w[es_next() % (uint64_t)d] = x; break;
        case 1: g[0] = x; w[0] = 0.0; break; /* Inf * 0 */
        case 2: v1 = x; break;
        default: mu = x; break;
        }
    }
    double rh = ref_homog(d, w, g, v, gv), ri = ref_imbal(d, mu, w, g, v, gv, w1, v1);
    double rd = ref_db(d, w, v, w1, v1);
    double db = NAN;
    double xi = inv_imbal_db_acc(e, d, mu, w, g, v, gv, w1, v1, &db);
    if (!same(rh, inv_homog_acc(e, d, w, g, v, gv)) || !same(rh, sg_exact_homog(d, w, g, v, gv)))
        (*bad)++;
    if (!same(ri, xi) || !same(ri, inv_imbal_acc(e, d, mu, w, g, v, gv, w1, v1)) ||
        !same(ri, sg_exact_imbal(d, mu, w, g, v, gv, w1, v1)))
        (*bad)++;
    if (!same(rd, db) || !same(rd, inv_db_acc(e, d, w, v, w1, v1)) ||
        !same(rd, sg_exact_db(d, w, v, w1, v1)))
        (*bad)++;
}

static void test_exact_sums_vs_mpfr(void)
{
    exact_acc *e = inv_acc_new(3L * D_MAX + 3);
    CU_ASSERT_FATAL(e != NULL);
    long bad = 0, cases = 0;
    for (int rep = 0; rep < 3000; rep++) {
        int d = 1 + (int)(es_next() % D_MAX);
        check_one(e, d, rep % 3 != 0, rep % 50 == 7, &bad);
        cases++;
    }
    printf("[%ld cases, %ld differ] ", cases, bad);
    CU_ASSERT_EQUAL(bad, 0);
    inv_acc_delete(e);
}

/* the comparison can fail: one term of the reference dropped */
static void test_exact_sums_negative(void)
{
    double w[3] = {1.0, 0x1p-30, 3.0}, g[3] = {1.0, 1.0, 0x1p-40};
    exact_acc *e = inv_acc_new(12);
    CU_ASSERT_FATAL(e != NULL);
    double full = inv_homog_acc(e, 3, w, g, 2.0, 0.5);
    CU_ASSERT_EQUAL(full, ref_homog(3, w, g, 2.0, 0.5));
    CU_ASSERT(!same(full, ref_homog(2, w, g, 2.0, 0.5)));
    inv_acc_delete(e);
}

int register_exact_sums_suite(void)
{
    CU_pSuite s = CU_add_suite("exact_sums", NULL, NULL);
    if (!s)
        return -1;
    if (!CU_add_test(s, "exact residuals (accumulator) == MPFR version, bit for bit",
                     test_exact_sums_vs_mpfr) ||
        !CU_add_test(s, "negative control: a dropped term is seen", test_exact_sums_negative))
        return -1;
    return 0;
}
