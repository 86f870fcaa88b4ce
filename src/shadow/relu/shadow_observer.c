/* shadow_observer.c -- the shadow audit as an observer of the run loop:
 * its callbacks, CSV columns, summary members and report (see shadow_audit.h). */
#include "shadow/relu/shadow_audit.h"
#include "io/binio.h"
#include "io/json.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kernels/relu/empirical.h"

/* ---- the observer ---- */

static int obs_observe(void *self, sg_run_ctx *ctx)
{
    sg_shadow_audit *a = self;
    a->row_audited = 0;
    if (a->every > 0 && ctx->step % a->every == 0) {
        /* the double's next state, by the kernel itself, into our buffer */
        memcpy(a->tn_pred, ctx->theta, (size_t)a->len * sizeof(double));
        sg_gd_update((int)a->update_len, ctx->cfg.mu, ctx->grad, a->tn_pred);
        sg_shadow_audit_step(a, ctx->step, ctx->theta, a->ws, a->tn_pred);
        a->row_audited = 1;
        if (!a->trajectory)
            sg_shadow_audit_format_loss(a, a->sa.loss);
    }
    if (a->trajectory) {
        sg_shadow_audit_trajectory(a, ctx->step, ctx->theta);
        /* whoever assembled the run may pass the MPFR state on (e.g. to
           the invariant audit's MPFR column); the shadow does not know who */
        if (a->on_trajectory)
            a->on_trajectory(ctx, ctx->step, a);
    }
    return 0;
}

static int obs_after_update(void *self, sg_run_ctx *ctx, const double *theta_prev)
{
    sg_shadow_audit *a = self;
    (void)theta_prev;
    if (a->row_audited &&
        memcmp(a->tn_pred, ctx->theta, (size_t)a->len * sizeof(double)) != 0) {
        /* the run's update is not the one audited: never expected */
        a->prediction_mismatch++;
        a->violations++;
    }
    return 0;
}

static void obs_csv_header(void *self, FILE *fp)
{
    (void)self;
    fputs(",max_err_ratio,bound_violations,ambiguous,flips,divergence,loss_mpfr", fp);
}

static void obs_csv_row(void *self, FILE *fp)
{
    sg_shadow_audit *a = self;
    if (a->row_audited && a->prob->loss == SG_LOSS_POPULATION)
        fprintf(fp, ",%.6e,%ld,,", a->step_ratio, a->step_violations);
    else if (a->row_audited)
        fprintf(fp, ",%.6e,%ld,%ld,%ld", a->step_ratio, a->step_violations,
                a->step_ambiguous, a->step_flips);
    else
        fputs(",,,,", fp);
    if (a->trajectory)
        fprintf(fp, ",%.6e,%s", a->step_divergence, a->loss_mpfr);
    else if (a->row_audited)
        fprintf(fp, ",,%s", a->loss_mpfr); /* the exact loss at the double state */
    else
        fputs(",,", fp);
}

static void obs_summary(void *self, sg_json *j)
{
    sg_shadow_audit *a = self;
    sg_json_open(j, "audit");
    sg_json_int(j, "precision_bits", (long long)a->prec);
    sg_json_int(j, "audit_every", a->every);
    sg_json_bool(j, "trajectory_shadow", a->trajectory);
    sg_json_int(j, "steps_audited", a->steps_audited);
    sg_json_int(j, "components_checked", a->components_checked);
    sg_json_int(j, "bound_violations", a->violations);
    sg_json_num(j, "max_error_to_bound", a->max_ratio);
    sg_json_int(j, "max_error_to_bound_step", a->max_ratio_step);
    if (a->prob->loss == SG_LOSS_EMPIRICAL) {
        sg_json_int(j, "ambiguous_activations", a->ambiguous);
        sg_json_int(j, "activation_flips", a->flips);
    } else { /* no activations in the closed-form population loss */
        sg_json_null(j, "ambiguous_activations");
        sg_json_null(j, "activation_flips");
    }
    if (a->trajectory) {
        sg_json_num(j, "max_divergence", a->max_divergence);
        sg_json_int(j, "max_divergence_step", a->max_divergence_step);
        sg_json_num(j, "final_divergence", a->final_divergence);
    } else {
        sg_json_null(j, "max_divergence");
    }
    sg_json_int(j, "update_mismatches", a->prediction_mismatch);
    sg_json_int(j, "nonfinite_components", a->nonfinite);
    sg_json_int(j, "infinite_bounds", a->infinite_bounds);
    if (a->trajectory)
        sg_json_int(j, "trajectory_range_errors", a->trajectory_range_errors);
    if (a->prob->loss == SG_LOSS_POPULATION)
        sg_json_int(j, "replica_mismatches", a->replica_mismatch);
    sg_json_open(j, "components");
    for (int c = 0; c < SG_SA_NCLASS; c++) {
        const sg_sa_class_stats *s = &a->cls[c];
        if (s->checked == 0)
            continue;
        sg_json_open(j, sg_sa_class_name(c));
        sg_json_int(j, "checked", s->checked);
        sg_json_int(j, "violations", s->violations);
        sg_json_num(j, "max_error_to_bound", s->max_ratio);
        sg_json_num(j, "max_ulp_error", s->max_ulp);
        sg_json_num(j, "mean_ulp_error", s->sum_ulp / (double)s->checked);
        sg_json_close(j);
    }
    sg_json_close(j);
    if (a->have_first) {
        sg_json_open(j, "first_violation");
        sg_json_int(j, "step", a->first_step);
        sg_json_str(j, "component", sg_sa_class_name(a->first_class));
        sg_json_int(j, "index", a->first_index);
        sg_json_num(j, "error", a->first_err);
        sg_json_num(j, "bound", a->first_bound);
        sg_json_close(j);
    } else {
        sg_json_null(j, "first_violation");
    }
    if (a->prob->loss == SG_LOSS_POPULATION && a->every > 0) {
        sg_json_open(j, "libm");
        sg_json_open(j, "assumed_ulps");
        sg_json_num(j, "sqrt", 0.5);
        sg_json_num(j, "atan2", 1.0);
        sg_json_num(j, "sin", 1.0);
        sg_json_num(j, "cos", 1.0);
        sg_json_close(j);
        sg_json_int(j, "checked", a->libm_checked);
        sg_json_int(j, "violations", a->libm_violations);
        sg_json_open(j, "max_ulp_error");
        for (int f = 0; f < 4; f++)
            sg_json_num(j, sg_sa_libm_name(f), a->libm_max_ulp[f]);
        sg_json_close(j);
        sg_json_close(j);
    }
    sg_json_num(j, "audit_seconds", a->audit_seconds);
    sg_json_num(j, "trajectory_seconds", a->trajectory_seconds);
    sg_json_close(j);
}

static void obs_report(void *self, FILE *fp)
{
    sg_shadow_audit *a = self;
    if (a->every > 0) {
        fprintf(fp, "audit (MPFR %ld bits, every %ld): %ld steps, %ld components, "
                    "%ld bound violations, max error/bound %.3g\n",
                (long)a->prec, a->every, a->steps_audited, a->components_checked,
                a->violations, a->max_ratio);
        if (a->prob->loss == SG_LOSS_EMPIRICAL)
            fprintf(fp, "  activations: %ld ambiguous, %ld flipped\n", a->ambiguous, a->flips);
        else
            fprintf(fp, "  libm: %ld results checked, %ld beyond the assumed accuracy "
                        "(max ulp: sqrt %.3g, atan2 %.3g, sin %.3g, cos %.3g)\n",
                    a->libm_checked, a->libm_violations, a->libm_max_ulp[0],
                    a->libm_max_ulp[1], a->libm_max_ulp[2], a->libm_max_ulp[3]);
        if (a->nonfinite)
            fprintf(fp, "  %ld non-finite components (overflow: outside the bounds' model)\n",
                    a->nonfinite);
        if (a->infinite_bounds)
            fprintf(fp, "  %ld components with an infinite bound: not compared\n",
                    a->infinite_bounds);
        if (a->replica_mismatch)
            fprintf(fp, "  %ld population values differ from the bounds' replica of the "
                        "kernel (first at step %ld): the bounds do not apply\n",
                    a->replica_mismatch, a->replica_first_step);
        if (a->have_first)
            fprintf(fp, "  FIRST VIOLATION: step %ld %s[%ld]: error %.3e > bound %.3e\n",
                    a->first_step, sg_sa_class_name(a->first_class), a->first_index,
                    a->first_err, a->first_bound);
    }
    if (a->trajectory)
        fprintf(fp, "trajectory shadow: max divergence %.3e (step %ld), final %.3e\n",
                a->max_divergence, a->max_divergence_step, a->final_divergence);
}

sg_observer sg_shadow_audit_observer(sg_shadow_audit *a)
{
    sg_observer o = {.name = SG_SHADOW_AUDIT_NAME, .self = a, .observe = obs_observe,
                     .after_update = obs_after_update, .csv_header = obs_csv_header,
                     .csv_row = obs_csv_row, .summary = obs_summary, .report = obs_report};
    return o;
}

/* the observer owns its audit: sg_run_free calls this */
static void obs_destroy(void *self)
{
    sg_shadow_audit *a = self;
    sg_shadow_audit_free(a);
    free(a);
    mpfr_free_cache(); /* MPFR's constant caches (pi for the population loss) */
}

sg_shadow_audit *sg_shadow_audit_of(sg_run_ctx *ctx)
{
    return sg_run_observer(ctx, SG_SHADOW_AUDIT_NAME);
}

int sg_shadow_audit_attach(sg_run_ctx *ctx, const sg_problem *p, const sg_workspace *ws)
{
    const sg_config *c = &ctx->cfg;
    if (c->audit_every == 0 && !c->shadow_trajectory)
        return 0;
    sg_shadow_audit *a = malloc(sizeof *a);
    if (!a || sg_shadow_audit_init(a, p, ctx->theta0, c->mu, (mpfr_prec_t)c->prec,
                                   c->audit_every, c->shadow_trajectory) != 0) {
        free(a);
        return SG_EXIT_FAIL;
    }
    a->ws = ws;
    sg_observer o = sg_shadow_audit_observer(a);
    o.save = sg_shadow_audit_save;
    o.load = sg_shadow_audit_load;
    o.destroy = obs_destroy;
    if (sg_run_add_observer(ctx, &o) != 0) {
        fprintf(stderr, "shadowgd: too many observers\n");
        obs_destroy(a);
        return SG_EXIT_FAIL;
    }
    return 0;
}
