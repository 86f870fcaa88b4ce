/* test_data.c -- dataset, labels, targets (incl. the file reader) and the
 * three initialisations of design section 2. */
#include "kernels/dot.h"
#include "kernels/geometry.h"
#include "io/target_file.h"
#include "test_util.h"
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void test_labels_and_repeat(void)
{
    int n = 50, d = 7;
    double X[350], X2[350], a[7], y[50];
    sg_rng r;
    sg_rng_seed_stream(&r, 9, SG_STREAM_DATA);
    sg_data_gaussian(&r, n, d, X);
    sg_rng_seed_stream(&r, 9, SG_STREAM_DATA);
    sg_data_gaussian(&r, n, d, X2);
    CU_ASSERT(memcmp(X, X2, sizeof X) == 0);
    sg_rng_seed_stream(&r, 10, SG_STREAM_DATA);
    sg_data_gaussian(&r, n, d, X2);
    CU_ASSERT(memcmp(X, X2, sizeof X) != 0);
    sg_target_e1(d, a);
    sg_labels(n, d, X, a, y);
    for (int i = 0; i < n; i++)
        CU_ASSERT_EQUAL(y[i], X[i * d]); /* y = X e_1 exactly */
    sg_rng_seed_stream(&r, 9, SG_STREAM_TARGET);
    sg_target_random(&r, d, a);
    CU_ASSERT(fabs(sg_norm(d, a) - 1.0) < 4e-16);
    sg_labels(n, d, X, a, y);
    for (int i = 0; i < n; i++)
        CU_ASSERT_EQUAL(y[i], sg_dot(d, X + i * d, a));
}

static char tmp_path[64];

static int read_text(const char *text, int d, double *a, char *err)
{
    strcpy(tmp_path, "/tmp/sg_target_XXXXXX");
    int fd = mkstemp(tmp_path);
    if (fd < 0)
        return -2;
    FILE *fp = fdopen(fd, "w");
    fputs(text, fp);
    fclose(fp);
    int rc = sg_target_read(tmp_path, d, a, err, 256);
    unlink(tmp_path);
    return rc;
}

static void test_target_file(void)
{
    double a[3];
    char err[256];
    CU_ASSERT_EQUAL(read_text("# a comment\n1.5, -2\n0x1p-3\n", 3, a, err), 0);
    CU_ASSERT_EQUAL(a[0], 1.5);
    CU_ASSERT_EQUAL(a[1], -2.0);
    CU_ASSERT_EQUAL(a[2], 0.125);
    CU_ASSERT_EQUAL(read_text("1 2", 3, a, err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "has 2 values, expected d=3"));
    CU_ASSERT_EQUAL(read_text("1 2 3 4", 3, a, err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "more than d=3"));
    CU_ASSERT_EQUAL(read_text("1 2x 3", 3, a, err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "'2x' is not a number"));
    CU_ASSERT_EQUAL(read_text("1 inf 3", 3, a, err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "'inf'"));
    CU_ASSERT_EQUAL(read_text("1 nan 3", 3, a, err), -1);
    CU_ASSERT_EQUAL(read_text("1e999 0 0", 3, a, err), -1);
    CU_ASSERT_EQUAL(read_text("0 0 -0", 3, a, err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "zero vector"));
    CU_ASSERT_EQUAL(read_text("1e200 1e200 1", 3, a, err), -1);
    CU_ASSERT_EQUAL(read_text("", 3, a, err), -1);
    CU_ASSERT_EQUAL(sg_target_read("/nonexistent/a.csv", 3, a, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot open"));
}

/* theory init: signs +,-,+,- ; |w_j| and |v_j| are sigma * chi_d / sqrt(d) */
static void test_init_theory(void)
{
    int d = 400, k = 64;
    double sigma = 1e-4;
    double *W = malloc(sizeof(double) * d * k), v[64], g[400];
    sg_rng r;
    sg_rng_seed(&r, 5);
    sg_init_state(SG_INIT_THEORY, &r, d, k, sigma, W, v, g);
    for (int j = 0; j < k; j++) {
        CU_ASSERT(j % 2 == 0 ? v[j] > 0 : v[j] < 0);
        double nw = sg_norm(d, W + j * d) / sigma, nv = fabs(v[j]) / sigma;
        /* chi_400 / 20 has standard deviation 0.035: 6 sd */
        CU_ASSERT(fabs(nw - 1.0) < 0.21);
        CU_ASSERT(fabs(nv - 1.0) < 0.21);
        CU_ASSERT(nw != nv); /* |v_j| uses an independent g_j */
    }
    free(W);
}

static void test_init_xavier_balanced(void)
{
    int d = 50, k = 400;
    double sigma = 2.0;
    double *W = malloc(sizeof(double) * d * k), *v = malloc(sizeof(double) * k), g[50];
    sg_rng r;
    sg_rng_seed(&r, 6);
    sg_init_state(SG_INIT_XAVIER, &r, d, k, sigma, W, v, g);
    double sw = 0, sv = 0;
    int pos = 0;
    for (int q = 0; q < d * k; q++)
        sw += W[q] * W[q];
    for (int j = 0; j < k; j++) {
        sv += v[j] * v[j];
        pos += v[j] > 0;
    }
    double varw = sw / (d * k) / (sigma * sigma * 2.0 / (k + d));
    double varv = sv / k / (sigma * sigma * 2.0 / (1 + k));
    printf("\n    xavier: var(W)/target %.4f, var(v)/target %.4f, %d of %d v>0", varw, varv, pos,
           k);
    CU_ASSERT(fabs(varw - 1.0) < 6 * sqrt(2.0 / (d * k)));
    CU_ASSERT(fabs(varv - 1.0) < 6 * sqrt(2.0 / k));
    CU_ASSERT(pos > k / 2 - 60 && pos < k / 2 + 60);
    sg_init_state(SG_INIT_BALANCED, &r, d, k, sigma, W, v, g);
    pos = 0;
    for (int j = 0; j < k; j++) {
        CU_ASSERT_EQUAL(fabs(v[j]), sg_norm(d, W + j * d)); /* b_j = 0 */
        pos += v[j] > 0;
    }
    CU_ASSERT(pos > k / 2 - 60 && pos < k / 2 + 60);
    free(W);
    free(v);
}

int register_data_suite(void)
{
    CU_pSuite s = CU_add_suite("data", NULL, NULL);
    if (!s)
        return -1;
    return !CU_add_test(s, "dataset repeatable, labels y = Xa", test_labels_and_repeat) ||
           !CU_add_test(s, "target file reader", test_target_file) ||
           !CU_add_test(s, "theory init", test_init_theory) ||
           !CU_add_test(s, "xavier and balanced init", test_init_xavier_balanced);
}
