/* multi_shadow_observer.c -- the r > 1 MPFR step audit as an observer of the
 * run loop (see multi_shadow.h, multi_shadow_observer.h).
 *
 * observe(theta_t): the double step's intermediates are the run's workspace
 * (Z, H, F, R, T, loss, grad at theta_t); theta_{t+1} is predicted with the
 * run's update kernel and audited with the rest; after_update checks that
 * the run's theta_{t+1} is the predicted one bit for bit (a mismatch counts
 * as a violation: the audited update would not be the run's). */
#include "shadow/relu/multi_shadow_observer.h"
#include "io/binio.h"
#include "io/json.h"
#include "kernels/relu/empirical.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int obs_observe(void *self, sg_run_ctx *ctx)
{
    sg_mshadow_obs *a = self;
    a->row_audited = 0;
    if (a->every <= 0 || ctx->step % a->every != 0)
        return 0;
    sg_mshadow *s = &a->s;
    memcpy(a->tn_pred, ctx->theta, (size_t)s->len * sizeof(double));
    sg_gd_update((int)s->upd_len, a->mu, a->ws->grad, a->tn_pred);
    sg_mstep_view v = {a->ws->Z, a->ws->H, a->ws->F, a->ws->R, a->ws->T, a->ws->loss,
                       a->ws->grad, a->tn_pred, &a->ws->pop};
    sg_mshadow_audit(s, ctx->step, ctx->theta, a->mu, &v);
    a->row_audited = 1;
    return 0;
}

static int obs_after_update(void *self, sg_run_ctx *ctx, const double *theta_prev)
{
    sg_mshadow_obs *a = self;
    (void)theta_prev;
    if (a->row_audited &&
        memcmp(a->tn_pred, ctx->theta, (size_t)a->s.len * sizeof(double)) != 0) {
        a->s.violations++; /* never expected */
        a->mismatch++;
    }
    return 0;
}

static void obs_csv_header(void *self, FILE *fp)
{
    (void)self;
    fputs(",max_err_ratio,bound_violations,ambiguous,flips", fp);
}

static void obs_csv_row(void *self, FILE *fp)
{
    sg_mshadow_obs *a = self;
    if (a->row_audited && a->s.pop) /* no activations in the closed form */
        fprintf(fp, ",%.6e,%ld,,", a->s.step_ratio, a->s.step_violations);
    else if (a->row_audited)
        fprintf(fp, ",%.6e,%ld,%ld,%ld", a->s.step_ratio, a->s.step_violations,
                a->s.step_ambiguous, a->s.step_flips);
    else
        fputs(",,,,", fp);
}

static void obs_summary(void *self, sg_json *j)
{
    sg_mshadow_obs *a = self;
    const sg_mshadow *s = &a->s;
    sg_json_open(j, "audit");
    sg_json_str(j, "bounds", s->pop ? "specs/roundoff.md M10 (outputs r > 1, population: "
                                      "P0-P6 per output, then the sum over outputs)"
                                    : "specs/roundoff.md M1-M9 (outputs r > 1)");
    sg_json_int(j, "precision_bits", (long long)s->prec);
    sg_json_int(j, "audit_every", a->every);
    sg_json_int(j, "steps_audited", s->steps);
    sg_json_int(j, "components_checked", s->checked);
    sg_json_int(j, "bound_violations", s->violations);
    sg_json_num(j, "max_error_to_bound", s->max_ratio);
    sg_json_int(j, "max_error_to_bound_step", s->steps ? s->max_ratio_step : -1);
    sg_json_int(j, "ambiguous_activations", s->ambiguous);
    sg_json_int(j, "activation_flips", s->flips);
    sg_json_int(j, "update_mismatches", a->mismatch);
    sg_json_int(j, "nonfinite_components", s->nonfinite);
    sg_json_int(j, "range_errors", s->range_errors);
    if (s->pop)
        sg_json_int(j, "replica_mismatches", s->replica_mismatch);
    sg_json_open(j, "components");
    for (int c = 0; c < SG_MS_NCLASS; c++) {
        const sg_ms_class_stats *cs = &s->cls[c];
        if (cs->checked == 0)
            continue;
        sg_json_open(j, sg_ms_class_name(c));
        sg_json_int(j, "checked", cs->checked);
        sg_json_int(j, "violations", cs->violations);
        sg_json_num(j, "max_error_to_bound", cs->max_ratio);
        sg_json_close(j);
    }
    sg_json_close(j);
    if (s->have_first) {
        sg_json_open(j, "first_violation");
        sg_json_int(j, "step", s->first_step);
        sg_json_str(j, "component", sg_ms_class_name(s->first_class));
        sg_json_int(j, "index", s->first_index);
        sg_json_num(j, "error", s->first_err);
        sg_json_num(j, "bound", s->first_bound);
        sg_json_close(j);
    } else {
        sg_json_null(j, "first_violation");
    }
    sg_json_close(j);
}

static void obs_report(void *self, FILE *fp)
{
    sg_mshadow_obs *a = self;
    const sg_mshadow *s = &a->s;
    if (a->every <= 0)
        return;
    fprintf(fp, "audit (MPFR %ld bits, every %ld, outputs %d): %ld steps, %ld components, "
                "%ld bound violations, max error/bound %.3g\n",
            (long)s->prec, a->every, s->r, s->steps, s->checked, s->violations, s->max_ratio);
    fprintf(fp, "  activations: %ld ambiguous, %ld flipped\n", s->ambiguous, s->flips);
    if (s->have_first)
        fprintf(fp, "  FIRST VIOLATION: step %ld %s[%ld]: error %.3e > bound %.3e\n",
                s->first_step, sg_ms_class_name(s->first_class), s->first_index, s->first_err,
                s->first_bound);
}

/* ---- checkpoints: the totals, as little-endian 64-bit words ---- */

#define MS_LONGS(X)                                                              \
    X(steps) X(checked) X(violations) X(ambiguous) X(flips) X(nonfinite)         \
    X(range_errors) X(max_ratio_step) X(first_step) X(first_index) X(replica_mismatch)
#define MS_NLONGS 11

/* words: 3 header, the longs, 4 doubles + first_class/have_first/mismatch,
   3 per class */
#define MS_WORDS (3 + MS_NLONGS + 4 + 3 + 3 * SG_MS_NCLASS)

static int obs_save(void *self, FILE *fp)
{
    sg_mshadow_obs *a = self;
    const sg_mshadow *s = &a->s;
    sg_bw w = {fp, 0};
    sg_bw_u64(&w, (uint64_t)s->prec);
    sg_bw_u64(&w, (uint64_t)s->len);
    sg_bw_u64(&w, (uint64_t)a->every);
#define PUT_L(f) sg_bw_i64(&w, (int64_t)s->f);
    MS_LONGS(PUT_L)
#undef PUT_L
    sg_bw_f64(&w, s->max_ratio);
    sg_bw_f64(&w, s->first_err);
    sg_bw_f64(&w, s->first_bound);
    sg_bw_f64(&w, 0.0); /* reserved */
    sg_bw_u64(&w, (uint64_t)s->first_class);
    sg_bw_u64(&w, (uint64_t)s->have_first);
    sg_bw_u64(&w, (uint64_t)a->mismatch);
    for (int c = 0; c < SG_MS_NCLASS; c++) {
        sg_bw_i64(&w, (int64_t)s->cls[c].checked);
        sg_bw_i64(&w, (int64_t)s->cls[c].violations);
        sg_bw_f64(&w, s->cls[c].max_ratio);
    }
    return w.bad ? -1 : 0;
}

static int obs_load(void *self, FILE *fp, size_t len)
{
    sg_mshadow_obs *a = self;
    sg_mshadow *s = &a->s;
    if (len != (size_t)MS_WORDS * 8)
        return -1;
    sg_br b = {fp, len, 0};
    uint64_t h[3];
    for (int q = 0; q < 3; q++)
        h[q] = sg_br_u64(&b);
    if (h[0] != (uint64_t)s->prec || h[1] != (uint64_t)s->len || h[2] != (uint64_t)a->every)
        return -1;
    int64_t v;
#define GET_L(f)                                                                 \
    if ((v = sg_br_i64(&b)) < -1)                                                \
        return -1;                                                               \
    s->f = (long)v;
    MS_LONGS(GET_L)
#undef GET_L
    s->max_ratio = sg_br_f64(&b);
    s->first_err = sg_br_f64(&b);
    s->first_bound = sg_br_f64(&b);
    (void)sg_br_f64(&b); /* reserved */
    uint64_t u = sg_br_u64(&b);
    if (u >= SG_MS_NCLASS)
        return -1;
    s->first_class = (int)u;
    if ((u = sg_br_u64(&b)) > 1)
        return -1;
    s->have_first = (int)u;
    if ((v = sg_br_i64(&b)) < 0)
        return -1;
    a->mismatch = (long)v;
    for (int c = 0; c < SG_MS_NCLASS; c++) {
        s->cls[c].checked = (long)sg_br_i64(&b);
        s->cls[c].violations = (long)sg_br_i64(&b);
        s->cls[c].max_ratio = sg_br_f64(&b);
    }
    return b.bad ? -1 : 0;
}

static void obs_destroy(void *self)
{
    sg_mshadow_obs *a = self;
    sg_mshadow_free(&a->s);
    free(a->tn_pred);
    free(a);
    mpfr_free_cache(); /* MPFR's constant caches (pi for the population loss) */
}

sg_mshadow_obs *sg_mshadow_of(sg_run_ctx *ctx)
{
    return sg_run_observer(ctx, SG_MSHADOW_NAME);
}

int sg_mshadow_attach(sg_run_ctx *ctx, const sg_mproblem *p, const sg_mworkspace *ws,
                      int freeze_v)
{
    const sg_config *c = &ctx->cfg;
    if (c->audit_every == 0)
        return 0;
    sg_mshadow_obs *a = calloc(1, sizeof *a);
    long len = sg_mtheta_len(p->d, p->k, p->r);
    long upd = freeze_v ? (long)p->k * p->d : len;
    if (!a || !(a->tn_pred = malloc((size_t)len * sizeof(double))) ||
        sg_mshadow_init(&a->s, p, (mpfr_prec_t)c->prec, upd) != 0) {
        if (a)
            free(a->tn_pred);
        free(a);
        fprintf(stderr, "shadowgd: out of memory for the r > 1 MPFR step audit\n");
        return -1;
    }
    a->ws = ws;
    a->mu = c->mu;
    a->every = c->audit_every;
    sg_observer o = {.name = SG_MSHADOW_NAME, .self = a, .observe = obs_observe,
                     .after_update = obs_after_update, .csv_header = obs_csv_header,
                     .csv_row = obs_csv_row, .summary = obs_summary, .report = obs_report,
                     .save = obs_save, .load = obs_load, .destroy = obs_destroy};
    if (sg_run_add_observer(ctx, &o) != 0) {
        fprintf(stderr, "shadowgd: too many observers\n");
        obs_destroy(a);
        return -1;
    }
    return 0;
}
