/* audit.c -- the invariant audit observer of a run (see audit.h). */
#include "audit/relu/audit.h"
#include "io/binio.h"
#include "io/json.h"
#include "audit/relu/plots.h"
#include "audit/relu/stuck.h"
#include "audit/relu/final_state.h"
#include "audit/relu/tolerance.h"
#include "audit/relu/tol_abs.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct sg_audit {
    sg_run_ctx *ctx;
    sg_audit_setup set;            /* what the run's model passed in      */
    sg_inv_problem prob;
    sg_inv_checker *dbl, *mp;
    double *homog_tol, *imbal_tol; /* k each */
    double loss_tol;
    sg_tol_abs *tabs;              /* |X| for the tolerances (empirical; NULL: scalar path) */
    int same_sign;
    int progress;                  /* stderr is a terminal and not --quiet */
    double t0, last_print;
    int printed;
    char figures[512];             /* one line about the figures          */
    char stuck[400];
    int stuck_found;
    int *pred, *final_sign;        /* k each: predicted and final output signs */
    double rho0;                   /* smallness of theta_0 (stuck.h)          */
    int predicted_stuck;
    int marked;                    /* the checkers know the run is stuck      */
    void *ext;
    void (*free_ext)(void *);
    void (*finish_ext)(void *, sg_audit *);
    int (*restore_ext)(sg_run_ctx *, sg_audit *);
    int finished;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void progress(sg_audit *a, sg_run_ctx *ctx)
{
    if (!a->progress)
        return;
    double t = now_s(), el = t - a->t0;
    long done = ctx->step, total = ctx->cfg.steps;
    if (el < 1.0 || t - a->last_print < 0.25 || done == 0)
        return;
    double left = el * (double)(total - done) / (double)done;
    if (!a->printed && el + left < 2.0)
        return;
    a->last_print = t;
    a->printed = 1;
    fprintf(stderr, "\rstep %ld/%ld  loss %.3e  phase %d  %.0f s left   ", done, total,
            ctx->loss, sg_inv_phase_now(a->dbl), left);
    fflush(stderr);
}

static void progress_clear(sg_audit *a)
{
    if (a->printed) {
        fprintf(stderr, "\r%72s\r", "");
        fflush(stderr);
        a->printed = 0;
    }
}

static int obs_observe(void *self, sg_run_ctx *ctx)
{
    sg_audit *a = self;
    sg_tol_state_abs(a->tabs, a->set.prob, ctx->theta, a->set.ws, DBL_EPSILON / 2.0,
                     a->homog_tol, &a->loss_tol);
    sg_inv_state_rec s = {ctx->step, ctx->theta, ctx->grad, ctx->loss, a->loss_tol,
                          NULL, a->homog_tol};
    sg_inv_state(a->dbl, &s);
    progress(a, ctx);
    return 0;
}

static int obs_after_update(void *self, sg_run_ctx *ctx, const double *prev)
{
    sg_audit *a = self;
    int d = a->prob.d, k = a->prob.k;
    sg_tol_step(d, k, ctx->cfg.mu, ctx->grad, ctx->theta, a->homog_tol, a->imbal_tol);
    sg_inv_step_rec s = {ctx->step - 1, prev, ctx->grad, ctx->theta, NULL, a->imbal_tol, NULL};
    sg_inv_step(a->dbl, &s);
    return 0;
}

static void put_num(FILE *fp, double x)
{
    if (isfinite(x))
        fprintf(fp, ",%.6g", x);
    else
        fputc(',', fp);
}

static void obs_csv_header(void *self, FILE *fp)
{
    (void)self;
    fputs(",phase,dist2_opt,homog_ratio,imbal_ratio", fp);
}

/* row t: phase and dist^2 at theta_t, HOMOG ratio at theta_t, IMBAL ratio of
   the step t-1 -> t (empty in row 0) */
static void obs_csv_row(void *self, FILE *fp)
{
    sg_audit *a = self;
    fprintf(fp, ",%d", sg_inv_phase_now(a->dbl));
    fprintf(fp, ",%.17g", sg_inv_dist2_now(a->dbl));
    put_num(fp, sg_inv_homog_ratio_now(a->dbl));
    put_num(fp, a->ctx->step > 0 ? sg_inv_imbal_ratio_now(a->dbl) : NAN);
}

static void finish_all(sg_audit *a)
{
    sg_inv_finish(a->dbl);
    if (a->mp)
        sg_inv_finish(a->mp);
    if (!a->finished && a->ext && a->finish_ext)
        a->finish_ext(a->ext, a);
    a->finished = 1;
    sg_run_ctx *ctx = a->ctx;
    if (!a->stuck_found && ctx->status != SG_STATUS_DIVERGED)
        a->stuck_found = sg_inv_stuck(a->dbl, ctx->theta, ctx->loss, a->stuck, sizeof a->stuck);
    if (a->stuck_found && !a->marked) {
        a->marked = 1;
        sg_inv_mark_stuck(a->dbl);
        if (a->mp)
            sg_inv_mark_stuck(a->mp);
    }
    sg_stuck_final_signs(a->prob.d, a->prob.k, a->prob.a, ctx->theta, a->final_sign);
}

static void json_signs(sg_json *j, const char *key, int k, const int *s)
{
    sg_json_open_array(j, key);
    for (int q = 0; q < k; q++)
        sg_json_int(j, NULL, s[q]);
    sg_json_close_array(j);
}

static void fmt_signs(char *buf, size_t len, int k, const int *s)
{
    size_t n = 0;
    buf[0] = 0;
    for (int q = 0; q < k && n + 2 < len; q++)
        n += (size_t)snprintf(buf + n, len - n, "%c", s[q] > 0 ? '+' : s[q] < 0 ? '-' : '0');
}

static void obs_summary(void *self, sg_json *j)
{
    sg_audit *a = self;
    finish_all(a);
    sg_inv_json(j, a->dbl, a->mp);
    sg_inv_json_phases(j, a->dbl, a->mp);
    sg_json_open(j, "stationary_point");
    sg_json_bool(j, "same_sign_warning", a->same_sign);
    sg_json_bool(j, "identified", a->stuck_found);
    {
        char eb[400];
        sg_end_kind e = a->ctx->nrows > 0
                            ? sg_end_state(a->prob.d, a->prob.k, a->prob.a, a->ctx->theta,
                                           a->ctx->loss, eb, sizeof eb)
                            : SG_END_NEITHER;
        sg_json_str(j, "end_state", sg_end_name(e));
    }
    if (a->stuck_found)
        sg_json_str(j, "description", a->stuck);
    else
        sg_json_null(j, "description");
    sg_json_close(j);
    int k = a->prob.k;
    if (a->ctx->nrows > 0)
        sg_final_structure_json(j, a->prob.d, k, a->prob.a, a->ctx->theta, a->set.th->line_deg);
    else
        sg_json_null(j, "final_structure");
    sg_json_open(j, "stuck_prediction");
    json_signs(j, "predicted_signs", k, a->pred);
    json_signs(j, "final_signs", k, a->final_sign);
    sg_json_bool(j, "predicted_stuck", a->predicted_stuck);
    sg_json_bool(j, "stuck", a->stuck_found);
    sg_json_num(j, "init_smallness", a->rho0);
    sg_json_bool(j, "small_init", a->rho0 <= SG_STUCK_SMALL_INIT);
    sg_json_str(j, "definition",
                "predicted_signs: sign(v_j(0) + a.w_j(0)/|a|) (the growing mode of the "
                "linearised small-init dynamics); final_signs: sign v_j at the end, 0 for a dead "
                "neuron (|v_j||w_j| <= 1e-3 |a|); predicted_stuck: every predicted sign equal; "
                "stuck: every active v_j shares one sign and |L - |a|^2/4| <= 0.05 |a|^2; "
                "init_smallness: sum_j (v_j(0)^2 + |w_j(0)|^2)/(2|a|), the prediction is warned "
                "from only when it is <= 0.01");
    sg_json_close(j);
}

static void obs_report(void *self, FILE *fp)
{
    sg_audit *a = self;
    finish_all(a);
    progress_clear(a);
    if (a->stuck_found)
        fprintf(fp, "stationary point: %s\n", a->stuck);
    if (a->ctx->nrows > 0) {
        char eb[400];
        sg_end_kind e = sg_end_state(a->prob.d, a->prob.k, a->prob.a, a->ctx->theta,
                                     a->ctx->loss, eb, sizeof eb);
        fprintf(fp, "end state: %s\n", sg_end_name(e));
    }
    {
        char ps[80], fs[80];
        fmt_signs(ps, sizeof ps, a->prob.k, a->pred);
        fmt_signs(fs, sizeof fs, a->prob.k, a->final_sign);
        fprintf(fp, "stuck prediction: signs sign(v_j(0) + ahat.w_j(0)) %s%s, final %s; "
                    "predicted %s, observed %s (init %s: %.3g %s 0.01)\n",
                ps, a->prob.k > 32 ? "..." : "", fs, a->predicted_stuck ? "stuck" : "not stuck",
                a->stuck_found ? "stuck" : "not stuck",
                a->rho0 <= SG_STUCK_SMALL_INIT ? "small" : "not small", a->rho0,
                a->rho0 <= SG_STUCK_SMALL_INIT ? "<=" : ">");
    }
    if (a->ctx->nrows > 0)
        sg_final_structure_report(fp, a->prob.d, a->prob.k, a->prob.a, a->ctx->theta,
                                  a->set.th->line_deg);
    if (a->figures[0])
        fprintf(fp, "%s\n", a->figures);
    fputc('\n', fp);
    sg_inv_table(fp, a->dbl, a->mp);
    sg_run_ctx *ctx = a->ctx;
    if (ctx->status != SG_STATUS_DIVERGED) {
        int d = a->prob.d, k = a->prob.k;
        const double *av = a->prob.a;
        if (sg_inv_classify(k, a->prob.sign0) == SG_CLASS_PAIR)
            fprintf(fp, "final (double): loss %.3e, |diag(v)W - W*|_F = %.3e\n", ctx->loss,
                    sqrt(sg_opt_dist2_pair(d, k, av, ctx->theta)));
        else
            fprintf(fp, "final (double): loss %.3e, |sum_j v_j w_j - 2a| = %.3e, worst line "
                        "sum %.3e |a|\n",
                    ctx->loss, sg_opt_sum_dist(d, k, av, ctx->theta),
                    sg_opt_line_residual(d, k, av, ctx->theta, a->set.th->line_deg, NULL));
    }
}

/* ---- checkpoints ---- */

#define AUDIT_MAGIC "SGAUDIT\n"
#define AUDIT_VERSION 1u
enum { AUDIT_HAS_MPFR = 1, AUDIT_HAS_FEED = 2 };

/* u64 length, then the checker's section */
static void save_checker(sg_bw *w, const sg_inv_checker *c)
{
    char *mem = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&mem, &n);
    int rc = m ? sg_inv_save(c, m) : -1;
    if (m && fclose(m) != 0)
        rc = -1;
    if (rc == 0) {
        sg_bw_u64(w, (uint64_t)n);
        sg_bw_bytes(w, mem, n);
    } else {
        w->bad = 1;
    }
    free(mem);
}

/* a new checker like c (name, problem, thresholds) loaded from the next
   length-prefixed section; NULL (r->bad set) if that fails */
static sg_inv_checker *load_checker(sg_audit *a, sg_br *r, const char *name)
{
    uint64_t n = sg_br_u64(r);
    sg_inv_checker *c = NULL;
    if (!r->bad && n <= r->left)
        c = sg_inv_new(name, &a->prob, a->set.th);
    if (c && sg_inv_load(c, r->fp, (size_t)n) == 0) {
        r->left -= (size_t)n;
        return c;
    }
    sg_inv_free(c);
    r->bad = 1;
    return NULL;
}

int sg_audit_save(sg_audit *a, FILE *fp)
{
    if (a->finished)
        return -1;
    sg_bw w = {fp, 0};
    sg_bw_bytes(&w, AUDIT_MAGIC, 8);
    sg_bw_u32(&w, AUDIT_VERSION);
    sg_bw_u32(&w, (a->mp ? AUDIT_HAS_MPFR : 0) | (a->ext ? AUDIT_HAS_FEED : 0));
    sg_bw_u32(&w, (uint32_t)a->prob.d);
    sg_bw_u32(&w, (uint32_t)a->prob.k);
    sg_bw_u64(&w, (uint64_t)a->prob.steps);
    save_checker(&w, a->dbl);
    if (a->mp)
        save_checker(&w, a->mp);
    return w.bad ? -1 : 0;
}

int sg_audit_load(sg_audit *a, FILE *fp, size_t len)
{
    sg_br r = {fp, len, 0};
    char magic[8];
    sg_br_bytes(&r, magic, 8);
    uint32_t version = sg_br_u32(&r), flags = sg_br_u32(&r);
    uint32_t d = sg_br_u32(&r), k = sg_br_u32(&r);
    uint64_t steps = sg_br_u64(&r);
    if (r.bad || a->finished || memcmp(magic, AUDIT_MAGIC, 8) != 0 ||
        version != AUDIT_VERSION || (flags & ~(uint32_t)(AUDIT_HAS_MPFR | AUDIT_HAS_FEED)) ||
        ((flags & AUDIT_HAS_FEED) && !(flags & AUDIT_HAS_MPFR)) ||
        d != (uint32_t)a->prob.d || k != (uint32_t)a->prob.k ||
        steps != (uint64_t)a->prob.steps)
        return -1;
    sg_inv_checker *dbl = load_checker(a, &r, sg_inv_trajectory(a->dbl)), *mp = NULL;
    if (dbl && (flags & AUDIT_HAS_MPFR))
        mp = load_checker(a, &r, "mpfr");
    if (r.bad || r.left != 0) {
        sg_inv_free(dbl);
        sg_inv_free(mp);
        return -1;
    }
    sg_inv_free(a->dbl);
    sg_inv_free(a->mp);
    a->dbl = dbl;
    a->mp = mp;
    if (!(flags & AUDIT_HAS_FEED)) {
        if (a->ext)
            sg_audit_set_ext(a, NULL, NULL, NULL);
        return 0;
    }
    if (!a->ext && (!a->restore_ext || a->restore_ext(a->ctx, a) != 0))
        return -1;
    return 0;
}

static int obs_save(void *self, FILE *fp)
{
    return sg_audit_save(self, fp);
}

static int obs_load(void *self, FILE *fp, size_t len)
{
    return sg_audit_load(self, fp, len);
}

static int obs_after_run(void *self, sg_run_ctx *ctx)
{
    return sg_audit_after_run(self, ctx);
}

/* the observer owns the audit: sg_run_free calls this */
static void obs_destroy(void *self)
{
    sg_audit_free(self);
}

sg_audit *sg_audit_attach(sg_run_ctx *ctx, const sg_audit_setup *set)
{
    const sg_config *c = &ctx->cfg;
    sg_audit *a = calloc(1, sizeof *a);
    if (!a) {
        fprintf(stderr, "shadowgd: out of memory for the invariant audit\n");
        return NULL;
    }
    a->ctx = ctx;
    a->set = *set;
    int k = set->prob->k;
    a->prob.d = set->prob->d;
    a->prob.k = k;
    a->prob.mu = c->mu;
    a->prob.sigma = set->sigma;
    a->prob.a = set->prob->a;
    a->prob.sign0 = set->sign0;
    a->prob.steps = c->steps;
    a->prob.n = set->prob->loss == SG_LOSS_EMPIRICAL ? set->prob->n : 0;
    a->prob.freeze_v = set->freeze_v;
    a->dbl = sg_inv_new("double", &a->prob, set->th);
    a->homog_tol = calloc((size_t)k, sizeof(double));
    a->imbal_tol = calloc((size_t)k, sizeof(double));
    if (!a->dbl || !a->homog_tol || !a->imbal_tol) {
        fprintf(stderr, "shadowgd: out of memory for the invariant audit\n");
        sg_audit_free(a);
        return NULL;
    }
    /* the copy of |X| behind the tolerances' fast path (tol_abs.h); without
       it they take the scalar loop, same bits */
    if (set->prob->loss == SG_LOSS_EMPIRICAL)
        a->tabs = sg_tol_abs_new(set->prob->n, set->prob->d, k, set->prob->X);
    a->same_sign = sg_inv_classify(k, set->sign0) == SG_CLASS_SAME_SIGN;
    a->pred = calloc((size_t)k, sizeof(int));
    a->final_sign = calloc((size_t)k, sizeof(int));
    if (!a->pred || !a->final_sign) {
        fprintf(stderr, "shadowgd: out of memory for the invariant audit\n");
        sg_audit_free(a);
        return NULL;
    }
    a->rho0 = sg_stuck_predict(a->prob.d, k, a->prob.a, ctx->theta0, a->pred);
    a->predicted_stuck = sg_stuck_predicted(k, a->pred);
    /* warn from the prediction only where the linearisation holds (stuck.h) */
    if (a->predicted_stuck && a->rho0 <= SG_STUCK_SMALL_INIT && !c->quiet)
        fprintf(stderr,
                "shadowgd: warning: every predicted output sign sign(v_j(0) + ahat.w_j(0)) is "
                "%s (small initialisation, sum_j (v_j^2+|w_j|^2)/(2|a|) = %.3g <= %g): GD is "
                "expected to stall at the one-sign saddle (loss ~ |a|^2/4)\n",
                a->pred[0] > 0 ? "positive" : "negative", a->rho0, SG_STUCK_SMALL_INIT);
    a->progress = !c->quiet && isatty(STDERR_FILENO);
    a->t0 = now_s();
    sg_observer o = {.name = SG_AUDIT_NAME, .self = a, .observe = obs_observe,
                     .after_update = obs_after_update, .csv_header = obs_csv_header,
                     .csv_row = obs_csv_row, .summary = obs_summary, .report = obs_report};
    o.save = obs_save;
    o.load = obs_load;
    o.destroy = obs_destroy;
    o.after_run = obs_after_run;
    if (sg_run_add_observer(ctx, &o) != 0) {
        fprintf(stderr, "shadowgd: too many observers\n");
        sg_audit_free(a);
        return NULL;
    }
    return a;
}

sg_inv_checker *sg_audit_mpfr(sg_audit *a)
{
    if (!a->mp)
        a->mp = sg_inv_new("mpfr", &a->prob, a->set.th);
    return a->mp;
}

sg_inv_checker *sg_audit_double(sg_audit *a)
{
    return a->dbl;
}

const sg_inv_thresholds *sg_audit_thresholds(sg_audit *a)
{
    return a->set.th;
}

sg_audit *sg_audit_of(sg_run_ctx *ctx)
{
    return sg_run_observer(ctx, SG_AUDIT_NAME);
}

const sg_problem *sg_audit_problem(const sg_audit *a)
{
    return a->set.prob;
}

struct sg_tol_abs *sg_audit_tol_abs(sg_audit *a)
{
    return a->tabs;
}

void *sg_audit_ext(sg_audit *a)
{
    return a->ext;
}

void sg_audit_set_ext(sg_audit *a, void *ext, void (*free_ext)(void *),
                      void (*finish_ext)(void *ext, sg_audit *a))
{
    if (a->ext && a->free_ext)
        a->free_ext(a->ext);
    a->ext = ext;
    a->free_ext = free_ext;
    a->finish_ext = finish_ext;
}

void sg_audit_set_ext_restore(sg_audit *a, int (*restore)(sg_run_ctx *ctx, sg_audit *a))
{
    a->restore_ext = restore;
}

int sg_audit_after_run(sg_audit *a, sg_run_ctx *ctx)
{
    finish_all(a);
    progress_clear(a);
    /* the last logged state's structure, per neuron (final_state.h) */
    if (ctx->nrows > 0 && sg_final_state_write(a->set.plot.dir, a->prob.d, a->prob.k,
                                               a->prob.a, ctx->theta, a->set.th->line_deg) != 0)
        return -1;
    if (ctx->status == SG_STATUS_DIVERGED) {
        snprintf(a->figures, sizeof a->figures, "figures: none (the run diverged)");
        return 0;
    }
    a->set.plot.stuck = a->stuck_found;
    int rc = sg_plots_write(&a->set.plot, sg_inv_get_phases(a->dbl), a->figures,
                            sizeof a->figures);
    if (rc > 0) { /* a figure failed: the table still prints, the exit status is 1 */
        ctx->outputs_failed = 1;
        return 0;
    }
    return rc;
}

void sg_audit_free(sg_audit *a)
{
    if (!a)
        return;
    if (a->ext && a->free_ext)
        a->free_ext(a->ext);
    sg_inv_free(a->dbl);
    sg_inv_free(a->mp);
    free(a->homog_tol);
    free(a->imbal_tol);
    sg_tol_abs_free(a->tabs);
    free(a->pred);
    free(a->final_sign);
    free(a);
}
