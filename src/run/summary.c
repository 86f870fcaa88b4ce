/* summary.c -- the machine-readable summary of a run (see summary.h). */
#include "run/summary.h"
#include "io/exit_status.h"
#include "io/json.h"
#include "io/outfile.h"
#include <math.h>
#include <stdio.h>

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
