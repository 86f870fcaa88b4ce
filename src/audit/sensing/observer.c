/* observer.c -- matrix sensing's shadow and audit observer (see observer.h). */
#include "audit/sensing/observer.h"
#include "audit/sensing/plots.h"
#include "io/binio.h"
#include "io/json.h"
#include "kernels/relu/empirical.h" /* sg_gd_update: the shared update kernel */
#include "shadow/mpfr_io.h"
#include "shadow/sensing/step_audit.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const sg_sens_problem *p;
    const sg_sens_work *w;
    double mu, diverge_max;
    long every, len;
    int trajectory;
    long prec;
    sg_fp_model f64;
    sg_sens_auditor au;
    int have_au;
    sg_sens_mp traj;
    int have_traj;
    sg_sens_meas_ws mws;
    sg_sens_checker dbl, mp;
    double *pred, *tmp;        /* the audited next state; the MPFR state in double */
    /* this row */
    int row_audited;
    double row_ratio, row_balance, row_div, row_err_mp;
    long row_viol;
    /* shadow totals */
    long audited, components, violations, range_errors;
    double max_ratio, max_div, final_div;
    long max_ratio_step, max_div_step;
    sg_sens_plot_setup plot;
    char figures[512];         /* one line about the figures */
} sens_obs;

static void obs_free(sens_obs *o)
{
    if (!o)
        return;
    if (o->have_au)
        sg_sens_auditor_free(&o->au);
    if (o->have_traj)
        sg_sens_mp_free(&o->traj);
    sg_sens_meas_free(&o->mws);
    free(o->pred);
    free(o->tmp);
    free(o);
}

static void destroy(void *self)
{
    obs_free(self);
    mpfr_free_cache();
}

static int observe(void *self, sg_run_ctx *ctx)
{
    sens_obs *o = self;
    long t = ctx->step;
    double tol = 0.0;
    o->row_audited = 0;
    o->row_ratio = o->row_div = o->row_err_mp = NAN;
    o->row_viol = 0;
    if (o->have_au && t % o->every == 0) {
        /* the double's next state, by the update kernel itself */
        memcpy(o->pred, ctx->theta, (size_t)o->len * sizeof(double));
        sg_gd_update((int)o->len, o->mu, ctx->grad, o->pred);
        sg_sens_audit_result res;
        sg_sens_audit_step(&o->au, o->p, &o->f64, ctx->theta, o->mu, o->w, ctx->loss, o->pred,
                           &res);
        long comps = 0;
        for (int c = 0; c < SG_SENS_NCLASS; c++)
            comps += res.cls[c].count;
        o->audited++;
        o->components += comps;
        o->violations += res.violations;
        o->range_errors += res.range_errors;
        if (!(res.max_ratio <= o->max_ratio)) {
            o->max_ratio = res.max_ratio;
            o->max_ratio_step = t;
        }
        o->row_audited = 1;
        o->row_ratio = res.max_ratio;
        o->row_viol = res.violations;
        tol = o->au.bd.El; /* |fl(L) - L| at theta_t, proved bound */
    }
    sg_sens_meas m;
    sg_sens_measure(&o->mws, o->p, ctx->theta, &m);
    sg_sens_inv_state(&o->dbl, t, ctx->loss, tol, &m);
    if (o->have_traj) {
        double div = sg_sens_mp_divergence(&o->traj, ctx->theta);
        o->row_div = o->final_div = div;
        if (!(div <= o->max_div)) {
            o->max_div = div;
            o->max_div_step = t;
        }
        sg_sens_mp_step(&o->traj, o->p, o->mu);
        sg_sens_mp_get_theta(&o->traj, o->tmp);
        sg_sens_meas mm;
        sg_sens_measure(&o->mws, o->p, o->tmp, &mm);
        o->row_err_mp = mm.rel_error;
        sg_sens_inv_state(&o->mp, t, mpfr_get_d(o->traj.loss, MPFR_RNDN), 0.0, &mm);
        if (t < ctx->cfg.steps) {
            sg_sens_balance b;
            if (sg_sens_balance_mp(o->p, &o->traj, o->mu, &b) >= 0)
                sg_sens_inv_balance(&o->mp, t, &b);
        }
        sg_sens_mp_advance(&o->traj);
        o->range_errors += o->traj.range_errors;
        o->traj.range_errors = 0;
    }
    return 0;
}

/* BALANCE of the double step t -> t+1: the gradient and adjoint in w are
   still those at theta_t (the loop has not evaluated theta_{t+1} yet) */
static int after_update(void *self, sg_run_ctx *ctx, const double *prev)
{
    sens_obs *o = self;
    sg_sens_balance b;
    if (sg_sens_balance_double(o->p, &o->f64, o->mu, prev, ctx->theta, ctx->grad, o->w->M,
                               &b) < 0) {
        snprintf(ctx->stop_reason, sizeof ctx->stop_reason,
                 "out of memory in the balance check");
        fprintf(stderr, "shadowgd: %s\n", ctx->stop_reason);
        return -1;
    }
    o->row_balance = b.max_ratio;
    sg_sens_inv_balance(&o->dbl, ctx->step - 1, &b);
    return 0;
}

static void csv_header(void *self, FILE *fp)
{
    (void)self;
    fputs(",max_err_ratio,bound_violations,balance_ratio,divergence,rel_error_mpfr", fp);
}

static void put(FILE *fp, double x)
{
    if (isfinite(x))
        fprintf(fp, ",%.6e", x);
    else
        fputc(',', fp);
}

/* row t: the audit of the step from theta_t, BALANCE of the step t-1 -> t
   (empty in row 0), the divergence at theta_t, the MPFR state's error */
static void csv_row(void *self, FILE *fp)
{
    sens_obs *o = self;
    if (o->row_audited)
        fprintf(fp, ",%.6e,%ld", o->row_ratio, o->row_viol);
    else
        fputs(",,", fp);
    put(fp, o->dbl.st.states > 1 ? o->row_balance : NAN);
    put(fp, o->row_div);
    put(fp, o->row_err_mp);
}

static void finish(sens_obs *o)
{
    sg_sens_inv_finish(&o->dbl);
    if (o->have_traj)
        sg_sens_inv_finish(&o->mp);
    sg_vresult *b = &o->dbl.res[SG_SI_BOUND], *d = &o->dbl.res[SG_SI_DIVERGE];
    if (!o->have_au) {
        sg_vresult_na(b, "the step audit is off (--audit-every 0)");
    } else {
        b->verdict = o->violations || o->range_errors ? SG_VIOLATED : SG_HELD;
        b->worst_margin = 1.0 - o->max_ratio;
        b->checked = o->audited;
        b->first_violation = b->verdict == SG_VIOLATED ? o->max_ratio_step : -1;
        snprintf(b->reason, sizeof b->reason,
                 "%ld components in %ld audited steps (MPFR %ld bits): %ld outside their "
                 "round-off bound, %ld accumulator range errors; max error/bound %.3g at step %ld",
                 o->components, o->audited, o->prec, o->violations, o->range_errors, o->max_ratio,
                 o->max_ratio_step);
    }
    sg_vresult_na(&o->dbl.res[SG_SI_FLIPS], "matrix sensing has no activation indicator");
    if (!o->have_traj) {
        sg_vresult_na(d, "the MPFR trajectory is off (--no-shadow-trajectory)");
    } else {
        d->verdict = o->max_div <= o->diverge_max ? SG_HELD : SG_VIOLATED;
        d->worst_margin = 1.0 - o->max_div / o->diverge_max;
        d->checked = o->dbl.st.states;
        d->first_violation = d->verdict == SG_VIOLATED ? o->max_div_step : -1;
        snprintf(d->reason, sizeof d->reason,
                 "max |theta - theta_mpfr|/|theta_mpfr| = %.3g at step %ld (final %.3g, limit %g)",
                 o->max_div, o->max_div_step, o->final_div, o->diverge_max);
        for (int id = SG_SI_BOUND; id <= SG_SI_DIVERGE; id++)
            sg_vresult_na(&o->mp.res[id], "compares the double trajectory with the MPFR "
                                          "shadow: see the double column");
    }
}

static void summary(void *self, sg_json *j)
{
    sens_obs *o = self;
    finish(o);
    sg_sens_inv_json(j, &o->dbl, o->have_traj ? &o->mp : NULL);
    const sg_sens_inv_stats *s = &o->dbl.st;
    sg_json_open(j, "phases");
    sg_json_str(j, "trajectory", "double");
#define OPT_STEP(key, x) do { if ((x) >= 0) sg_json_int(j, key, x); else sg_json_null(j, key); } while (0)
    OPT_STEP("alignment_step", s->spectral_first);
    OPT_STEP("growth_end_step", s->growth_end);
    sg_json_num(j, "spectral_deg", o->dbl.set.spectral_deg);
    sg_json_str(j, "definition", "alignment: first step with the largest principal angle "
                                 "below spectral_deg; end of growth: first step with "
                                 "sigma_r(UV') >= s_r/2; refinement after it");
    sg_json_close(j);
    sg_json_open(j, "imbalance");
    sg_json_num(j, "initial", s->imb0);
    sg_json_num(j, "initial_over_alpha2", s->imb0 / (o->dbl.set.alpha * o->dbl.set.alpha));
    sg_json_num(j, "max", s->imb_max);
    OPT_STEP("max_step", s->imb_max_step);
    sg_json_num(j, "drift_sum", s->drift_sum);
    sg_json_num(j, "drift_max", s->balance_max_drift);
    sg_json_close(j);
    sg_json_open(j, "shadow");
    sg_json_int(j, "prec", o->prec);
    sg_json_int(j, "audit_every", o->have_au ? o->every : 0);
    sg_json_int(j, "steps_audited", o->audited);
    sg_json_int(j, "components_checked", o->components);
    sg_json_int(j, "violations", o->violations);
    sg_json_int(j, "range_errors", o->range_errors);
    sg_json_num(j, "max_ratio", o->have_au ? o->max_ratio : NAN);
    sg_json_num(j, "max_divergence", o->have_traj ? o->max_div : NAN);
    sg_json_num(j, "final_divergence", o->have_traj ? o->final_div : NAN);
    sg_json_close(j);
}

static void report(void *self, FILE *fp)
{
    sens_obs *o = self;
    finish(o);
    if (o->have_au)
        fprintf(fp, "audit (MPFR %ld bits, every %ld): %ld steps, %ld components, %ld bound "
                    "violations, max error/bound %.3g\n", o->prec, o->every, o->audited,
                o->components, o->violations, o->max_ratio);
    if (o->have_traj)
        fprintf(fp, "trajectory shadow: max divergence %.3g (step %ld), final %.3g\n",
                o->max_div, o->max_div_step, o->final_div);
    if (o->figures[0])
        fprintf(fp, "%s\n", o->figures);
    fputc('\n', fp);
    sg_sens_inv_table(fp, &o->dbl, o->have_traj ? &o->mp : NULL);
    const sg_sens_inv_stats *s = &o->dbl.st;
    fprintf(fp, "final (double): rel. error %.3e, sigma_r %.4g, sigma_{r+1} %.3e, "
                "imbalance max %.3e (start %.3e, alpha^2 = %.3e)\n", s->err_final,
            s->sigma_r_final, s->sigma_r1_final, s->imb_max, s->imb0,
            o->dbl.set.alpha * o->dbl.set.alpha);
}

/* after trajectory.csv and summary.json: the figures */
static int after_run(void *self, sg_run_ctx *ctx)
{
    sens_obs *o = self;
    if (ctx->status == SG_STATUS_DIVERGED) {
        snprintf(o->figures, sizeof o->figures, "figures: none (the run diverged)");
        return 0;
    }
    int rc = sg_sens_plots_write(&o->plot, o->figures, sizeof o->figures);
    if (rc > 0) { /* reported on stderr; the table still prints, exit 1 */
        ctx->outputs_failed = 1;
        return 0;
    }
    return rc;
}

/* ---- checkpoints: the totals, both checkers' statistics, the MPFR state ---- */

#define SENS_MAGIC "SGSENSAU"
#define SENS_TOTALS(X) X(audited) X(components) X(violations) X(range_errors) \
    X(max_ratio_step) X(max_div_step)
#define SENS_DTOTALS(X) X(max_ratio) X(max_div) X(final_div) X(row_balance)

static int save(void *self, FILE *fp)
{
    sens_obs *o = self;
    sg_bw w = {fp, 0};
    sg_bw_bytes(&w, SENS_MAGIC, 8);
    sg_bw_u32(&w, (uint32_t)o->have_traj);
#define PUT_L(f) sg_bw_i64(&w, o->f);
#define PUT_D(f) sg_bw_f64(&w, o->f);
    SENS_TOTALS(PUT_L)
    SENS_DTOTALS(PUT_D)
    if (w.bad || sg_sens_inv_save(&o->dbl, fp) != 0 ||
        (o->have_traj && sg_sens_inv_save(&o->mp, fp) != 0))
        return -1;
    for (long q = 0; o->have_traj && q < o->len; q++)
        if (mpfr_fpif_export(fp, o->traj.theta[q]) != 0)
            return -1;
    return ferror(fp) ? -1 : 0;
}

static int load(void *self, FILE *fp, size_t len)
{
    sens_obs *o = self;
    sg_br r = {fp, len, 0};
    char magic[8];
    sg_br_bytes(&r, magic, 8);
    uint32_t traj = sg_br_u32(&r);
    sens_obs t = *o;
#define GET_L(f) t.f = sg_br_i64(&r);
#define GET_D(f) t.f = sg_br_f64(&r);
    SENS_TOTALS(GET_L)
    SENS_DTOTALS(GET_D)
    if (r.bad || memcmp(magic, SENS_MAGIC, 8) != 0 || traj != (uint32_t)o->have_traj)
        return -1;
    /* each checker's statistics: a fixed count of 8-byte numbers */
    size_t nstat = 0;
#define COUNT(f) nstat++;
    SG_SENS_STAT_LONGS(COUNT)
    SG_SENS_STAT_DOUBLES(COUNT)
    size_t sbytes = 8 * nstat;
    if (r.left < sbytes * (o->have_traj ? 2 : 1) ||
        sg_sens_inv_load(&t.dbl, fp, sbytes) != 0 ||
        (o->have_traj && sg_sens_inv_load(&t.mp, fp, sbytes) != 0))
        return -1;
    r.left -= sbytes * (o->have_traj ? 2 : 1);
    long start = ftell(fp);
    unsigned char h[9];
    size_t hl = sg_fpif_prec_header((mpfr_prec_t)o->prec, h);
    for (long q = 0; o->have_traj && q < o->len; q++)
        if (!sg_fpif_prec_is(fp, h, hl) || mpfr_fpif_import(o->traj.theta_new[q], fp) != 0 ||
            !mpfr_number_p(o->traj.theta_new[q]))
            return -1;
    if (start < 0 || ftell(fp) - start != (long)r.left)
        return -1;
    o->audited = t.audited;
    o->components = t.components;
    o->violations = t.violations;
    o->range_errors = t.range_errors;
    o->max_ratio_step = t.max_ratio_step;
    o->max_div_step = t.max_div_step;
    o->max_ratio = t.max_ratio;
    o->max_div = t.max_div;
    o->final_div = t.final_div;
    o->row_balance = t.row_balance; /* row t shows the step t-1 -> t */
    o->dbl.st = t.dbl.st;
    o->mp.st = t.mp.st;
    if (o->have_traj)
        sg_sens_mp_advance(&o->traj); /* theta <- the loaded state */
    return 0;
}

int sg_sens_audit_attach(sg_run_ctx *ctx, const sg_sens_problem *p, const sg_sens_work *w,
                         const sg_sens_inv_setup *set, double diverge_max)
{
    const sg_config *c = &ctx->cfg;
    sens_obs *o = calloc(1, sizeof *o);
    if (!o)
        goto oom;
    o->p = p;
    o->w = w;
    o->mu = c->mu;
    o->diverge_max = diverge_max;
    o->every = c->audit_every;
    o->trajectory = c->shadow_trajectory;
    o->prec = c->prec;
    o->len = ctx->len;
    o->f64 = sg_fp_binary64();
    o->max_ratio_step = o->max_div_step = -1;
    o->row_balance = NAN;
    o->plot.dir = c->out_dir;
    o->plot.plots = c->plots;
    o->plot.steps = c->steps;
    o->plot.nsigma = set->r + 1 < SG_SENS_MAX_SIGMA ? set->r + 1 : SG_SENS_MAX_SIGMA;
    if (o->plot.nsigma > (p->n1 < p->n2 ? p->n1 : p->n2))
        o->plot.nsigma = p->n1 < p->n2 ? p->n1 : p->n2;
    o->plot.alpha = set->alpha;
    snprintf(o->plot.setting, sizeof o->plot.setting,
             "matrix sensing n1=%d n2=%d r=%d k=%d m=%d, alpha=%g, mu=%g, seed=%llu", p->n1,
             p->n2, p->r, p->k, p->m, set->alpha, c->mu, (unsigned long long)c->seed);
    sg_sens_inv_init(&o->dbl, "double", set);
    sg_sens_inv_init(&o->mp, "mpfr", set);
    o->pred = calloc((size_t)o->len, sizeof(double));
    o->tmp = calloc((size_t)o->len, sizeof(double));
    if (!o->pred || !o->tmp || sg_sens_meas_init(&o->mws, p) != 0)
        goto oom;
    if (o->every > 0) {
        if (sg_sens_auditor_init(&o->au, p, o->prec) != 0)
            goto oom;
        o->have_au = 1;
    }
    if (o->trajectory) {
        if (sg_sens_mp_init(&o->traj, p, o->prec) != 0)
            goto oom;
        o->have_traj = 1;
        sg_sens_mp_set_theta(&o->traj, ctx->theta0);
    }
    sg_observer ob = {.name = SG_SENS_AUDIT_NAME, .self = o, .observe = observe,
                      .after_update = after_update, .csv_header = csv_header,
                      .csv_row = csv_row, .summary = summary, .report = report,
                      .save = save, .load = load, .after_run = after_run,
                      .destroy = destroy};
    if (sg_run_add_observer(ctx, &ob) != 0) {
        fprintf(stderr, "shadowgd: too many observers\n");
        obs_free(o);
        return SG_EXIT_FAIL;
    }
    return 0;
oom:
    fprintf(stderr, "shadowgd: out of memory for the matrix-sensing shadow and audit\n");
    obs_free(o);
    return SG_EXIT_FAIL;
}
