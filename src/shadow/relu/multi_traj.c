/* multi_traj.c -- the r > 1 MPFR trajectory and its observer (see
 * multi_traj.h). */
#include "shadow/relu/multi_traj.h"
#include "shadow/relu/multi_shadow.h"
#include "shadow/relu/shadow_audit.h"
#include "io/binio.h"
#include "io/json.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void free_mp(mpfr_t *x, long m)
{
    if (!x)
        return;
    for (long q = 0; q < m; q++)
        mpfr_clear(x[q]);
    free(x);
}

void sg_mtraj_free(sg_mtraj *t)
{
    long nk = (long)t->n * t->k, nr = (long)t->n * t->r;
    free_mp(t->theta, t->len);
    free_mp(t->theta_new, t->len);
    free_mp(t->g, t->len);
    free_mp(t->Z, nk);
    free_mp(t->R, nr);
    free_mp(t->T, nk);
    if (t->prec)
        mpfr_clears(t->loss, t->t0, t->t1, t->acc, t->nrm, t->e, (mpfr_ptr)0);
    if (t->have_sh)
        sg_shadow_free(&t->sh);
    memset(t, 0, sizeof *t);
}

int sg_mtraj_init(sg_mtraj *t, const sg_mproblem *p, const double *theta0, mpfr_prec_t prec,
                  double mu, long upd_len)
{
    memset(t, 0, sizeof *t);
    t->prec = prec;
    t->p = p;
    t->d = p->d;
    t->k = p->k;
    t->r = p->r;
    t->n = p->loss == SG_LOSS_EMPIRICAL ? p->n : 0;
    t->len = sg_mtheta_len(p->d, p->k, p->r);
    t->upd_len = upd_len;
    t->mu = mu;
    t->max_div_step = -1;
    mpfr_inits2(prec, t->loss, t->t0, t->t1, t->acc, t->nrm, t->e, (mpfr_ptr)0);
    long nk = (long)t->n * t->k, nr = (long)t->n * t->r;
    t->theta = sg_mshadow_alloc_mp(t->len, prec);
    t->theta_new = sg_mshadow_alloc_mp(t->len, prec);
    t->g = sg_mshadow_alloc_mp(t->len, prec);
    t->Z = sg_mshadow_alloc_mp(nk, prec);
    t->R = sg_mshadow_alloc_mp(nr, prec);
    t->T = sg_mshadow_alloc_mp(nk, prec);
    int ok = t->theta && t->theta_new && t->g && t->Z && t->R && t->T;
    if (ok && p->loss == SG_LOSS_POPULATION) {
        t->po.loss = SG_LOSS_POPULATION;
        t->po.d = p->d;
        t->po.k = p->k;
        t->po.a = p->A;
        ok = sg_shadow_init(&t->sh, &t->po, prec) == 0;
        t->have_sh = ok;
    }
    if (!ok) {
        sg_mtraj_free(t);
        return -1;
    }
    for (long q = 0; q < t->len; q++)
        mpfr_set_d(t->theta[q], theta0[q], MPFR_RNDN); /* exact */
    return 0;
}

/* the empirical loss and gradient at t->theta (multi.h's order, p bits) */
static void empirical(sg_mtraj *t)
{
    const sg_mproblem *p = t->p;
    int n = t->n, d = t->d, k = t->k, r = t->r;
    long kd = (long)k * d;
    mpfr_t *V = t->theta + kd, *gV = t->g + kd;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            mpfr_ptr z = t->Z[(long)i * k + j];
            mpfr_set_zero(z, 1);
            for (int l = 0; l < d; l++) {
                mpfr_set_d(t->t1, p->X[(long)i * d + l], MPFR_RNDN); /* exact */
                mpfr_fma(z, t->theta[(long)j * d + l], t->t1, z, MPFR_RNDN);
            }
        }
    mpfr_set_zero(t->t0, 1); /* sum of R^2 over the n*r cells, row-major */
    for (int i = 0; i < n; i++)
        for (int o = 0; o < r; o++) {
            mpfr_ptr f = t->R[(long)i * r + o];
            mpfr_set_zero(f, 1);
            for (int j = 0; j < k; j++) {
                mpfr_srcptr z = t->Z[(long)i * k + j];
                if (mpfr_sgn(z) > 0)
                    mpfr_fma(f, z, V[(long)o * k + j], f, MPFR_RNDN);
            }
            mpfr_sub_d(f, f, p->Y[(long)i * r + o], MPFR_RNDN);
            mpfr_fma(t->t0, f, f, t->t0, MPFR_RNDN);
        }
    mpfr_div_ui(t->loss, t->t0, 2UL * (unsigned long)n, MPFR_RNDN);
    sg_mshadow_grad_V(t->Z, t->R, n, k, r, t->t0, gV);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            mpfr_ptr x = t->T[(long)i * k + j];
            mpfr_mul(x, t->R[(long)i * r], V[j], MPFR_RNDN);
            for (int o = 1; o < r; o++)
                mpfr_fma(x, t->R[(long)i * r + o], V[(long)o * k + j], x, MPFR_RNDN);
        }
    for (int j = 0; j < k; j++)
        for (int l = 0; l < d; l++) {
            mpfr_set_zero(t->t0, 1);
            for (int i = 0; i < n; i++) {
                long q = (long)i * k + j;
                if (mpfr_sgn(t->Z[q]) > 0) {
                    mpfr_set_d(t->t1, p->X[(long)i * d + l], MPFR_RNDN);
                    mpfr_fma(t->t0, t->T[q], t->t1, t->t0, MPFR_RNDN);
                }
            }
            mpfr_div_ui(t->g[(long)j * d + l], t->t0, (unsigned long)n, MPFR_RNDN);
        }
}

/* the population loss and gradient at t->theta: the scalar shadow per
   output, summed over the outputs left to right (multi.h, M10) */
static void population(sg_mtraj *t)
{
    int d = t->d, k = t->k, r = t->r;
    long kd = (long)k * d;
    sg_shadow *s = &t->sh;
    for (int o = 0; o < r; o++) {
        for (long q = 0; q < kd; q++)
            mpfr_set(s->theta[q], t->theta[q], MPFR_RNDN);
        for (int j = 0; j < k; j++)
            mpfr_set(s->theta[kd + j], t->theta[kd + (long)o * k + j], MPFR_RNDN);
        t->po.a = t->p->A + (long)o * d;
        sg_shadow_loss_grad(s, &t->po);
        if (o == 0)
            mpfr_set(t->loss, s->loss, MPFR_RNDN);
        else
            mpfr_add(t->loss, t->loss, s->loss, MPFR_RNDN);
        for (long q = 0; q < kd; q++) {
            if (o == 0)
                mpfr_set(t->g[q], s->grad[q], MPFR_RNDN);
            else
                mpfr_add(t->g[q], t->g[q], s->grad[q], MPFR_RNDN);
        }
        for (int j = 0; j < k; j++)
            mpfr_set(t->g[kd + (long)o * k + j], s->grad[kd + j], MPFR_RNDN);
    }
}

void sg_mtraj_step(sg_mtraj *t)
{
    if (t->p->loss == SG_LOSS_POPULATION)
        population(t);
    else
        empirical(t);
    for (long q = 0; q < t->len; q++) {
        if (q < t->upd_len) {
            mpfr_mul_d(t->t0, t->g[q], t->mu, MPFR_RNDN);
            mpfr_sub(t->theta_new[q], t->theta[q], t->t0, MPFR_RNDN);
        } else {
            mpfr_set(t->theta_new[q], t->theta[q], MPFR_RNDN);
        }
    }
}

void sg_mtraj_observe(sg_mtraj *t, long step, const double *theta)
{
    double div = sg_shadow_rel_divergence(t->len, t->theta, theta, t->acc, t->nrm, t->e);
    t->step_div = div;
    t->final_div = div;
    t->steps++;
    if (!(div <= t->max_div) || t->max_div_step < 0) {
        t->max_div = div;
        t->max_div_step = step;
    }
    sg_mtraj_step(t);
    for (long q = 0; q < t->len; q++)
        mpfr_swap(t->theta[q], t->theta_new[q]);
}

/* ---- the observer ---- */

static int obs_observe(void *self, sg_run_ctx *ctx)
{
    sg_mtraj_observe(self, ctx->step, ctx->theta);
    ((sg_mtraj *)self)->row = 1;
    return 0;
}

static void obs_csv_header(void *self, FILE *fp)
{
    (void)self;
    fputs(",divergence", fp);
}

static void obs_csv_row(void *self, FILE *fp)
{
    sg_mtraj *t = self;
    if (t->row)
        fprintf(fp, ",%.6e", t->step_div);
    else
        fputs(",", fp);
    t->row = 0;
}

static void obs_summary(void *self, sg_json *j)
{
    sg_mtraj *t = self;
    sg_json_open(j, "trajectory_shadow");
    sg_json_int(j, "precision_bits", (long long)t->prec);
    sg_json_int(j, "states_compared", t->steps);
    sg_json_num(j, "max_divergence", t->max_div);
    sg_json_int(j, "max_divergence_step", t->max_div_step);
    sg_json_num(j, "final_divergence", t->final_div);
    sg_json_close(j);
}

static void obs_report(void *self, FILE *fp)
{
    sg_mtraj *t = self;
    fprintf(fp, "trajectory shadow (MPFR %ld bits, outputs %d): max divergence %.3e (step %ld), "
                "final %.3e\n", (long)t->prec, t->r, t->max_div, t->max_div_step, t->final_div);
}

/* checkpoint: header, totals, then theta as exact hexadecimal strings
   ("%Ra": every digit of a p-bit number), all through io/binio */
#define MT_STR_CAP (SG_XACC_MAX_PREC / 4 + 64)

static int obs_save(void *self, FILE *fp)
{
    sg_mtraj *t = self;
    sg_bw w = {fp, 0};
    char buf[MT_STR_CAP];
    sg_bw_u64(&w, (uint64_t)t->prec);
    sg_bw_u64(&w, (uint64_t)t->len);
    sg_bw_i64(&w, (int64_t)t->steps);
    sg_bw_i64(&w, (int64_t)t->max_div_step);
    sg_bw_f64(&w, t->max_div);
    sg_bw_f64(&w, t->final_div);
    for (long q = 0; q < t->len && !w.bad; q++) {
        if (mpfr_snprintf(buf, sizeof buf, "%Ra", t->theta[q]) >= (int)sizeof buf)
            return -1;
        sg_bw_str(&w, buf);
    }
    return w.bad ? -1 : 0;
}

static int obs_load(void *self, FILE *fp, size_t len)
{
    sg_mtraj *t = self;
    sg_br b = {fp, len, 0};
    char buf[MT_STR_CAP];
    if (sg_br_u64(&b) != (uint64_t)t->prec || sg_br_u64(&b) != (uint64_t)t->len)
        return -1;
    int64_t steps = sg_br_i64(&b), mstep = sg_br_i64(&b);
    double md = sg_br_f64(&b), fd = sg_br_f64(&b);
    if (b.bad || steps < 0 || mstep < -1)
        return -1;
    /* into theta_new (scratch until the commit), then swapped in */
    for (long q = 0; q < t->len; q++) {
        char *end;
        sg_br_str(&b, buf, sizeof buf);
        if (b.bad || mpfr_strtofr(t->theta_new[q], buf, &end, 0, MPFR_RNDN) != 0 || *end)
            return -1; /* ternary 0: the string is exact at p bits */
    }
    if (b.bad || b.left != 0)
        return -1;
    for (long q = 0; q < t->len; q++)
        mpfr_swap(t->theta[q], t->theta_new[q]);
    t->steps = (long)steps;
    t->max_div_step = (long)mstep;
    t->max_div = md;
    t->final_div = fd;
    return 0;
}

static void obs_destroy(void *self)
{
    sg_mtraj_free(self);
    free(self);
    mpfr_free_cache();
}

const sg_mtraj *sg_mtraj_of(sg_run_ctx *ctx)
{
    return sg_run_observer(ctx, SG_MTRAJ_NAME);
}

int sg_mtraj_attach(sg_run_ctx *ctx, const sg_mproblem *p, int freeze_v)
{
    const sg_config *c = &ctx->cfg;
    if (!c->shadow_trajectory)
        return 0;
    sg_mtraj *t = malloc(sizeof *t);
    long upd = freeze_v ? (long)p->k * p->d : sg_mtheta_len(p->d, p->k, p->r);
    if (!t || sg_mtraj_init(t, p, ctx->theta0, (mpfr_prec_t)c->prec, c->mu, upd) != 0) {
        free(t);
        fprintf(stderr, "shadowgd: out of memory for the r > 1 MPFR trajectory\n");
        return -1;
    }
    sg_observer o = {.name = SG_MTRAJ_NAME, .self = t, .observe = obs_observe,
                     .csv_header = obs_csv_header, .csv_row = obs_csv_row,
                     .summary = obs_summary, .report = obs_report, .save = obs_save,
                     .load = obs_load, .destroy = obs_destroy};
    if (sg_run_add_observer(ctx, &o) != 0) {
        fprintf(stderr, "shadowgd: too many observers\n");
        obs_destroy(t);
        return -1;
    }
    return 0;
}
