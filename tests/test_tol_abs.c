/* test_tol_abs.c -- the empirical tolerances from tol_abs.h's blocked copy
 * of |X| and from the scalar loop (sg_tol_state_abs with NULL) both equal,
 * bit for bit, those of the code they replaced (ref_tolerance.h, 7283754),
 * for k = 1..17 (both column paths, odd k), n from 1 to 100 (every
 * remainder mod SG_TOL_BLOCK and SG_TOL_LANES), d from 1, and u = 2^-53
 * and 2^-128 (the MPFR trajectory's); inputs with zeros of both signs,
 * subnormals and an infinity in W (the sums' Inf * 0 NaN; NaNs compared
 * as NaNs, see ta_same).
 * Negative control: one entry of X changed after the copy is seen. */
#include "audit/relu/tol_abs.h"
#include "audit/relu/tolerance.h"
#include "ref_tolerance.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t ta_state = 0x2545f4914f6cdd1dULL;

static double ta_double(void)
{
    ta_state ^= ta_state << 13;
    ta_state ^= ta_state >> 7;
    ta_state ^= ta_state << 17;
    double m = ((double)(ta_state >> 11) * 0x1.0p-53) * 2.0 - 1.0;
    switch (ta_state % 16) {
    case 0: return 0.0;
    case 1: return -0.0;
    case 2: return m * 1e-310;
    default: return m * 3.0;
    }
}

typedef struct {
    sg_problem p;
    sg_workspace ws;
    double *theta;
} ta_case;

static void ta_make(ta_case *c, int n, int d, int k)
{
    memset(c, 0, sizeof *c);
    c->p.loss = SG_LOSS_EMPIRICAL;
    c->p.n = n, c->p.d = d, c->p.k = k;
    c->p.X = malloc(sizeof(double) * (size_t)n * d);
    c->theta = malloc(sizeof(double) * (size_t)(k * d + k));
    c->ws.Z = malloc(sizeof(double) * (size_t)n * k);
    c->ws.H = malloc(sizeof(double) * (size_t)n * k);
    c->ws.r = malloc(sizeof(double) * (size_t)n);
    c->ws.grad = malloc(sizeof(double) * (size_t)(k * d + k));
    for (long q = 0; q < (long)n * d; q++)
        c->p.X[q] = ta_double();
    for (long q = 0; q < (long)k * d + k; q++) {
        c->theta[q] = ta_double();
        c->ws.grad[q] = ta_double();
    }
    for (long q = 0; q < (long)n * k; q++) {
        c->ws.Z[q] = ta_double();
        c->ws.H[q] = c->ws.Z[q] > 0.0 ? c->ws.Z[q] : 0.0;
    }
    for (int i = 0; i < n; i++)
        c->ws.r[i] = ta_double();
    c->ws.loss = 0.25;
}

static void ta_free(ta_case *c)
{
    free(c->p.X);
    free(c->theta);
    free(c->ws.Z);
    free(c->ws.H);
    free(c->ws.r);
    free(c->ws.grad);
}

/* the same bits; for NaNs, both NaN: which of two NaNs an add keeps (sign,
   payload) is the compiler's operand order, in the old code as in the new,
   and no output shows it (the verdicts map a NaN margin to -inf, the JSON
   and CSV writers print non-finite numbers as null / empty) */
static int ta_same(double a, double b)
{
    return isnan(a) ? isnan(b) : memcmp(&a, &b, sizeof a) == 0;
}

/* 0 if the fast tolerances, the scalar ones and 7283754's agree (ta_same) */
static int ta_differs(sg_tol_abs *ax, ta_case *c, double u, int verbose)
{
    int k = c->p.k;
    size_t kb = sizeof(double) * (size_t)k;
    double *h0 = malloc(kb), *h1 = malloc(kb), *hr = malloc(kb);
    double l0, l1, lr;
    ref_tol_empirical(&c->p, c->theta, &c->ws, u, hr, &lr);
    sg_tol_state_abs(NULL, &c->p, c->theta, &c->ws, u, h0, &l0);
    sg_tol_state_abs(ax, &c->p, c->theta, &c->ws, u, h1, &l1);
    int bad = !ta_same(lr, l0) || !ta_same(lr, l1);
    for (int j = 0; j < k; j++)
        bad |= !ta_same(hr[j], h0[j]) || !ta_same(hr[j], h1[j]);
    if (bad && verbose)
        printf("[n %d k %d: ref %a %a, scalar %a %a, fast %a %a] ", c->p.n, k, lr, hr[0], l0,
               h0[0], l1, h1[0]);
    free(h0);
    free(h1);
    free(hr);
    return bad;
}

static void test_tol_abs_bits(void)
{
    long cases = 0, bad = 0;
    for (int k = 1; k <= 17; k++) {
        for (int n = 1; n <= 100; n += (n < 40 ? 1 : 7)) {
            int d = 1 + (int)((unsigned)(n * 7 + k * 3) % 23);
            ta_case c;
            ta_make(&c, n, d, k);
            if (n == 33 && k == 3) { /* Inf * 0 in sample 0's sum: NaN tolerances */
                c.theta[d / 2] = INFINITY;
                c.p.X[d / 2] = 0.0;
                double h[3], l;
                sg_tol_state_abs(NULL, &c.p, c.theta, &c.ws, 0x1p-53, h, &l);
                CU_ASSERT(isnan(l) && isnan(h[0])); /* the case is there */
            }
            sg_tol_abs *ax = sg_tol_abs_new(n, d, k, c.p.X);
            CU_ASSERT_FATAL(ax != NULL);
            bad += ta_differs(ax, &c, 0x1p-53, 1);
            bad += ta_differs(ax, &c, 0x1p-128, 1);
            cases += 2;
            sg_tol_abs_free(ax);
            ta_free(&c);
        }
    }
    printf("[%ld cases, %ld differ] ", cases, bad);
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_tol_abs_negative(void)
{
    ta_case c;
    ta_make(&c, 45, 9, 3);
    sg_tol_abs *ax = sg_tol_abs_new(45, 9, 3, c.p.X);
    CU_ASSERT_FATAL(ax != NULL);
    CU_ASSERT_EQUAL(ta_differs(ax, &c, 0x1p-53, 1), 0);
    c.p.X[44 * 9 + 8] = 1e3; /* the copy is stale now: a different S */
    CU_ASSERT_EQUAL(ta_differs(ax, &c, 0x1p-53, 0), 1);
    sg_tol_abs_free(ax);
    ta_free(&c);
}

int register_tol_abs_suite(void)
{
    CU_pSuite s = CU_add_suite("tol_abs", NULL, NULL);
    if (!s)
        return -1;
    if (!CU_add_test(s, "tolerances (|X| copy, scalar loop) == 7283754's, bit for bit",
                     test_tol_abs_bits) ||
        !CU_add_test(s, "negative control: a changed X is seen", test_tol_abs_negative))
        return -1;
    return 0;
}
