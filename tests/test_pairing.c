/* test_pairing.c -- the PAIRING verdict (Appendix E): the minimum matching
 * against brute force, planted opposite pairs found (exactly and by the
 * local search), which output each pair represents, and the verdict failing
 * on networks whose units are not opposite pairs. */
#include "test_util.h"
#include "audit/relu/pairing.h"
#include "audit/relu/pairing_plot.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long lcg = 88172645463325252ULL;
static double urand(void) /* uniform in [-1, 1) */
{
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg >> 11) * 0x1p-52 - 1.0;
}

/* planted network: unit perm[q] and perm[q + r] are an opposite pair
   representing output q (V column = +-c e_q, w = +-u_q), plus noise eps */
static void planted(int r, int d, double eps, const int *perm, double *W, double *V)
{
    int k = 2 * r;
    for (int q = 0; q < r; q++) {
        int a = perm[q], b = perm[q + r];
        double c = 1.0 + 0.5 * q;
        for (int o = 0; o < r; o++) {
            V[o * k + a] = (o == q ? c : 0.0) + eps * urand();
            V[o * k + b] = (o == q ? -c : 0.0) + eps * urand();
        }
        for (int l = 0; l < d; l++) {
            double u = urand() + (l == q % d ? 2.0 : 0.0);
            W[a * d + l] = u + eps * urand();
            W[b * d + l] = -u + eps * urand();
        }
    }
}

static void shuffle(int n, int *perm)
{
    for (int i = 0; i < n; i++)
        perm[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)((urand() + 1.0) * 0.5 * (i + 1));
        if (j > i)
            j = i;
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

static double pair_cost(int k, int r, int d, const double *W, const double *V, int a, int b)
{
    double sv = 0.0, sw = 0.0;
    for (int o = 0; o < r; o++)
        sv += (V[o * k + a] + V[o * k + b]) * (V[o * k + a] + V[o * k + b]);
    for (int l = 0; l < d; l++)
        sw += (W[a * d + l] + W[b * d + l]) * (W[a * d + l] + W[b * d + l]);
    return sqrt(sv) + sqrt(sw);
}

/* the minimum over every perfect matching, by enumeration */
static double brute(int k, int r, int d, const double *W, const double *V, unsigned used)
{
    int i = 0;
    while (i < k && (used >> i & 1))
        i++;
    if (i == k)
        return 0.0;
    double best = INFINITY;
    for (int j = i + 1; j < k; j++)
        if (!(used >> j & 1)) {
            double t = pair_cost(k, r, d, W, V, i, j) +
                       brute(k, r, d, W, V, used | 1u << i | 1u << j);
            if (t < best)
                best = t;
        }
    return best;
}

static void test_exact_is_minimum(void)
{
    enum { R = 5, K = 10, D = 3 };
    double W[K * D], V[R * K];
    char why[160];
    for (int trial = 0; trial < 20; trial++) {
        for (int i = 0; i < K * D; i++)
            W[i] = urand();
        for (int i = 0; i < R * K; i++)
            V[i] = urand();
        sg_pairing p;
        CU_ASSERT_EQUAL_FATAL(sg_pairing_compute(K, R, D, W, V, &p, why, sizeof why), 0);
        CU_ASSERT(p.exact);
        double want = brute(K, R, D, W, V, 0);
        CU_ASSERT_DOUBLE_EQUAL(p.cost, want, 1e-12 * (1.0 + want));
        /* every unit appears exactly once */
        int seen[K] = {0};
        for (int q = 0; q < p.npairs; q++) {
            seen[p.pairs[q].a]++;
            seen[p.pairs[q].b]++;
        }
        for (int u = 0; u < K; u++)
            CU_ASSERT_EQUAL(seen[u], 1);
        sg_pairing_free(&p);
    }
}

static void check_planted(int r, int d, int want_exact)
{
    int k = 2 * r;
    double *W = malloc(sizeof(double) * k * d), *V = malloc(sizeof(double) * r * k);
    int *perm = malloc(sizeof(int) * k);
    shuffle(k, perm);
    planted(r, d, 1e-4, perm, W, V);
    sg_pairing p;
    char why[160];
    CU_ASSERT_EQUAL_FATAL(sg_pairing_compute(k, r, d, W, V, &p, why, sizeof why), 0);
    CU_ASSERT_EQUAL(p.exact, want_exact);
    CU_ASSERT_EQUAL(p.npairs, r);
    CU_ASSERT_EQUAL(p.outputs_covered, r);
    for (int q = 0; q < r; q++) {
        /* sorted by output: pair q represents output q, units perm[q], perm[q+r],
           the one with V > 0 first */
        CU_ASSERT_EQUAL(p.pairs[q].output, q);
        CU_ASSERT_EQUAL(p.pairs[q].a, perm[q]);
        CU_ASSERT_EQUAL(p.pairs[q].b, perm[q + r]);
        CU_ASSERT(p.pairs[q].share > 0.999);
        CU_ASSERT(p.pairs[q].rel < 1e-3);
    }
    CU_ASSERT(sg_pairing_held(&p, 1e-2));
    CU_ASSERT(!sg_pairing_held(&p, 1e-9)); /* the noise is visible at a tight tolerance */
    sg_pairing_free(&p);
    free(W);
    free(V);
    free(perm);
}

static void test_planted_exact(void) { check_planted(3, 4, 1); check_planted(10, 6, 1); }
static void test_planted_local(void) { check_planted(13, 5, 0); }

static void test_broken_networks_violate(void)
{
    enum { R = 3, K = 6, D = 4 };
    double W[K * D], V[R * K];
    int perm[K];
    char why[160];
    shuffle(K, perm);
    planted(R, D, 0.0, perm, W, V);
    sg_pairing p;
    CU_ASSERT_EQUAL_FATAL(sg_pairing_compute(K, R, D, W, V, &p, why, sizeof why), 0);
    CU_ASSERT(sg_pairing_held(&p, 1e-12)); /* exact pairs: rel = 0 */
    CU_ASSERT_DOUBLE_EQUAL(p.worst_rel, 0.0, 1e-15);
    sg_pairing_free(&p);
    /* broken 1: one partner's w not flipped (a unit and its copy) */
    int b = perm[0 + R];
    for (int l = 0; l < D; l++)
        W[b * D + l] = -W[b * D + l];
    CU_ASSERT_EQUAL_FATAL(sg_pairing_compute(K, R, D, W, V, &p, why, sizeof why), 0);
    CU_ASSERT(!sg_pairing_held(&p, 0.1));
    CU_ASSERT(p.worst_rel > 0.5);
    sg_pairing_free(&p);
    /* broken 2: every unit with positive V and the same w: no opposite pairs */
    for (int u = 0; u < K; u++) {
        for (int o = 0; o < R; o++)
            V[o * K + u] = o == u % R ? 1.0 : 0.0;
        for (int l = 0; l < D; l++)
            W[u * D + l] = l == 0 ? 1.0 : 0.0;
    }
    CU_ASSERT_EQUAL_FATAL(sg_pairing_compute(K, R, D, W, V, &p, why, sizeof why), 0);
    CU_ASSERT(!sg_pairing_held(&p, 0.1));
    sg_pairing_free(&p);
    /* odd width: refused with a reason */
    CU_ASSERT_EQUAL(sg_pairing_compute(5, R, D, W, V, &p, why, sizeof why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "k = 5"));
    CU_ASSERT_PTR_NULL(p.pairs);
}

static void test_script(void)
{
    enum { R = 2, K = 4, D = 3 };
    double W[K * D], V[R * K];
    int perm[K] = {2, 0, 3, 1}; /* pairs (2,3) -> output 0, (0,1) -> output 1 */
    planted(R, D, 0.0, perm, W, V);
    sg_pairing p;
    char why[160];
    CU_ASSERT_EQUAL_FATAL(sg_pairing_compute(K, R, D, W, V, &p, why, sizeof why), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    sg_pairing_script(fp, &p, D, W, V, NULL, "test");
    fclose(fp);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "# unit order (1-based): 3 1 4 2\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "$W << EOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "$V << EOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "set output 'units.png'"));
    /* V in pair order is [M, -M]: its first row reads c 0 -c 0 with c = 1 */
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "$V << EOD\n1 0 -1 0\n0 1.5 0 -1.5\nEOD\n"));
    free(buf);
    /* with the target (rows e_1, e_2): W is drawn as W A^T, k x r */
    double A[R * D] = {1, 0, 0, 0, 1, 0};
    fp = open_memstream(&buf, &len);
    sg_pairing_script(fp, &p, D, W, V, A, "test");
    fclose(fp);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "set title 'W A^T (row = unit in pair order"));
    char row[80]; /* unit 3 (first in pair order): w_3 . e_1, w_3 . e_2 */
    snprintf(row, sizeof row, "$W << EOD\n%.9g %.9g\n", W[2 * D], W[2 * D + 1]);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, row));
    free(buf);
    sg_pairing_free(&p);
}

int register_pairing_suite(void)
{
    CU_pSuite s = CU_add_suite("pairing", NULL, NULL);
    if (!s)
        return -1;
    if (!CU_add_test(s, "exact matching equals brute force on 20 random nets",
                     test_exact_is_minimum) ||
        !CU_add_test(s, "planted opposite pairs found exactly (r = 3, 10)", test_planted_exact) ||
        !CU_add_test(s, "planted pairs found by the local search (r = 13)", test_planted_local) ||
        !CU_add_test(s, "unpaired and copied units violate PAIRING", test_broken_networks_violate) ||
        !CU_add_test(s, "heat-map script: pair order, data blocks", test_script))
        return -1;
    return 0;
}
