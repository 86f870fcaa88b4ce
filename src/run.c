/* run.c -- the run loop and its outputs (see run.h). */
#include "run.h"
#include "data.h"
#include "safe_region.h"
#include "dump.h"
#include "empirical.h"
#include "geometry.h"
#include "summary.h"
#include "target_file.h"
#include "trajectory.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fill_target(sg_run_ctx *ctx)
{
    const sg_config *c = &ctx->cfg;
    sg_rng rng;
    char err[512];
    switch (c->target) {
    case SG_TARGET_E1:
        sg_target_e1(c->d, ctx->prob.a);
        break;
    case SG_TARGET_RANDOM:
        sg_rng_seed_stream(&rng, c->seed, SG_STREAM_TARGET);
        sg_target_random(&rng, c->d, ctx->prob.a);
        break;
    case SG_TARGET_FILE:
        if (sg_target_read(c->target_path, c->d, ctx->prob.a, err, sizeof err) != 0) {
            fprintf(stderr, "shadowgd: %s\n", err);
            return SG_EXIT_USAGE;
        }
        break;
    }
    return 0;
}

int sg_run_setup(sg_run_ctx *ctx, const sg_config *cfg)
{
    double t0 = now_seconds();
    memset(ctx, 0, sizeof *ctx);
    ctx->cfg = *cfg;
    int d = cfg->d, k = cfg->k;
    long len = sg_theta_len(d, k);
    if (sg_problem_alloc(&ctx->prob, cfg->loss, cfg->n, d, k) != 0 ||
        sg_workspace_alloc(&ctx->ws, &ctx->prob) != 0) {
        fprintf(stderr, "shadowgd: out of memory for n=%d d=%d k=%d\n", cfg->n, d, k);
        return SG_EXIT_FAIL;
    }
    ctx->theta = calloc((size_t)len, sizeof(double));
    ctx->theta0 = calloc((size_t)len, sizeof(double));
    ctx->theta_prev = calloc((size_t)len, sizeof(double));
    ctx->sign0 = calloc((size_t)k, sizeof(double));
    ctx->wnorm = calloc((size_t)k, sizeof(double));
    ctx->angle_deg = calloc((size_t)k, sizeof(double));
    ctx->scratch = calloc((size_t)d, sizeof(double));
    if (!ctx->theta || !ctx->theta0 || !ctx->theta_prev || !ctx->sign0 || !ctx->wnorm || !ctx->angle_deg ||
        !ctx->scratch) {
        fprintf(stderr, "shadowgd: out of memory for n=%d d=%d k=%d\n", cfg->n, d, k);
        return SG_EXIT_FAIL;
    }
    int rc = fill_target(ctx);
    if (rc != 0)
        return rc;
    ctx->a_norm = sg_norm(d, ctx->prob.a);
    if (cfg->loss == SG_LOSS_EMPIRICAL) {
        sg_rng rng;
        sg_rng_seed_stream(&rng, cfg->seed, SG_STREAM_DATA);
        sg_data_gaussian(&rng, cfg->n, d, ctx->prob.X);
        sg_labels(cfg->n, d, ctx->prob.X, ctx->prob.a, ctx->prob.y);
    }
    sg_rng rng;
    sg_rng_seed_stream(&rng, cfg->seed, SG_STREAM_INIT);
    sg_init_state(cfg->init, &rng, d, k, cfg->sigma, ctx->theta, ctx->theta + (long)k * d,
                  ctx->scratch);
    memcpy(ctx->theta0, ctx->theta, (size_t)len * sizeof(double));
    sg_initial_signs(k, ctx->theta + (long)k * d, ctx->sign0);
    ctx->status = SG_STATUS_COMPLETED;
    ctx->diverged_step = -1;
    ctx->diverged_index = -1;
    ctx->setup_seconds = now_seconds() - t0;
    return 0;
}

/* index of the first non-finite entry, or -1 */
static long first_nonfinite(long len, const double *x)
{
    for (long q = 0; q < len; q++)
        if (!isfinite(x[q]))
            return q;
    return -1;
}

int sg_run_add_observer(sg_run_ctx *ctx, const sg_observer *o)
{
    if (ctx->nobs >= SG_MAX_OBSERVERS)
        return -1;
    ctx->obs[ctx->nobs++] = *o;
    return 0;
}

static void log_row(sg_run_ctx *ctx, FILE *csv)
{
    int d = ctx->cfg.d, k = ctx->cfg.k;
    sg_neuron_metrics(d, k, ctx->prob.a, ctx->theta, ctx->sign0, ctx->wnorm, ctx->angle_deg,
                      ctx->scratch);
    if (!csv)
        return;
    sg_traj_row(csv, ctx->step, ctx->loss, k, ctx->theta + (long)k * d, ctx->wnorm,
                ctx->angle_deg);
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].csv_row)
            ctx->obs[q].csv_row(ctx->obs[q].self, csv);
    fputc('\n', csv);
}

/* observe() of every observer; non-zero stops the run */
static int notify_observe(sg_run_ctx *ctx)
{
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].observe && ctx->obs[q].observe(ctx->obs[q].self, ctx) != 0)
            return -1;
    return 0;
}

static int notify_update(sg_run_ctx *ctx)
{
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].after_update &&
            ctx->obs[q].after_update(ctx->obs[q].self, ctx, ctx->theta_prev) != 0)
            return -1;
    return 0;
}

void sg_run_loop(sg_run_ctx *ctx, FILE *csv)
{
    double t0 = now_seconds();
    const sg_config *c = &ctx->cfg;
    long len = sg_theta_len(c->d, c->k);
    if (csv) {
        sg_traj_header(csv, c->k);
        for (int q = 0; q < ctx->nobs; q++)
            if (ctx->obs[q].csv_header)
                ctx->obs[q].csv_header(ctx->obs[q].self, csv);
        fputc('\n', csv);
    }
    /* Row t reports theta_t and L(theta_t); the gradient computed for the
       row is the one the step t -> t+1 uses. */
    for (;;) {
        ctx->loss = sg_loss_grad(&ctx->prob, ctx->theta, &ctx->ws);
        if (ctx->step == 0)
            ctx->loss0 = ctx->loss;
        int stop = notify_observe(ctx);
        log_row(ctx, csv);
        if (stop) {
            ctx->status = SG_STATUS_STOPPED;
            break;
        }
        if (ctx->step >= c->steps)
            break;
        memcpy(ctx->theta_prev, ctx->theta, (size_t)len * sizeof(double));
        sg_gd_update((int)len, c->mu, ctx->ws.grad, ctx->theta);
        ctx->step++;
        long bad = first_nonfinite(len, ctx->theta);
        if (bad >= 0) {
            ctx->status = SG_STATUS_DIVERGED;
            ctx->diverged_step = ctx->step;
            ctx->diverged_index = bad;
            ctx->loss = NAN;
            break;
        }
        if (notify_update(ctx) != 0) {
            ctx->status = SG_STATUS_STOPPED;
            break;
        }
    }
    ctx->loop_seconds = now_seconds() - t0;
}

void sg_run_free(sg_run_ctx *ctx)
{
    sg_problem_free(&ctx->prob);
    sg_workspace_free(&ctx->ws);
    free(ctx->theta);
    free(ctx->theta0);
    free(ctx->theta_prev);
    free(ctx->sign0);
    free(ctx->wnorm);
    free(ctx->angle_deg);
    free(ctx->scratch);
    ctx->theta = ctx->theta0 = ctx->theta_prev = ctx->sign0 = NULL;
    ctx->wnorm = ctx->angle_deg = ctx->scratch = NULL;
}

static void print_human(const sg_run_ctx *ctx)
{
    const sg_config *c = &ctx->cfg;
    int d = c->d, k = c->k;
    printf("shadowgd %s: %s loss, d=%d k=%d n=%d init=%s sigma=%g mu=%g seed=%llu\n",
           SG_VERSION, sg_loss_name(c->loss), d, k, c->n, sg_init_name(c->init), c->sigma,
           c->mu, (unsigned long long)c->seed);
    if (ctx->status == SG_STATUS_STOPPED)
        printf("STOPPED at step %ld: %s\n", ctx->step, ctx->stop_reason);
    if (ctx->status == SG_STATUS_DIVERGED) {
        printf("DIVERGED at step %ld: theta[%ld] is not finite (step size too large?)\n",
               ctx->diverged_step, ctx->diverged_index);
        return;
    }
    printf("steps %ld  loss %.6e -> %.6e  (%.3f s, %.3g s/step)\n", ctx->step, ctx->loss0,
           ctx->loss, ctx->loop_seconds,
           ctx->step > 0 ? ctx->loop_seconds / (double)ctx->step : 0.0);
    for (int j = 0; j < k && j < 8; j++)
        printf("  neuron %d: v=% .6e  |w|=%.6e  angle=%.4g deg\n", j + 1,
               ctx->theta[(long)k * d + j], ctx->wnorm[j], ctx->angle_deg[j]);
    if (k > 8)
        printf("  (%d more neurons in trajectory.csv)\n", k - 8);
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].report)
            ctx->obs[q].report(ctx->obs[q].self, stdout);
    printf("outputs in %s/\n", c->out_dir);
}

int sg_run_main(const sg_config *cfg)
{
    sg_run_ctx ctx;
    int rc = sg_run_setup(&ctx, cfg);
    if (rc != 0) {
        sg_run_free(&ctx);
        return rc;
    }
    /* stop the run if it leaves the region where the kernels are proved
       free of overflow and NaN (proofs/README.md) */
    if (cfg->loss == SG_LOSS_EMPIRICAL)
        sg_safe_region_attach(&ctx);
    if (sg_make_dir(cfg->out_dir) != 0) {
        sg_run_free(&ctx);
        return SG_EXIT_FAIL;
    }
    if (cfg->dump && sg_dump_data(&ctx) != 0) {
        sg_run_free(&ctx);
        return SG_EXIT_FAIL;
    }
    sg_outfile csv;
    if (sg_outfile_open(&csv, cfg->out_dir, "trajectory.csv") != 0) {
        sg_run_free(&ctx);
        return SG_EXIT_FAIL;
    }
    sg_run_loop(&ctx, csv.fp);
    if (sg_outfile_commit(&csv) != 0 || sg_summary_write(&ctx) != 0) {
        sg_run_free(&ctx);
        return SG_EXIT_FAIL;
    }
    if (!cfg->quiet)
        print_human(&ctx);
    rc = ctx.status == SG_STATUS_COMPLETED ? SG_EXIT_OK : SG_EXIT_DIVERGED;
    if (rc == SG_EXIT_DIVERGED)
        fprintf(stderr, "shadowgd: diverged at step %ld (theta[%ld] not finite)\n",
                ctx.diverged_step, ctx.diverged_index);
    sg_run_free(&ctx);
    return rc;
}
