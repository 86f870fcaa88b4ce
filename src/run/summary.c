/* summary.c -- the machine-readable summary of a run (see summary.h). */
#include "run/summary.h"
#include "audit/relu/invariants.h"
#include "io/json.h"
#include <math.h>
#include <stdio.h>

static void write_config(sg_json *j, const sg_run_ctx *ctx)
{
    const sg_config *c = &ctx->cfg;
    sg_json_open(j, "config");
    sg_json_str(j, "loss", sg_loss_name(c->loss));
    sg_json_int(j, "d", c->d);
    sg_json_int(j, "k", c->k);
    if (c->loss == SG_LOSS_EMPIRICAL)
        sg_json_int(j, "n", c->n);
    else
        sg_json_null(j, "n");
    sg_json_num(j, "sigma", c->sigma);
    sg_json_num(j, "mu", c->mu);
    sg_json_int(j, "steps", c->steps);
    sg_json_str(j, "init", sg_init_name(c->init));
    sg_json_uint(j, "seed", (unsigned long long)c->seed);
    sg_json_str(j, "target", c->target == SG_TARGET_FILE ? "file" : sg_target_name(c));
    if (c->target == SG_TARGET_FILE)
        sg_json_str(j, "target_path", c->target_path);
    sg_json_num(j, "target_norm", ctx->a_norm);
    sg_json_close(j);
}

static void write_final(sg_json *j, const sg_run_ctx *ctx)
{
    int d = ctx->cfg.d, k = ctx->cfg.k;
    if (ctx->nrows == 0) { /* not even theta_0 passed the checks */
        sg_json_null(j, "final");
        return;
    }
    sg_json_open(j, "final");
    sg_json_num(j, "loss", ctx->loss);
    sg_json_open_array(j, "v");
    for (int q = 0; q < k; q++)
        sg_json_num(j, NULL, ctx->theta[(long)k * d + q]);
    sg_json_close_array(j);
    sg_json_open_array(j, "wnorm");
    for (int q = 0; q < k; q++)
        sg_json_num(j, NULL, ctx->wnorm[q]);
    sg_json_close_array(j);
    sg_json_open_array(j, "angle_deg");
    for (int q = 0; q < k; q++)
        sg_json_num(j, NULL, ctx->angle_deg[q]);
    sg_json_close_array(j);
    /* distance to the optimum (design section 2; invariants.h) */
    sg_json_open(j, "distance_to_optimum");
    if (k == 2 && ctx->sign0[0] != ctx->sign0[1])
        sg_json_num(j, "pair_frobenius", sqrt(sg_opt_dist2_pair(d, k, ctx->prob.a, ctx->theta)));
    else
        sg_json_null(j, "pair_frobenius");
    sg_json_num(j, "sum_minus_2a", sg_opt_sum_dist(d, k, ctx->prob.a, ctx->theta));
    int nlines = 0;
    double lr = sg_opt_line_residual(d, k, ctx->prob.a, ctx->theta, ctx->cfg.inv.line_deg,
                                     &nlines);
    sg_json_num(j, "line_residual", lr);
    sg_json_int(j, "lines", nlines);
    sg_json_str(j, "definition",
                "pair_frobenius (k = 2, opposite signs): |diag(v)W - W*|_F = sqrt(sum_j "
                "|v_j w_j - a|^2) in the signed convention; sum_minus_2a: |sum_j v_j w_j - 2a|; "
                "line_residual: max over lines through 0 of |sum_{j on it} v_j |w_j|| / |a|");
    sg_json_close(j);
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
    write_config(&j, ctx);
    if (ctx->status == SG_STATUS_DIVERGED) {
        sg_json_str(&j, "status", "diverged");
        /* step: first state that failed; component and its value (as text:
           JSON has no Inf/NaN); the last row and "final" are state step-1 */
        char comp[64], val[40];
        sg_div_component(&ctx->div, ctx->cfg.d, ctx->cfg.k, comp, sizeof comp);
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
        sg_json_num(&j, "region_bound", SG_REGION_THETA_MAX);
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
