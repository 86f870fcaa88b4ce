/* test_fast_kernels.c -- issue 14: the restructured kernels (outputs advance
 * together) give bit-identical results to the previous kernels, kept in
 * ref_empirical.h, on random shapes (n, d, k not multiples of any blocking
 * or vector width, and 1), with signed zeros, subnormals and exact
 * cancellations in the data.  Bits are compared with memcmp, so -0.0 vs
 * +0.0 counts as a difference; a negative control shows the comparison sees
 * a one-ulp change and a changed summation order. */
#include "kernels/relu/empirical.h"
#include "ref_empirical.h"
#include "shadow/relu/bounds_private.h" /* sets rounding-math for this file too */
#include <fenv.h>
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fk_state = 0x9e3779b97f4a7c15ULL;

static uint64_t fk_next(void)
{
    fk_state ^= fk_state << 13;
    fk_state ^= fk_state >> 7;
    fk_state ^= fk_state << 17;
    return fk_state;
}

/* a value drawn from a mix: normal-sized, signed zero, subnormal, huge
   cancellation partner, integer (exact sums, so zero sums occur) */
static double fk_value(void)
{
    uint64_t u = fk_next();
    double m = (double)(u >> 11) * 0x1.0p-53 * 2.0 - 1.0;
    switch (u % 10) {
    case 0: return 0.0;
    case 1: return -0.0;
    case 2: return m * 0x1.0p-1060;            /* subnormal */
    case 3: return (double)((int)(u >> 40) % 5 - 2); /* small integer */
    case 4: return m * 1e150;                  /* big: cancellations */
    default: return m;
    }
}

static int same_bits(long len, const double *a, const double *b)
{
    return memcmp(a, b, (size_t)len * sizeof(double)) == 0;
}

/* one random case; returns 1 when every output is bit-identical */
static int fk_case(int n, int d, int k, int *bad_fwd, int *bad_gv, int *bad_gW)
{
    long nd = (long)n * d, kd = (long)k * d, nk = (long)n * k;
    double *X = calloc((size_t)(nd + 1), sizeof(double)), *W = calloc((size_t)(kd + 1), sizeof(double));
    double *Z1 = calloc((size_t)(nk + 1), sizeof(double)), *Z2 = calloc((size_t)(nk + 1), sizeof(double));
    double *H1 = calloc((size_t)(nk + 1), sizeof(double)), *H2 = calloc((size_t)(nk + 1), sizeof(double));
    double *r = calloc((size_t)n, sizeof(double)), *v = calloc((size_t)(k + 1), sizeof(double));
    double *g1 = calloc((size_t)(kd + 1), sizeof(double)), *g2 = calloc((size_t)(kd + 1), sizeof(double));
    double *gv1 = calloc((size_t)(k + 1), sizeof(double)), *gv2 = calloc((size_t)(k + 1), sizeof(double));
    double *Wt = calloc((size_t)(SG_FWD_SCRATCH(d, k) + 1), sizeof(double));
    for (long q = 0; q < nd; q++) X[q] = fk_value();
    for (long q = 0; q < kd; q++) W[q] = fk_value();
    for (int i = 0; i < n; i++) r[i] = fk_value();
    for (int j = 0; j < k; j++) v[j] = fk_value();
    sg_ref_forward(n, d, k, X, W, Z1, H1);
    sg_forward(n, d, k, X, W, Wt, Z2, H2);
    int ok_f = same_bits(nk, Z1, Z2) && same_bits(nk, H1, H2);
    sg_ref_grad_v(n, k, r, H1, gv1);
    sg_grad_v(n, k, r, H1, gv2);
    int ok_v = same_bits(k, gv1, gv2);
    sg_ref_grad_W(n, d, k, X, Z1, r, v, g1);
    sg_grad_W(n, d, k, X, Z1, r, v, g2);
    int ok_w = same_bits(kd, g1, g2);
    *bad_fwd += !ok_f;
    *bad_gv += !ok_v;
    *bad_gW += !ok_w;
    free(X); free(W); free(Z1); free(Z2); free(H1); free(H2);
    free(r); free(v); free(g1); free(g2); free(gv1); free(gv2); free(Wt);
    return ok_f && ok_v && ok_w;
}

static void test_bits_equal_previous(void)
{
    static const int fixed[][3] = {{1, 1, 1}, {1, 7, 1}, {5, 1, 3}, {3, 4, 1}, {17, 1, 1},
                                   {1, 100, 64}, {33, 9, 17}, {2000, 100, 2}, {257, 31, 16},
                                   {7, 13, 3}, {7, 13, 4}, {9, 100, 65}};
    int bf = 0, bv = 0, bw = 0, cases = 0;
    for (size_t c = 0; c < sizeof fixed / sizeof fixed[0]; c++, cases++)
        fk_case(fixed[c][0], fixed[c][1], fixed[c][2], &bf, &bv, &bw);
    for (int c = 0; c < 200; c++, cases++) {
        int n = 1 + (int)(fk_next() % 67), d = 1 + (int)(fk_next() % 41), k = 1 + (int)(fk_next() % 19);
        fk_case(n, d, k, &bf, &bv, &bw);
    }
    CU_ASSERT_EQUAL(bf, 0);
    CU_ASSERT_EQUAL(bv, 0);
    CU_ASSERT_EQUAL(bw, 0);
    CU_ASSERT_EQUAL(cases, 212);
}

/* the comparison is sharp: a one-ulp change or the reverse summation order
   of one cell is seen */
static void test_bits_negative_control(void)
{
    double a[3] = {0.1, 0.2, 0.3}, b[3] = {0.1, 0.2, 0.3};
    CU_ASSERT_TRUE(same_bits(3, a, b));
    b[1] = nextafter(b[1], 1.0);
    CU_ASSERT_FALSE(same_bits(3, a, b));
    double z0 = 0.0, z1 = -0.0;
    CU_ASSERT_FALSE(same_bits(1, &z0, &z1)); /* signed zeros differ */
    /* another order of one dot product: (1 + 1e100) - 1e100 = 0 vs
       (1e100 - 1e100) + 1 = 1 */
    double X[3] = {1.0, 1e100, -1e100}, W[3] = {1.0, 1.0, 1.0}, Z1, H1, Z2, H2;
    double Xr[3] = {1e100, -1e100, 1.0}, Wt[SG_FWD_SCRATCH(3, 1)];
    sg_forward(1, 3, 1, X, W, Wt, &Z1, &H1);
    sg_forward(1, 3, 1, Xr, W, Wt, &Z2, &H2);
    CU_ASSERT_FALSE(same_bits(1, &Z1, &Z2));
    /* the same with four columns (four copies of the column) */
    double W4[12] = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0}, Wt4[SG_FWD_SCRATCH(3, 4)];
    double Z4a[4], H4a[4], Z4b[4], H4b[4];
    sg_forward(1, 3, 4, X, W4, Wt4, Z4a, H4a);
    sg_forward(1, 3, 4, Xr, W4, Wt4, Z4b, H4b);
    CU_ASSERT_TRUE(Z4a[3] == 0.0 && Z4b[3] == 1.0);
    CU_ASSERT_FALSE(same_bits(4, Z4a, Z4b));
}

/* the bounds' vector sums (shadow/relu/bounds_sums.c) against the scalar
   loops they replaced, under FE_UPWARD as bounds.c runs them: S_ij =
   sum_l |x_il| |w_jl| and E7's rows y += c |x|, on shapes around the tile
   (4 samples x 8 columns) and values with zeros, subnormals, huge terms
   and a few Inf/NaN weights (a diverged state).  Same bits (NaN: both
   NaN).  Negative control: the scalar sums in round-to-nearest differ
   from the upward ones somewhere, so the comparison sees the mode. */
static int bits_or_nan(long len, const double *a, const double *b)
{
    for (long q = 0; q < len; q++)
        if (!(isnan(a[q]) && isnan(b[q])) && memcmp(&a[q], &b[q], sizeof(double)) != 0)
            return 0;
    return 1;
}

static void ref_absdot(int n, int d, int k, const double *X, const double *W, double *S)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            double t = 0.0;
            for (int l = 0; l < d; l++)
                t = t + fabs(X[(long)i * d + l]) * fabs(W[(long)j * d + l]);
            S[(long)i * k + j] = t;
        }
}

static void test_bounds_sums_bits(void)
{
    static const int ns[] = {1, 2, 3, 4, 5, 7, 33}, ds[] = {1, 3, 8, 17, 100};
    static const int ks[] = {1, 2, 3, 7, 8, 9, 16, 17};
    int cases = 0, bad = 0, nearest_differs = 0;
    for (int a = 0; a < 7; a++)
        for (int b = 0; b < 5; b++)
            for (int c = 0; c < 8; c++) {
                int n = ns[a], d = ds[b], k = ks[c];
                double *X = malloc(sizeof(double) * (size_t)(n * d));
                double *W = malloc(sizeof(double) * (size_t)(k * d));
                double *S1 = malloc(sizeof(double) * (size_t)(n * k));
                double *S2 = malloc(sizeof(double) * (size_t)(n * k));
                double *S3 = malloc(sizeof(double) * (size_t)(n * k));
                double *y1 = malloc(sizeof(double) * (size_t)d), *y2 = malloc(sizeof(double) * (size_t)d);
                CU_ASSERT_FATAL(X && W && S1 && S2 && S3 && y1 && y2);
                for (int q = 0; q < n * d; q++)
                    X[q] = fk_value();
                for (int q = 0; q < k * d; q++) {
                    W[q] = fk_value();
                    if (fk_next() % 97 == 0)
                        W[q] = (fk_next() & 1) ? INFINITY : NAN;
                }
                int old = fegetround();
                fesetround(FE_TONEAREST);
                ref_absdot(n, d, k, X, W, S3);
                fesetround(FE_UPWARD);
                sg_bounds_absdot_sums(n, d, k, X, W, S1);
                ref_absdot(n, d, k, X, W, S2);
                bad += !bits_or_nan((long)n * k, S1, S2);
                nearest_differs += !bits_or_nan((long)n * k, S2, S3);
                for (int l = 0; l < d; l++)
                    y1[l] = y2[l] = fabs(fk_value());
                for (int i = 0; i < n; i++) {
                    double cc = fabs(fk_value()) + 1.0;
                    sg_bounds_add_scaled_abs(d, cc, X + (long)i * d, y1);
                    for (int l = 0; l < d; l++)
                        y2[l] = y2[l] + cc * fabs(X[(long)i * d + l]);
                }
                bad += !bits_or_nan(d, y1, y2);
                fesetround(old);
                cases++;
                free(X); free(W); free(S1); free(S2); free(S3); free(y1); free(y2);
            }
    printf("\n    bounds' vector sums: %d shapes, %d differing from the scalar loops; "
           "round-to-nearest differs in %d", cases, bad, nearest_differs);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(nearest_differs >= cases / 4);
}

int register_fast_kernels_suite(void)
{
    CU_pSuite s = CU_add_suite("fast_kernels", NULL, NULL);
    return !s || !CU_add_test(s, "new kernels bit-identical to the previous ones", test_bits_equal_previous) ||
           !CU_add_test(s, "bit comparison sees one ulp / order", test_bits_negative_control) ||
           !CU_add_test(s, "bounds' vector sums bit-identical to the scalar loops", test_bounds_sums_bits);
}
