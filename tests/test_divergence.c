/* test_divergence.c -- the finiteness and proved-region checks. */
#include "divergence.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <string.h>

static void test_theta(void)
{
    sg_divergence dv;
    double x[6] = {0.0, -0.0, 1e100, -1e100, 4.9e-324, 1.0};
    CU_ASSERT_EQUAL(sg_check_theta(6, x, 1e100, &dv), SG_DIV_NONE); /* bound inclusive */
    x[4] = nextafter(1e100, INFINITY);
    CU_ASSERT_EQUAL(sg_check_theta(6, x, 1e100, &dv), SG_DIV_REGION);
    CU_ASSERT_EQUAL(dv.index, 4);
    x[2] = NAN; /* the first bad component is reported */
    CU_ASSERT_EQUAL(sg_check_theta(6, x, 1e100, &dv), SG_DIV_NONFINITE);
    CU_ASSERT_EQUAL(dv.index, 2);
    CU_ASSERT(isnan(dv.value));
    x[2] = -INFINITY;
    CU_ASSERT_EQUAL(sg_check_theta(3, x, 1e100, &dv), SG_DIV_NONFINITE);
    CU_ASSERT_EQUAL(sg_check_theta(0, x, 1e100, &dv), SG_DIV_NONE);
}

static void test_loss_grad(void)
{
    sg_divergence dv;
    double g[3] = {1.0, 2.0, 3.0};
    CU_ASSERT_EQUAL(sg_check_loss_grad(0.5, 3, g, &dv), SG_DIV_NONE);
    CU_ASSERT_EQUAL(sg_check_loss_grad(INFINITY, 3, g, &dv), SG_DIV_NONFINITE);
    CU_ASSERT_EQUAL(dv.what, 1);
    CU_ASSERT_EQUAL(dv.index, -1);
    g[1] = NAN;
    CU_ASSERT_EQUAL(sg_check_loss_grad(0.5, 3, g, &dv), SG_DIV_NONFINITE);
    CU_ASSERT_EQUAL(dv.what, 2);
    CU_ASSERT_EQUAL(dv.index, 1);
}

static void test_names(void)
{
    sg_divergence dv = {SG_DIV_NONFINITE, 3, 0, 0, 0.0};
    char b[64];
    /* d = 4, k = 3: theta = [W (12) | v (3)] */
    sg_div_component(&dv, 4, 3, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "W[1,1]");
    dv.index = 6;
    sg_div_component(&dv, 4, 3, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "W[2,3]");
    dv.index = 13;
    sg_div_component(&dv, 4, 3, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "v[2]");
    dv.what = 2;
    sg_div_component(&dv, 4, 3, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "grad v[2]");
    dv.what = 1;
    sg_div_component(&dv, 4, 3, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "loss");
    CU_ASSERT_STRING_EQUAL(sg_div_reason_name(SG_DIV_REGION), "outside_region");
    CU_ASSERT_STRING_EQUAL(sg_div_reason_name(SG_DIV_NONFINITE), "non_finite");
}

int register_divergence_suite(void)
{
    CU_pSuite s = CU_add_suite("divergence", NULL, NULL);
    if (!s || !CU_add_test(s, "theta: non-finite and outside the region", test_theta) ||
        !CU_add_test(s, "loss and gradient", test_loss_grad) ||
        !CU_add_test(s, "component names", test_names))
        return -1;
    return 0;
}
