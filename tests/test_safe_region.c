/* test_safe_region.c -- the run-time check of the proved floating-point
 * region (src/models/relu/safe_region.h, proofs/README.md item 3c): it stays silent on
 * the default run and stops a run whose state leaves the region. */
#include "test_util.h"
#include "run/config.h"
#include "run/run.h"
#include "run/divergence.h"
#include "models/relu/safe_region.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void test_checks(void)
{
    char msg[200];
    double X[4] = {1.0, -2.0, 3.0, 0.5}, y[2] = {1.0, -1.0};
    double theta[6] = {0.1, 0.2, -0.3, 0.4, 1.0, -1.0}; /* d = 2, k = 2 */
    CU_ASSERT_EQUAL(sg_safe_sizes(2, 2, 2, 0.1, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(sg_safe_data(2, 2, X, y, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(sg_safe_state(2, 2, theta, msg, sizeof msg), 0);
    CU_ASSERT_NOT_EQUAL(sg_safe_sizes(SG_SAFE_N_MAX + 1, 2, 2, 0.1, msg, sizeof msg), 0);
    CU_ASSERT_NOT_EQUAL(sg_safe_sizes(2, 2, 2, -0.1, msg, sizeof msg), 0);
    CU_ASSERT_NOT_EQUAL(sg_safe_sizes(2, 2, 2, NAN, msg, sizeof msg), 0);
    X[3] = 2.0 * SG_SAFE_X_MAX;
    CU_ASSERT_NOT_EQUAL(sg_safe_data(2, 2, X, y, msg, sizeof msg), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "X[1][1]"));
    X[3] = 0.5;
    y[1] = NAN;
    CU_ASSERT_NOT_EQUAL(sg_safe_data(2, 2, X, y, msg, sizeof msg), 0);
    theta[5] = -2.0 * SG_SAFE_V_MAX;
    CU_ASSERT_NOT_EQUAL(sg_safe_state(2, 2, theta, msg, sizeof msg), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "v[1]"));
    theta[5] = -1.0;
    theta[2] = INFINITY;
    CU_ASSERT_NOT_EQUAL(sg_safe_state(2, 2, theta, msg, sizeof msg), 0);
}

/* the default run (d=100, k=2, n=2000, 600 steps) never leaves the region */
static void test_default_run_inside(void)
{
    sg_config cfg;
    sg_config_defaults(&cfg);
    sg_run_ctx ctx;
    CU_ASSERT_EQUAL_FATAL(sg_run_setup(&ctx, &cfg), 0);
    CU_ASSERT_EQUAL(sg_safe_region_attach(&ctx, &RELU(&ctx)->prob), 0);
    sg_run_loop(&ctx, NULL);
    CU_ASSERT_EQUAL(ctx.status, SG_STATUS_COMPLETED);
    CU_ASSERT_EQUAL(ctx.step, cfg.steps);
    sg_run_free(&ctx);
}

/* a state pushed outside the box is a divergence (outside_region) */
static void test_run_stopped_outside(void)
{
    sg_config cfg;
    sg_config_defaults(&cfg);
    RC(&cfg)->n = 50;
    RC(&cfg)->d = 5;
    cfg.steps = 10;
    sg_run_ctx ctx;
    CU_ASSERT_EQUAL_FATAL(sg_run_setup(&ctx, &cfg), 0);
    CU_ASSERT_EQUAL(sg_safe_region_attach(&ctx, &RELU(&ctx)->prob), 0);
    ctx.theta[0] = 10.0 * SG_SAFE_W_MAX; /* W[0][0] far outside */
    sg_run_loop(&ctx, NULL);
    CU_ASSERT_EQUAL(ctx.status, SG_STATUS_DIVERGED);
    CU_ASSERT_EQUAL(ctx.div.reason, SG_DIV_REGION);
    CU_ASSERT_EQUAL(ctx.div.index, 0);
    CU_ASSERT_EQUAL(ctx.step, 0);
    sg_run_free(&ctx);
    /* the configuration outside the box: mu > SG_SAFE_MU_MAX stops at step 0 */
    cfg.mu = 2.0 * SG_SAFE_MU_MAX;
    CU_ASSERT_EQUAL_FATAL(sg_run_setup(&ctx, &cfg), 0);
    CU_ASSERT_EQUAL(sg_safe_region_attach(&ctx, &RELU(&ctx)->prob), 0);
    fprintf(stderr, "(expected below: a 'left the proved floating-point region' line)\n");
    sg_run_loop(&ctx, NULL);
    CU_ASSERT_EQUAL(ctx.status, SG_STATUS_STOPPED);
    CU_ASSERT_EQUAL(ctx.step, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(ctx.stop_reason, "mu"));
    sg_run_free(&ctx);
}

int register_safe_region_suite(void)
{
    CU_pSuite s = CU_add_suite("safe_region", NULL, NULL);
    if (!s)
        return -1;
    return !CU_add_test(s, "checks accept inside, reject outside and NaN", test_checks) ||
           !CU_add_test(s, "default run stays inside", test_default_run_inside) ||
           !CU_add_test(s, "run outside is stopped", test_run_stopped_outside)
               ? -1
               : 0;
}
