/* run.c -- the run loop and its outputs (see run.h). */
#include "run/run.h"
#include "audit/relu/audit.h"
#include "audit/relu/invariants_shadow.h"
#include "run/checkpoint.h"
#include "shadow/relu/shadow_audit.h"
#include "kernels/data.h"
#include "run/digest.h"
#include "models/relu/safe_region.h"
#include "models/relu/dump.h"
#include "kernels/relu/empirical.h"
#include "kernels/geometry.h"
#include "io/hash.h"
#include "run/summary.h"
#include "io/target_file.h"
#include "io/outdir.h"
#include "models/relu/trajectory.h"
#include <errno.h>
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
    ctx->loss0 = ctx->loss = NAN; /* until theta_0 is evaluated */
    ctx->div.index = -1;
    ctx->traj_hash = SG_FNV_INIT; /* of the 0 bytes written so far */
    ctx->diverged_step = -1;
    ctx->diverged_index = -1;
    ctx->setup_seconds = now_seconds() - t0;
    return 0;
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

/* The state that failed a check (divergence.h) ends the run: theta goes
   back to the last state that passed and was logged (theta_prev), so the
   last trajectory row and summary.json "final" describe the same state.
   With no such state (step 0 failed) theta_0 stays and nrows is 0. */
static void diverge(sg_run_ctx *ctx, long failed_step, double last_loss)
{
    const sg_config *c = &ctx->cfg;
    long len = sg_theta_len(c->d, c->k);
    ctx->status = SG_STATUS_DIVERGED;
    ctx->div.step = failed_step;
    ctx->diverged_step = failed_step;
    ctx->diverged_index = ctx->div.index;
    if (failed_step > 0) {
        memcpy(ctx->theta, ctx->theta_prev, (size_t)len * sizeof(double));
        ctx->step = failed_step - 1;
        ctx->loss = last_loss;
        sg_neuron_metrics(c->d, c->k, ctx->prob.a, ctx->theta, ctx->sign0, ctx->wnorm,
                          ctx->angle_deg, ctx->scratch);
    }
}

void sg_run_loop(sg_run_ctx *ctx, FILE *csv)
{
    double t0 = now_seconds();
    const sg_config *c = &ctx->cfg;
    long len = sg_theta_len(c->d, c->k);
    if (csv && !ctx->resumed) {
        sg_traj_header(csv, c->k);
        for (int q = 0; q < ctx->nobs; q++)
            if (ctx->obs[q].csv_header)
                ctx->obs[q].csv_header(ctx->obs[q].self, csv);
        fputc('\n', csv);
    }
    if (!ctx->resumed && sg_check_theta(len, ctx->theta, SG_REGION_THETA_MAX, &ctx->div)) {
        diverge(ctx, 0, NAN);
        ctx->loop_seconds += now_seconds() - t0;
        return;
    }
    /* Row t reports theta_t and L(theta_t); the gradient computed for the
       row is the one the step t -> t+1 uses.  Every state is checked before
       it is logged: theta_t right after the update that made it, L and the
       gradient at theta_t right after they are computed. */
    for (;;) {
        double loss = sg_loss_grad(&ctx->prob, ctx->theta, &ctx->ws);
        if (sg_check_loss_grad(loss, len, ctx->ws.grad, &ctx->div)) {
            diverge(ctx, ctx->step, ctx->loss);
            break;
        }
        ctx->loss = loss;
        if (ctx->step == 0)
            ctx->loss0 = ctx->loss;
        int stop = notify_observe(ctx);
        log_row(ctx, csv);
        ctx->nrows++;
        if (csv && ferror(csv)) {
            ctx->io_errno = errno ? errno : EIO;
            break;
        }
        if (stop) {
            ctx->status = SG_STATUS_STOPPED;
            break;
        }
        if (ctx->step >= c->steps)
            break;
        memcpy(ctx->theta_prev, ctx->theta, (size_t)len * sizeof(double));
        sg_gd_update((int)len, c->mu, ctx->ws.grad, ctx->theta);
        ctx->step++;
        if (sg_check_theta(len, ctx->theta, SG_REGION_THETA_MAX, &ctx->div)) {
            diverge(ctx, ctx->step, ctx->loss);
            break;
        }
        if (notify_update(ctx) != 0) {
            /* an observer that found theta_{t+1} outside its region (e.g.
               the proofs' box) filled ctx->div: a divergence, not a stop */
            if (ctx->div.reason != SG_DIV_NONE)
                diverge(ctx, ctx->step, ctx->loss);
            else
                ctx->status = SG_STATUS_STOPPED;
            break;
        }
        if (csv && sg_checkpoint_step(ctx, csv) != 0)
            break; /* I/O error or interrupted */
    }
    ctx->loop_seconds += now_seconds() - t0;
}

void sg_run_free(sg_run_ctx *ctx)
{
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].destroy)
            ctx->obs[q].destroy(ctx->obs[q].self);
    ctx->nobs = 0;
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
        char comp[64];
        sg_div_component(&ctx->div, d, k, comp, sizeof comp);
        printf("DIVERGED at step %ld: %s = %g (%s; %s too large?)\n", ctx->div.step, comp,
               ctx->div.value, sg_div_reason_name(ctx->div.reason),
               ctx->div.step == 0 ? "sigma" : "step size");
        if (ctx->nrows == 0)
            return;
        printf("last finite state: step %ld\n", ctx->step);
    }
    printf("steps %ld  loss %.6e -> %.6e  (%.3f s, %.3g s/step)\n", ctx->step, ctx->loss0,
           ctx->loss, ctx->loop_seconds,
           ctx->step > 0 ? ctx->loop_seconds / (double)ctx->step : 0.0);
    for (int j = 0; j < k && j < 8; j++)
        printf("  neuron %d: v=% .6e  |w|=%.6e  angle=%.4g deg\n", j + 1,
               ctx->theta[(long)k * d + j], ctx->wnorm[j], ctx->angle_deg[j]);
    if (k > 8)
        printf("  (%d more neurons in trajectory.csv)\n", k - 8);
    printf("outputs in %s/\n", c->out_dir);
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].report)
            ctx->obs[q].report(ctx->obs[q].self, stdout);
}

int sg_run_register_observers(sg_run_ctx *ctx)
{
    if (ctx->cfg.digest && sg_digest_register(ctx) != 0) {
        fprintf(stderr, "shadowgd: cannot register the digest observer\n");
        return SG_EXIT_FAIL;
    }
    /* MPFR shadow and round-off audit (issue 4, shadow_audit.h), registered
       before the invariant audit (issue 5), whose MPFR column it feeds and
       whose verdict table must end stdout (audit.h).  Both are freed by
       their observers' destroy callbacks in sg_run_free. */
    int rc = sg_shadow_audit_attach(ctx);
    if (rc != 0)
        return rc;
    if (!sg_audit_attach(ctx))
        return SG_EXIT_FAIL;
    sg_shadow_audit *sa = sg_shadow_audit_of(ctx);
    if (sa)
        sa->on_trajectory = sg_inv_feed_shadow;
    /* the configuration part of the proved floating-point region
       (safe_region.h): sizes, mu and the data, checked at step 0 (registered last, so that
       every other observer has seen row 0 when it stops the run); the
       parameters' part is the run loop's own SG_REGION_THETA_MAX check */
    if (ctx->cfg.loss == SG_LOSS_EMPIRICAL && sg_safe_region_attach(ctx) != 0)
        return SG_EXIT_FAIL;
    return 0;
}

int sg_run_execute(sg_run_ctx *ctx, sg_outfile *csv)
{
    const sg_config *cfg = &ctx->cfg;
    sg_checkpoint_catch_signals();
    sg_run_loop(ctx, csv->fp);
    sg_checkpoint_default_signals();
    if (ctx->interrupted && !ctx->io_errno) {
        /* SIGINT/SIGTERM: no output under a final name; with checkpoints
           the temporary stays for `resume`, without it goes */
        int sig = ctx->interrupted;
        if (cfg->checkpoint_every > 0) {
            fclose(csv->fp);
            fprintf(stderr, "shadowgd: interrupted by signal %d after step %ld; checkpoint "
                            "written, continue with: shadowgd resume %s\n", sig, ctx->step,
                    cfg->out_dir);
        } else {
            sg_outfile_abort(csv);
            fprintf(stderr, "shadowgd: interrupted by signal %d after step %ld; no outputs "
                            "kept (use --checkpoint-every K to be able to resume)\n", sig,
                    ctx->step);
        }
        sg_run_free(ctx);
        return 128 + sig;
    }
    if (ctx->io_errno) { /* -1: reported where it happened */
        if (ctx->io_errno > 0)
            fprintf(stderr, "shadowgd: write error on %s: %s\n", csv->tmp,
                    strerror(ctx->io_errno));
        sg_outfile_abort(csv);
        sg_run_free(ctx);
        return SG_EXIT_FAIL;
    }
    sg_audit *audit = sg_audit_of(ctx);
    if (sg_outfile_commit(csv) != 0 || sg_summary_write(ctx) != 0 ||
        (audit && sg_audit_after_run(audit, ctx) != 0)) {
        sg_run_free(ctx);
        return SG_EXIT_FAIL;
    }
    if (!cfg->quiet)
        print_human(ctx);
    int rc = ctx->status == SG_STATUS_COMPLETED ? SG_EXIT_OK : SG_EXIT_DIVERGED;
    if (ctx->status == SG_STATUS_DIVERGED) {
        char comp[64];
        sg_div_component(&ctx->div, cfg->d, cfg->k, comp, sizeof comp);
        fprintf(stderr, "shadowgd: diverged at step %ld: %s = %g (%s)\n", ctx->div.step, comp,
                ctx->div.value, sg_div_reason_name(ctx->div.reason));
    }
    sg_run_free(ctx);
    return rc;
}

int sg_run_main(const sg_config *cfg)
{
    sg_run_ctx ctx;
    int rc = sg_outdir_check(cfg->out_dir, cfg->force);
    if (rc != 0)
        return rc;
    rc = sg_run_setup(&ctx, cfg);
    if (rc == 0)
        rc = sg_run_register_observers(&ctx);
    if (rc == 0 && cfg->checkpoint_every > 0)
        rc = sg_checkpoint_check_observers(&ctx);
    if (rc != 0) {
        sg_run_free(&ctx);
        return rc;
    }
    if (sg_make_dir(cfg->out_dir) != 0 || (cfg->force && sg_outdir_clean(cfg->out_dir) != 0) ||
        (cfg->dump && sg_dump_data(&ctx) != 0)) {
        sg_run_free(&ctx);
        return SG_EXIT_FAIL;
    }
    sg_outfile csv;
    if (sg_outfile_open(&csv, cfg->out_dir, "trajectory.csv") != 0) {
        sg_run_free(&ctx);
        return SG_EXIT_FAIL;
    }
    return sg_run_execute(&ctx, &csv);
}
