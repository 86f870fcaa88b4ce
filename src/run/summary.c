/* summary.c -- the machine-readable summary of a run (see summary.h). */
#include "run/summary.h"
#include "io/exit_status.h"
#include "io/json.h"
#include "io/outfile.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* the Makefile passes both for this object (git rev-parse --short HEAD,
   clean/dirty); a build outside the Makefile says it does not know */
#ifndef SG_SOURCE_REV
#define SG_SOURCE_REV "unknown"
#endif
#ifndef SG_SOURCE_TREE
#define SG_SOURCE_TREE "unknown"
#endif

/* one argument, quoted for a POSIX shell when it needs it */
static size_t quote_arg(char *dst, size_t cap, const char *a)
{
    int plain = *a != 0;
    for (const char *p = a; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=+,:@%", *p))
            plain = 0;
    size_t n = 0;
    if (plain)
        return (size_t)snprintf(dst, cap, "%s", a);
    n += (size_t)snprintf(dst, cap, "'");
    for (const char *p = a; *p && n < cap; p++)
        n += (size_t)snprintf(dst + n, cap - n, *p == '\'' ? "'\\''" : "%c", *p);
    if (n < cap)
        n += (size_t)snprintf(dst + n, cap - n, "'");
    return n;
}

/* "source": what reproduces the run -- the command line (the options as
   given after "run"), program version, source revision and tree state, and
   every run-level option that affects a verdict (the model's own options
   are in "config"); --checkpoint-every and --digest do not, and are left
   out so that a resumed run's summary equals the uninterrupted run's */
static void write_source(sg_json *j, const sg_run_ctx *ctx)
{
    const sg_config *c = &ctx->cfg;
    static char line[16384];
    size_t n = (size_t)snprintf(line, sizeof line, "shadowgd run");
    for (int q = 0; q < c->argc && c->argv && n + 1 < sizeof line; q++) {
        line[n++] = ' ';
        line[n] = 0;
        n += quote_arg(line + n, sizeof line - n, c->argv[q]);
    }
    sg_json_open(j, "source");
    sg_json_str(j, "command_line", line);
    sg_json_str(j, "version", SG_VERSION);
    sg_json_str(j, "revision", SG_SOURCE_REV);
    sg_json_str(j, "tree", SG_SOURCE_TREE);
    if (strcmp(SG_SOURCE_TREE, "dirty") == 0)
        sg_json_str(j, "note", "built from a tree with uncommitted changes: the revision "
                               "alone does not reproduce this program");
    sg_json_close(j);
    sg_json_open(j, "run_options");
    sg_json_str(j, "model", ctx->model->name);
    sg_json_num(j, "mu", c->mu);
    sg_json_int(j, "steps", c->steps);
    sg_json_uint(j, "seed", (unsigned long long)c->seed);
    sg_json_int(j, "prec", c->prec);
    sg_json_int(j, "audit_every", c->audit_every);
    sg_json_bool(j, "shadow_trajectory", c->shadow_trajectory);
    sg_json_close(j);
}

/* "final": the loss, then the model's members for the last logged state */
static void write_final(sg_json *j, const sg_run_ctx *ctx)
{
    if (ctx->nrows == 0) { /* not even theta_0 passed the checks */
        sg_json_null(j, "final");
        return;
    }
    sg_json_open(j, "final");
    sg_json_num(j, "loss", ctx->loss);
    ctx->model->final_json(ctx->m, &ctx->cfg, ctx->theta, j);
    sg_json_close(j);
}

int sg_summary_write(const sg_run_ctx *ctx)
{
    sg_outfile o;
    if (sg_outfile_open(&o, ctx->cfg.out_dir, "summary.json") != 0)
        return -1;
    sg_json j;
    sg_json_init(&j, o.fp);
    sg_json_open(&j, NULL);
    sg_json_str(&j, "program", "shadowgd");
    sg_json_str(&j, "version", SG_VERSION);
    write_source(&j, ctx);
    sg_json_open(&j, "config");
    ctx->model->config_json(ctx->m, &ctx->cfg, &j);
    sg_json_close(&j);
    if (ctx->status == SG_STATUS_DIVERGED) {
        sg_json_str(&j, "status", "diverged");
        /* step: first state that failed; component and its value (as text:
           JSON has no Inf/NaN); the last row and "final" are state step-1 */
        char comp[96], val[40];
        sg_div_component(&ctx->div, ctx->model->component, ctx->m, comp, sizeof comp);
        snprintf(val, sizeof val, "%.17g", ctx->div.value);
        sg_json_open(&j, "diverged");
        sg_json_int(&j, "step", ctx->div.step);
        sg_json_str(&j, "reason", sg_div_reason_name(ctx->div.reason));
        sg_json_str(&j, "component", comp);
        sg_json_str(&j, "quantity", ctx->div.what == 0 ? "theta"
                                    : ctx->div.what == 1 ? "loss" : "gradient");
        if (ctx->div.index >= 0)
            sg_json_int(&j, "theta_index", ctx->div.index);
        else
            sg_json_null(&j, "theta_index");
        sg_json_str(&j, "value", val);
        sg_json_num(&j, "region_bound", ctx->model->theta_max);
        sg_json_int(&j, "last_good_step", ctx->nrows > 0 ? ctx->step : -1);
        sg_json_close(&j);
    } else if (ctx->status == SG_STATUS_STOPPED) {
        sg_json_str(&j, "status", "stopped");
        sg_json_str(&j, "stop_reason", ctx->stop_reason);
    } else {
        sg_json_str(&j, "status", "completed");
    }
    sg_json_int(&j, "steps_done", ctx->step);
    sg_json_num(&j, "initial_loss", ctx->loss0);
    write_final(&j, ctx);
    sg_json_open(&j, "timing");
    sg_json_num(&j, "setup_seconds", ctx->setup_seconds);
    sg_json_num(&j, "loop_seconds", ctx->loop_seconds);
    sg_json_num(&j, "seconds_per_step",
                ctx->step > 0 ? ctx->loop_seconds / (double)ctx->step : 0.0);
    sg_json_close(&j);
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].summary)
            ctx->obs[q].summary(ctx->obs[q].self, &j);
    sg_json_close(&j);
    sg_json_end(&j);
    return sg_outfile_commit(&o);
}
