/* safe_region.c -- run-time check of the proved magnitude region (see safe_region.h). */
#include "models/relu/safe_region.h"
#include "run/run.h"
#include <stdio.h>

/* |x| <= bound, false for NaN */
static int within(double x, double bound)
{
    return x >= -bound && x <= bound;
}

/* first index q < len with |x[q]| > bound (or NaN), or -1 */
static long first_outside(long len, const double *x, double bound)
{
    for (long q = 0; q < len; q++)
        if (!within(x[q], bound))
            return q;
    return -1;
}

int sg_safe_sizes(int n, int d, int k, double mu, char *msg, size_t len)
{
    if (n < 1 || n > SG_SAFE_N_MAX || d < 1 || d > SG_SAFE_D_MAX || k < 1 || k > SG_SAFE_K_MAX) {
        snprintf(msg, len, "sizes n=%d d=%d k=%d outside the proved region "
                 "(1..%d, 1..%d, 1..%d)", n, d, k, SG_SAFE_N_MAX, SG_SAFE_D_MAX, SG_SAFE_K_MAX);
        return -1;
    }
    if (!(mu >= 0.0 && mu <= SG_SAFE_MU_MAX)) {
        snprintf(msg, len, "step size mu=%g outside the proved region [0, %g]", mu,
                 SG_SAFE_MU_MAX);
        return -1;
    }
    return 0;
}

int sg_safe_data(int n, int d, const double *X, const double *y, char *msg, size_t len)
{
    long q = first_outside((long)n * d, X, SG_SAFE_X_MAX);
    if (q >= 0) {
        snprintf(msg, len, "data X[%ld][%ld]=%g outside the proved region |x| <= %g",
                 q / d, q % d, X[q], SG_SAFE_X_MAX);
        return -1;
    }
    q = first_outside(n, y, SG_SAFE_Y_MAX);
    if (q >= 0) {
        snprintf(msg, len, "label y[%ld]=%g outside the proved region |y| <= %g", q, y[q],
                 SG_SAFE_Y_MAX);
        return -1;
    }
    return 0;
}

int sg_safe_state(int d, int k, const double *theta, char *msg, size_t len)
{
    long q = first_outside((long)k * d, theta, SG_SAFE_W_MAX);
    if (q >= 0) {
        snprintf(msg, len, "weight W[%ld][%ld]=%g outside the proved region |w| <= %g",
                 q / d, q % d, theta[q], SG_SAFE_W_MAX);
        return -1;
    }
    q = first_outside(k, theta + (long)k * d, SG_SAFE_V_MAX);
    if (q >= 0) {
        snprintf(msg, len, "output weight v[%ld]=%g outside the proved region |v| <= %g", q,
                 theta[(long)k * d + q], SG_SAFE_V_MAX);
        return -1;
    }
    return 0;
}

/* stop the run with "left the proved region at step t: <why>" */
static int stop(sg_run_ctx *ctx, const char *why)
{
    snprintf(ctx->stop_reason, sizeof ctx->stop_reason,
             "left the proved floating-point region at step %ld: %s", ctx->step, why);
    fprintf(stderr, "shadowgd: %s\n", ctx->stop_reason);
    return -1;
}

static int observe(void *self, sg_run_ctx *ctx)
{
    (void)self;
    char why[200];
    const sg_config *c = &ctx->cfg;
    if (ctx->step != 0)
        return 0;
    if (sg_safe_sizes(c->n, c->d, c->k, c->mu, why, sizeof why) != 0 ||
        sg_safe_data(c->n, c->d, ctx->prob.X, ctx->prob.y, why, sizeof why) != 0 ||
        sg_safe_state(c->d, c->k, ctx->theta, why, sizeof why) != 0)
        return stop(ctx, why);
    return 0;
}

/* stateless: an empty checkpoint section (run.h) */
static int save_nothing(void *self, FILE *fp)
{
    (void)self;
    (void)fp;
    return 0;
}

static int load_nothing(void *self, FILE *fp, size_t len)
{
    (void)self;
    (void)fp;
    return len == 0 ? 0 : -1;
}

int sg_safe_region_attach(sg_run_ctx *ctx)
{
    sg_observer o = {0};
    o.name = "safe_region";
    o.observe = observe;
    o.save = save_nothing;
    o.load = load_nothing;
    return sg_run_add_observer(ctx, &o);
}
