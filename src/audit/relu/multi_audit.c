/* multi_audit.c -- the r > 1 invariant audit (see multi_audit.h). */
#include "audit/relu/multi_audit.h"
#include "audit/relu/pairing_plot.h"
#include "io/binio.h"
#include "io/json.h"
#include "kernels/dot.h"
#include "kernels/geometry.h"
#include "run/run.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[SG_MINV_COUNT] = {"HOMOG", "IMBAL", "DESCENT", "ODDPART",
                                                    "EVENPART"};

const char *sg_minv_name(int id)
{
    return id >= 0 && id < SG_MINV_COUNT ? names[id] : "?";
}

int sg_multi_audit_init(sg_multi_audit *a, const sg_mproblem *p, const sg_mworkspace *ws,
                        double mu, int freeze_v)
{
    memset(a, 0, sizeof *a);
    a->p = p;
    a->ws = ws;
    a->mu = mu;
    a->freeze_v = freeze_v;
    a->a_norm = sg_norm(p->r * p->d, p->A);
    a->pairing_tol = SG_PAIRING_TOL_DEFAULT;
    a->b = calloc((size_t)p->k, sizeof(double));
    a->gw2 = calloc((size_t)p->k, sizeof(double));
    a->gv2 = calloc((size_t)p->k, sizeof(double));
    a->G = calloc((size_t)p->k * (size_t)p->k + 1, sizeof(double));
    a->even_line = calloc((size_t)p->r, sizeof(double));
    for (int id = 0; id < SG_MINV_COUNT; id++) {
        sg_vresult_init(&a->res[id], "fraction of the allowance left");
        snprintf(a->res[id].reason, sizeof a->res[id].reason,
                 "within its heuristic round-off allowance at every check (multi_audit.h)");
    }
    if (freeze_v)
        sg_vresult_na(&a->res[SG_MINV_IMBAL], "--freeze-v: V is not trained, the identity "
                                              "is that of a full GD step");
    if (p->loss != SG_LOSS_POPULATION) {
        sg_vresult_na(&a->res[SG_MINV_ODDPART], "the bound holds for the population loss "
                                                "(x ~ N(0, I)), not for a finite sample");
        sg_vresult_na(&a->res[SG_MINV_EVENPART], "the bound holds for the population loss "
                                                 "(x ~ N(0, I)), not for a finite sample");
    }
    if (!a->b || !a->gw2 || !a->gv2 || !a->G || !a->even_line) {
        sg_multi_audit_free(a);
        return -1;
    }
    return 0;
}

void sg_multi_audit_free(sg_multi_audit *a)
{
    sg_pairing_free(&a->pairing);
    free(a->b);
    free(a->gw2);
    free(a->gv2);
    free(a->G);
    free(a->even_line);
    a->b = a->gw2 = a->gv2 = a->G = a->even_line = NULL;
}

/* sg_vresult_margin, and the verdict at the first violation */
static void record(sg_vresult *r, long t, double m, const char *what)
{
    sg_vresult_margin(r, t, m);
    if (r->verdict == SG_HELD && r->first_violation >= 0) {
        r->verdict = SG_VIOLATED;
        snprintf(r->reason, sizeof r->reason, "%s beyond its allowance at step %ld", what,
                 r->first_violation);
    }
}

/* |V_j|^2 and V_j . G_j for column j of the r x k blocks V and G */
static void col_sums(int r, int k, int j, const double *V, const double *G, double *vv,
                     double *vg, double *gg)
{
    double s = 0.0, t = 0.0, u = 0.0;
    for (int o = 0; o < r; o++) {
        double v = V[(long)o * k + j], g = G[(long)o * k + j];
        s += v * v;
        t += v * g;
        u += g * g;
    }
    *vv = s;
    *vg = t;
    *gg = u;
}

void sg_multi_audit_observe(sg_multi_audit *a, long t, const double *theta, const double *grad,
                            double loss)
{
    const sg_mproblem *p = a->p;
    int d = p->d, k = p->k, r = p->r;
    const double *V = theta + (long)k * d, *gV = grad + (long)k * d;
    double Ls = loss > 0.0 ? loss : 0.0;
    if (t == 0 && !a->have_prev)
        a->loss0 = Ls;
    double worst = INFINITY;
    for (int j = 0; j < k; j++) {
        const double *w = theta + (long)j * d, *g = grad + (long)j * d;
        double ww = sg_dot(d, w, w), wg = sg_dot(d, w, g), gg = sg_dot(d, g, g);
        double vv, vg, hh;
        col_sums(r, k, j, V, gV, &vv, &vg, &hh);
        double allow = 1e-9 * (sqrt(ww * gg) + sqrt(vv * hh)) +
                       1e-12 * (ww + vv) * (sqrt(2.0 * Ls) + a->a_norm);
        double m = allow > 0.0 ? 1.0 - fabs(wg - vg) / allow : (wg == vg ? 1.0 : -1.0);
        worst = m < worst ? m : worst;
        a->b[j] = ww - vv;
        a->gw2[j] = gg;
        a->gv2[j] = hh;
    }
    record(&a->res[SG_MINV_HOMOG], t, k > 0 ? worst : 1.0, "|w_j.g_wj - V_j.g_Vj|");
    if (a->have_prev) {
        double allow = 1e-14 * a->loss0;
        double m = allow > 0.0 ? 1.0 - (Ls - a->prev_loss) / allow : (Ls <= a->prev_loss ? 1.0 : -1.0);
        record(&a->res[SG_MINV_DESCENT], t, m > 1.0 ? 1.0 : m, "L(t) - L(t-1)");
    }
    if (p->loss == SG_LOSS_POPULATION) {
        double bound = 2.0 * sqrt(2.0 * Ls) + 4.0 * 0x1p-26 * a->a_norm;
        record(&a->res[SG_MINV_ODDPART], t, 1.0 - sg_multi_vw_residual(d, k, r, p->A, theta) / bound,
               "|V W - 2A|_F - 2 sqrt(2L)");
        double S = 0.0; /* (1/2) sum_j |V_j||w_j|: the even part's scale */
        for (int j = 0; j < k; j++) {
            const double *w = theta + (long)j * d;
            double vv, u1, u2;
            col_sums(r, k, j, V, V, &vv, &u1, &u2);
            S += 0.5 * sqrt(vv * sg_dot(d, w, w));
        }
        double e = sg_multi_even_norm(d, k, r, theta, a->G, a->even_line);
        double eb = sqrt(2.0 * Ls) + 4.0 * 0x1p-26 * (a->a_norm + S);
        record(&a->res[SG_MINV_EVENPART], t, 1.0 - e / eb,
               "sqrt(sum_o |even part of line o|^2) - sqrt(2L)");
    }
    a->prev_loss = Ls;
    a->have_prev = 1;
}

void sg_multi_audit_step(sg_multi_audit *a, long t, const double *theta_next)
{
    if (a->freeze_v)
        return;
    const sg_mproblem *p = a->p;
    int d = p->d, k = p->k, r = p->r;
    const double *V = theta_next + (long)k * d;
    double mu2 = a->mu * a->mu, worst = INFINITY;
    for (int j = 0; j < k; j++) {
        const double *w = theta_next + (long)j * d;
        double ww = sg_dot(d, w, w), vv, unused1, unused2;
        col_sums(r, k, j, V, V, &vv, &unused1, &unused2);
        double db = (ww - vv) - a->b[j], pred = mu2 * (a->gw2[j] - a->gv2[j]);
        double allow = 1e-12 * (ww + vv) + 1e-9 * mu2 * (a->gw2[j] + a->gv2[j]);
        double m = allow > 0.0 ? 1.0 - fabs(db - pred) / allow : (db == pred ? 1.0 : -1.0);
        worst = m < worst ? m : worst;
    }
    record(&a->res[SG_MINV_IMBAL], t, k > 0 ? worst : 1.0,
           "|b_j(t+1) - b_j(t) - mu^2 (|g_wj|^2 - |g_Vj|^2)|");
}

void sg_multi_audit_pairing(sg_multi_audit *a, const double *theta)
{
    if (a->pairing_state != 0)
        return;
    const sg_mproblem *p = a->p;
    sg_vresult *res = &a->pairing_res;
    char why[160];
    sg_vresult_init(res, "tolerance minus the worst relative pair residual");
    if (!theta || sg_pairing_compute(p->k, p->r, p->d, theta, theta + (long)p->k * p->d,
                                     &a->pairing, why, sizeof why) != 0) {
        sg_vresult_na(res, theta ? why : "no state observed");
        a->pairing_state = -1;
        return;
    }
    a->pairing_state = 1;
    const sg_pairing *q = &a->pairing;
    sg_vresult_margin(res, a->step_last, a->pairing_tol - q->worst_rel);
    res->checked = 1;
    const sg_pair *w = &q->pairs[q->worst_pair];
    if (sg_pairing_held(q, a->pairing_tol)) {
        res->verdict = SG_HELD;
        snprintf(res->reason, sizeof res->reason,
                 "%d pairs of opposite units, worst relative residual %.3g <= %.3g (units %d, %d); "
                 "%d of %d outputs represented", q->npairs, q->worst_rel, a->pairing_tol,
                 w->a + 1, w->b + 1, q->outputs_covered, q->r);
    } else {
        res->verdict = SG_VIOLATED;
        snprintf(res->reason, sizeof res->reason,
                 "units %d, %d are the worst pair: relative residual %.3g > %.3g (%d pairs, %s)",
                 w->a + 1, w->b + 1, q->worst_rel, a->pairing_tol, q->npairs,
                 q->exact ? "the minimum matching" : "a local minimum matching");
    }
}

void sg_multi_audit_bound(sg_multi_audit *a)
{
    sg_vresult *res = &a->bound_res;
    sg_vresult_init(res, "1 - max |double - exact| / bound over the components");
    if (!a->msh) {
        sg_vresult_na(res, a->bound_na[0] ? a->bound_na : "no MPFR step audit");
        return;
    }
    const sg_mshadow *s = &a->msh->s;
    res->checked = s->steps;
    if (s->steps > 0)
        res->worst_margin = 1.0 - s->max_ratio;
    if (s->violations == 0) {
        res->verdict = SG_HELD;
        snprintf(res->reason, sizeof res->reason,
                 "%ld components in %ld audited steps (MPFR %ld bits): 0 outside their "
                 "round-off bound (roundoff.md %s); max error/bound %.3g at step %ld",
                 s->checked, s->steps, (long)s->prec, s->pop ? "M10, P0-P6" : "M1-M9",
                 s->max_ratio,
                 s->steps ? s->max_ratio_step : -1L);
    } else {
        res->verdict = SG_VIOLATED;
        res->first_violation = s->have_first ? s->first_step : -1;
        snprintf(res->reason, sizeof res->reason,
                 "%ld of %ld components outside their round-off bound (first: step %ld "
                 "%s[%ld], error %.3e > bound %.3e)%s", s->violations, s->checked,
                 s->first_step, sg_ms_class_name(s->first_class), s->first_index, s->first_err,
                 s->first_bound, a->msh->mismatch ? "; the run's update is not the audited one" : "");
    }
}

/* ---- the observer ---- */

static int obs_observe(void *self, sg_run_ctx *ctx)
{
    sg_multi_audit *a = self;
    a->theta_last = ctx->theta;
    a->step_last = ctx->step;
    sg_multi_audit_observe(a, ctx->step, ctx->theta, a->ws->grad, a->ws->loss);
    return 0;
}

static int obs_after_update(void *self, sg_run_ctx *ctx, const double *prev)
{
    (void)prev;
    sg_multi_audit_step(self, ctx->step - 1, ctx->theta);
    return 0;
}

static void obs_summary(void *self, sg_json *j)
{
    sg_multi_audit *a = self;
    sg_json_open(j, "invariants");
    for (int id = 0; id < SG_MINV_COUNT; id++) {
        sg_json_open(j, names[id]);
        sg_vresult_json(j, &a->res[id], "double");
        sg_json_str(j, "tolerance", "heuristic round-off allowance (audit/relu/multi_audit.h)");
        sg_json_close(j);
    }
    sg_multi_audit_bound(a);
    sg_json_open(j, "BOUND");
    sg_vresult_json(j, &a->bound_res, "double");
    sg_json_str(j, "tolerance", "rigorous componentwise round-off bound (specs/roundoff.md M1-M9)");
    sg_json_close(j);
    sg_multi_audit_flips(a);
    sg_json_open(j, "FLIPS");
    sg_vresult_json(j, &a->flips_res, "double");
    sg_json_close(j);
    sg_multi_audit_diverge(a);
    sg_json_open(j, "DIVERGE");
    sg_vresult_json(j, &a->diverge_res, "double");
    sg_json_num(j, "tolerance", a->diverge_max);
    sg_json_close(j);
    sg_multi_audit_pairing(a, a->theta_last);
    sg_json_open(j, "PAIRING");
    sg_vresult_json(j, &a->pairing_res, "double");
    sg_json_num(j, "tolerance", a->pairing_tol);
    sg_json_close(j);
    sg_json_close(j);
    if (a->pairing_state == 1)
        sg_pairing_json(j, &a->pairing, a->pairing_tol);
    if (a->p->loss == SG_LOSS_POPULATION && a->theta_last) {
        const sg_mproblem *p = a->p;
        sg_json_open(j, "even_part");
        sg_json_num(j, "norm", sg_multi_even_norm(p->d, p->k, p->r, a->theta_last, a->G,
                                                  a->even_line));
        sg_json_open_array(j, "per_line");
        for (int o = 0; o < p->r; o++)
            sg_json_num(j, NULL, a->even_line[o]);
        sg_json_close_array(j);
        sg_json_close(j);
    }
}

static void obs_report(void *self, FILE *fp)
{
    sg_multi_audit *a = self;
    sg_multi_audit_pairing(a, a->theta_last);
    if (a->pairing_state == 1)
        sg_pairing_print(&a->pairing, a->pairing_tol, fp);
    sg_vtable_header(fp);
    int artefacts = 0;
    for (int id = 0; id < SG_MINV_COUNT; id++)
        artefacts += sg_vtable_row_double_only(fp, names[id], &a->res[id]);
    sg_multi_audit_bound(a);
    artefacts += sg_vtable_row_double_only(fp, "BOUND", &a->bound_res);
    sg_multi_audit_flips(a);
    artefacts += sg_vtable_row_double_only(fp, "FLIPS", &a->flips_res);
    sg_multi_audit_diverge(a);
    artefacts += sg_vtable_row_double_only(fp, "DIVERGE", &a->diverge_res);
    artefacts += sg_vtable_row_double_only(fp, "PAIRING", &a->pairing_res);
    sg_vtable_footnote(fp, artefacts);
}

/* checkpoint: the results and L(t) (the per-unit sums are recomputed at
   the next observe, before they are used) */
#define SG_MAUDIT_REC (4 * 8 + 320)

static int obs_save(void *self, FILE *fp)
{
    sg_multi_audit *a = self;
    sg_bw w = {fp, 0};
    sg_bw_f64(&w, a->prev_loss);
    sg_bw_f64(&w, a->loss0);
    sg_bw_f64(&w, (double)a->have_prev);
    for (int id = 0; id < SG_MINV_COUNT; id++) {
        const sg_vresult *r = &a->res[id];
        sg_bw_f64(&w, (double)r->verdict);
        sg_bw_f64(&w, (double)r->first_violation);
        sg_bw_f64(&w, r->worst_margin);
        sg_bw_f64(&w, (double)r->checked);
        sg_bw_bytes(&w, r->reason, sizeof r->reason);
    }
    return w.bad ? -1 : 0;
}

static int obs_load(void *self, FILE *fp, size_t len)
{
    sg_multi_audit *a = self;
    if (len != 3 * 8 + SG_MINV_COUNT * SG_MAUDIT_REC)
        return -1;
    sg_br b = {fp, len, 0};
    a->prev_loss = sg_br_f64(&b);
    a->loss0 = sg_br_f64(&b);
    a->have_prev = sg_br_f64(&b) != 0.0;
    for (int id = 0; id < SG_MINV_COUNT; id++) {
        sg_vresult *r = &a->res[id];
        double x[4];
        for (int q = 0; q < 4; q++)
            x[q] = sg_br_f64(&b);
        if (!(x[0] >= 0 && x[0] <= SG_NOT_APPLICABLE) || !(x[1] >= -1) || !(x[3] >= 0))
            return -1;
        r->verdict = (sg_verdict)(int)x[0];
        r->first_violation = (long)x[1];
        r->worst_margin = x[2];
        r->checked = (long)x[3];
        sg_br_bytes(&b, r->reason, sizeof r->reason);
        r->reason[sizeof r->reason - 1] = '\0';
    }
    return b.bad ? -1 : 0;
}

/* units.png, after summary.json is committed (a figure that cannot be
   drawn fails the run with one line, like every figure) */
static int obs_after_run(void *self, sg_run_ctx *ctx)
{
    sg_multi_audit *a = self;
    sg_multi_audit_pairing(a, ctx->theta);
    if (a->pairing_state != 1)
        return 0;
    char setting[160], msg[400];
    snprintf(setting, sizeof setting, "r=%d k=%d d=%d, %s loss, step %ld", a->p->r, a->p->k,
             a->p->d, a->p->loss == SG_LOSS_POPULATION ? "population" : "empirical", ctx->step);
    int rc = sg_pairing_figure(ctx->cfg.out_dir, ctx->cfg.plots, &a->pairing, a->p->d,
                               ctx->theta, ctx->theta + (long)a->p->k * a->p->d, a->p->A, setting, msg,
                               sizeof msg);
    if (rc < 0) {
        fprintf(stderr, "shadowgd: cannot write %s/units.gp\n", ctx->cfg.out_dir);
        ctx->outputs_failed = 1;
        return 0;
    }
    if (rc > 0)
        ctx->outputs_failed = 1;
    if (!ctx->cfg.quiet)
        printf("%s\n", msg);
    return 0;
}

static void obs_destroy(void *self)
{
    sg_multi_audit_free(self);
    free(self);
}

int sg_multi_audit_attach(sg_run_ctx *ctx, const sg_mproblem *p, const sg_mworkspace *ws,
                          int freeze_v, double pairing_tol, double diverge_max)
{
    sg_multi_audit *a = malloc(sizeof *a);
    if (!a || sg_multi_audit_init(a, p, ws, ctx->cfg.mu, freeze_v) != 0) {
        free(a);
        fprintf(stderr, "shadowgd: out of memory for the multi-output audit\n");
        return -1;
    }
    a->pairing_tol = pairing_tol;
    a->msh = sg_mshadow_of(ctx);
    a->traj = sg_mtraj_of(ctx);
    a->diverge_max = diverge_max;
    if (ctx->cfg.audit_every == 0)
        snprintf(a->bound_na, sizeof a->bound_na, "--audit-every 0: no step audited");
    sg_observer o = {0};
    o.name = "multi_audit";
    o.after_run = obs_after_run;
    o.self = a;
    o.observe = obs_observe;
    o.after_update = obs_after_update;
    o.summary = obs_summary;
    o.report = obs_report;
    o.save = obs_save;
    o.load = obs_load;
    o.destroy = obs_destroy;
    if (sg_run_add_observer(ctx, &o) != 0) {
        obs_destroy(a);
        return -1;
    }
    return 0;
}
