/* run.c -- the generic run loop and its outputs (see run.h). */
#include "run/run.h"
#include "io/hash.h"
#include "run/checkpoint.h"
#include "run/summary.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int sg_run_setup(sg_run_ctx *ctx, const sg_config *cfg)
{
    double t0 = now_seconds();
    memset(ctx, 0, sizeof *ctx);
    ctx->cfg = *cfg;
    ctx->model = cfg->model;
    long len = ctx->len = ctx->model->theta_len(cfg);
    ctx->theta = calloc((size_t)len, sizeof(double));
    ctx->theta0 = calloc((size_t)len, sizeof(double));
    ctx->theta_prev = calloc((size_t)len, sizeof(double));
    if (!ctx->theta || !ctx->theta0 || !ctx->theta_prev) {
        fprintf(stderr, "shadowgd: out of memory for %ld parameters\n", len);
        return SG_EXIT_FAIL;
    }
    int rc = SG_EXIT_FAIL;
    ctx->m = ctx->model->setup(&ctx->cfg, ctx->theta, &rc);
    if (!ctx->m)
        return rc;
    memcpy(ctx->theta0, ctx->theta, (size_t)len * sizeof(double));
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

void *sg_run_observer(const sg_run_ctx *ctx, const char *name)
{
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].name && strcmp(ctx->obs[q].name, name) == 0)
            return ctx->obs[q].self;
    return NULL;
}

static void log_row(sg_run_ctx *ctx, FILE *csv)
{
    ctx->model->measure(ctx->m, ctx->theta);
    if (!csv)
        return;
    fprintf(csv, "%ld,%.17g", ctx->step, ctx->loss);
    ctx->model->csv_row(ctx->m, csv);
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
    ctx->status = SG_STATUS_DIVERGED;
    ctx->div.step = failed_step;
    ctx->diverged_step = failed_step;
    ctx->diverged_index = ctx->div.index;
    if (failed_step > 0) {
        memcpy(ctx->theta, ctx->theta_prev, (size_t)ctx->len * sizeof(double));
        ctx->step = failed_step - 1;
        ctx->loss = last_loss;
        ctx->model->measure(ctx->m, ctx->theta);
    }
}

void sg_run_loop(sg_run_ctx *ctx, FILE *csv)
{
    double t0 = now_seconds();
    const sg_config *c = &ctx->cfg;
    const sg_model *md = ctx->model;
    long len = ctx->len;
    if (csv && !ctx->resumed) {
        fputs("step,loss", csv);
        md->csv_header(ctx->m, csv);
        for (int q = 0; q < ctx->nobs; q++)
            if (ctx->obs[q].csv_header)
                ctx->obs[q].csv_header(ctx->obs[q].self, csv);
        fputc('\n', csv);
    }
    if (!ctx->resumed && sg_check_theta(len, ctx->theta, md->theta_max, &ctx->div)) {
        diverge(ctx, 0, NAN);
        ctx->loop_seconds += now_seconds() - t0;
        return;
    }
    /* Row t reports theta_t and L(theta_t); the gradient computed for the
       row is the one the step t -> t+1 uses.  Every state is checked before
       it is logged: theta_t right after the update that made it, L and the
       gradient at theta_t right after they are computed. */
    for (;;) {
        double loss = md->loss_grad(ctx->m, ctx->theta, &ctx->grad);
        if (sg_check_loss_grad(loss, len, ctx->grad, &ctx->div)) {
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
        md->update(ctx->m, c->mu, ctx->grad, ctx->theta);
        ctx->step++;
        if (sg_check_theta(len, ctx->theta, md->theta_max, &ctx->div)) {
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
    if (ctx->m)
        ctx->model->free_state(ctx->m);
    ctx->m = NULL;
    free(ctx->theta);
    free(ctx->theta0);
    free(ctx->theta_prev);
    ctx->theta = ctx->theta0 = ctx->theta_prev = NULL;
}

/* "W[2,17]", "loss", "grad v[1]": the component that made the run diverge */
static void div_component(const sg_run_ctx *ctx, char *buf, size_t len)
{
    sg_div_component(&ctx->div, ctx->model->component, ctx->m, buf, len);
}

static void print_human(const sg_run_ctx *ctx)
{
    const sg_config *c = &ctx->cfg;
    ctx->model->banner(ctx->m, c, stdout);
    if (ctx->status == SG_STATUS_STOPPED)
        printf("STOPPED at step %ld: %s\n", ctx->step, ctx->stop_reason);
    if (ctx->status == SG_STATUS_DIVERGED) {
        char comp[96];
        div_component(ctx, comp, sizeof comp);
        printf("DIVERGED at step %ld: %s = %g (%s; %s too large?)\n", ctx->div.step, comp,
               ctx->div.value, sg_div_reason_name(ctx->div.reason),
               ctx->div.step == 0 ? ctx->model->init_scale_flag : "step size");
        if (ctx->nrows == 0)
            return;
        printf("last finite state: step %ld\n", ctx->step);
    }
    printf("steps %ld  loss %.6e -> %.6e  (%.3f s, %.3g s/step)\n", ctx->step, ctx->loss0,
           ctx->loss, ctx->loop_seconds,
           ctx->step > 0 ? ctx->loop_seconds / (double)ctx->step : 0.0);
    ctx->model->report(ctx->m, ctx->theta, stdout);
    printf("outputs in %s/\n", c->out_dir);
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].report)
            ctx->obs[q].report(ctx->obs[q].self, stdout);
}

static int notify_after_run(sg_run_ctx *ctx)
{
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].after_run && ctx->obs[q].after_run(ctx->obs[q].self, ctx) != 0)
            return -1;
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
        /* with a checkpoint on disk (the failed one left the previous in
           place, outfile.h), the temporary is what `resume` continues */
        char ck[sizeof csv->path + 32];
        snprintf(ck, sizeof ck, "%s/checkpoint.bin", cfg->out_dir);
        if (cfg->checkpoint_every > 0 && access(ck, F_OK) == 0) {
            fclose(csv->fp);
            fprintf(stderr, "shadowgd: the last checkpoint and %s are kept; continue with: "
                            "shadowgd resume %s\n", csv->tmp, cfg->out_dir);
        } else {
            sg_outfile_abort(csv);
        }
        sg_run_free(ctx);
        return SG_EXIT_FAIL;
    }
    if (sg_outfile_commit(csv) != 0 || sg_summary_write(ctx) != 0 ||
        notify_after_run(ctx) != 0) {
        sg_run_free(ctx);
        return SG_EXIT_FAIL;
    }
    if (!cfg->quiet)
        print_human(ctx);
    int rc = ctx->status == SG_STATUS_COMPLETED ? SG_EXIT_OK : SG_EXIT_DIVERGED;
    if (ctx->outputs_failed && rc == SG_EXIT_OK) /* reported where it failed */
        rc = SG_EXIT_FAIL;
    if (ctx->status == SG_STATUS_DIVERGED) {
        char comp[96];
        div_component(ctx, comp, sizeof comp);
        fprintf(stderr, "shadowgd: diverged at step %ld: %s = %g (%s)\n", ctx->div.step, comp,
                ctx->div.value, sg_div_reason_name(ctx->div.reason));
    }
    sg_run_free(ctx);
    return rc;
}
