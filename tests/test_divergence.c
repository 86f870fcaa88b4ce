/* test_divergence.c -- the finiteness and proved-region checks. */
#include "test_util.h"
#include "run/divergence.h"
#include "run/run.h"
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

static void name_4_3(void *m, long q, char *buf, size_t len)
{
    (void)m;
    sg_relu_component_name(4, 3, q, buf, len);
}

static void test_names(void)
{
    sg_divergence dv = {SG_DIV_NONFINITE, 3, 0, 0, 0.0};
    char b[64];
    /* d = 4, k = 3: theta = [W (12) | v (3)], the ReLU model's names */
    sg_div_component(&dv, name_4_3, NULL, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "W[1,1]");
    dv.index = 6;
    sg_div_component(&dv, name_4_3, NULL, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "W[2,3]");
    dv.index = 13;
    sg_div_component(&dv, name_4_3, NULL, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "v[2]");
    dv.what = 2;
    sg_div_component(&dv, name_4_3, NULL, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "grad v[2]");
    dv.what = 1;
    sg_div_component(&dv, name_4_3, NULL, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "loss");
    CU_ASSERT_STRING_EQUAL(sg_div_reason_name(SG_DIV_REGION), "outside_region");
    CU_ASSERT_STRING_EQUAL(sg_div_reason_name(SG_DIV_NONFINITE), "non_finite");
}

/* an observer that reports theta_3 outside its own box */
static int box_after_update(void *self, sg_run_ctx *ctx, const double *prev)
{
    (void)self;
    (void)prev;
    if (ctx->step < 3)
        return 0;
    ctx->div.reason = SG_DIV_REGION;
    ctx->div.what = 0;
    ctx->div.index = 1;
    ctx->div.value = ctx->theta[1];
    return 1;
}

static int stop_after_update(void *self, sg_run_ctx *ctx, const double *prev)
{
    (void)self;
    (void)prev;
    return ctx->step >= 3;
}

static void run_with(int (*cb)(void *, sg_run_ctx *, const double *), sg_run_ctx *ctx,
                     double *theta2)
{
    sg_config c;
    sg_config_defaults(&c);
    RC(&c)->d = 3;
    RC(&c)->k = 2;
    RC(&c)->n = 10;
    c.steps = 10;
    CU_ASSERT_FATAL(sg_run_setup(ctx, &c) == 0);
    sg_observer o = {0};
    o.name = "box";
    o.after_update = cb;
    CU_ASSERT_FATAL(sg_run_add_observer(ctx, &o) == 0);
    /* theta_2 by hand, for comparison */
    long len = sg_theta_len(RC(&c)->d, RC(&c)->k);
    sg_workspace ws;
    CU_ASSERT_FATAL(sg_workspace_alloc(&ws, &RELU(ctx)->prob) == 0);
    memcpy(theta2, ctx->theta, (size_t)len * sizeof(double));
    sg_gd_step(&RELU(ctx)->prob, c.mu, theta2, &ws);
    sg_gd_step(&RELU(ctx)->prob, c.mu, theta2, &ws);
    sg_workspace_free(&ws);
    sg_run_loop(ctx, NULL);
}

static void test_observer_region(void)
{
    sg_run_ctx ctx;
    double theta2[8];
    run_with(box_after_update, &ctx, theta2);
    CU_ASSERT_EQUAL(ctx.status, SG_STATUS_DIVERGED);
    CU_ASSERT_EQUAL(ctx.div.step, 3);
    CU_ASSERT_EQUAL(ctx.div.reason, SG_DIV_REGION);
    CU_ASSERT_EQUAL(ctx.step, 2);  /* outputs describe the last good state */
    CU_ASSERT_EQUAL(ctx.nrows, 3);
    CU_ASSERT(memcmp(ctx.theta, theta2, sizeof theta2) == 0);
    sg_run_free(&ctx);
    /* without ctx->div the same return is a plain stop at theta_3 */
    run_with(stop_after_update, &ctx, theta2);
    CU_ASSERT_EQUAL(ctx.status, SG_STATUS_STOPPED);
    CU_ASSERT_EQUAL(ctx.step, 3);
    sg_run_free(&ctx);
}

int register_divergence_suite(void)
{
    CU_pSuite s = CU_add_suite("divergence", NULL, NULL);
    if (!s || !CU_add_test(s, "theta: non-finite and outside the region", test_theta) ||
        !CU_add_test(s, "loss and gradient", test_loss_grad) ||
        !CU_add_test(s, "component names", test_names) ||
        !CU_add_test(s, "an observer's region violation is a divergence",
                     test_observer_region))
        return -1;
    return 0;
}
