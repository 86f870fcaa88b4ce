/* safe_region.c -- the run-time check of the proved region as an observer
 * (see safe_region.h). */
#include "models/relu/safe_region.h"
#include <stdio.h>

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
    const sg_problem *p = self;
    char why[200];
    if (ctx->step != 0)
        return 0;
    if (sg_safe_sizes(p->n, p->d, p->k, ctx->cfg.mu, why, sizeof why) != 0 ||
        sg_safe_data(p->n, p->d, p->X, p->y, why, sizeof why) != 0 ||
        sg_safe_state(p->d, p->k, ctx->theta, why, sizeof why) != 0)
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

int sg_safe_region_attach(sg_run_ctx *ctx, const sg_problem *p)
{
    sg_observer o = {0};
    o.name = "safe_region";
    o.self = (void *)p;
    o.observe = observe;
    o.save = save_nothing;
    o.load = load_nothing;
    return sg_run_add_observer(ctx, &o);
}
