/* invariants_shadow.c -- the MPFR trajectory fed to the auditor (see
 * invariants_shadow.h). */
#include "audit/relu/invariants_shadow.h"
#include "audit/relu/audit.h"
#include "audit/relu/tolerance.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    sg_shadow_audit *sa;             /* the shadow, for BOUND/FLIPS/DIVERGE */
    int population;
    long len, cap_terms;
    int n, k;
    double *th, *th1, *g;            /* len                               */
    double *Z, *H, *r;               /* n*k, n*k, n (empirical)           */
    double *norm;                    /* k (population)                    */
    double *hres, *htol, *ires, *itol, *db; /* k                          */
    mpfr_t *t;                       /* exact terms                       */
    mpfr_ptr *p;
    mpfr_t sum;
} feed;

static void feed_free(void *x)
{
    feed *f = x;
    if (!f)
        return;
    free(f->th); free(f->th1); free(f->g); free(f->Z); free(f->H); free(f->r);
    free(f->norm); free(f->hres); free(f->htol); free(f->ires); free(f->itol); free(f->db);
    if (f->t) {
        for (long q = 0; q < f->cap_terms; q++)
            mpfr_clear(f->t[q]);
        mpfr_clear(f->sum);
    }
    free(f->t);
    free(f->p);
    free(f);
}

static feed *feed_new(const sg_shadow *s)
{
    feed *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    int n = s->kind == SG_LOSS_EMPIRICAL ? s->n : 0, k = s->k, d = s->d;
    f->len = s->len;
    f->n = n;
    f->k = k;
    f->cap_terms = 3L * d + 3;
    size_t L = (size_t)s->len, K = (size_t)k, NK = (size_t)n * K;
    f->th = malloc(L * sizeof(double));
    f->th1 = malloc(L * sizeof(double));
    f->g = malloc(L * sizeof(double));
    f->Z = malloc((NK ? NK : 1) * sizeof(double));
    f->H = malloc((NK ? NK : 1) * sizeof(double));
    f->r = malloc(((size_t)n ? (size_t)n : 1) * sizeof(double));
    f->norm = malloc(K * sizeof(double));
    f->hres = malloc(K * sizeof(double));
    f->htol = malloc(K * sizeof(double));
    f->ires = malloc(K * sizeof(double));
    f->itol = malloc(K * sizeof(double));
    f->db = malloc(K * sizeof(double));
    f->t = calloc((size_t)f->cap_terms, sizeof(mpfr_t));
    f->p = calloc((size_t)f->cap_terms, sizeof(mpfr_ptr));
    if (!f->th || !f->th1 || !f->g || !f->Z || !f->H || !f->r || !f->norm || !f->hres ||
        !f->htol || !f->ires || !f->itol || !f->db || !f->t || !f->p) {
        free(f->t);
        f->t = NULL;
        feed_free(f);
        return NULL;
    }
    /* a product of two p-bit numbers, or (mu g)^2 with mu a double: exact */
    mpfr_prec_t pw = 2 * (s->prec + 53) + 8;
    for (long q = 0; q < f->cap_terms; q++) {
        mpfr_init2(f->t[q], pw);
        f->p[q] = f->t[q];
    }
    mpfr_init2(f->sum, 53);
    return f;
}

/* term q <- sgn * x * y, exact */
static void term(feed *f, long q, int sgn, mpfr_srcptr x, mpfr_srcptr y)
{
    mpfr_mul(f->t[q], x, y, MPFR_RNDN);
    if (sgn < 0)
        mpfr_neg(f->t[q], f->t[q], MPFR_RNDN);
}

/* term q <- sgn * (mu x)^2, exact */
static void term_mu2(feed *f, long q, int sgn, double mu, mpfr_srcptr x)
{
    mpfr_mul_d(f->t[q], x, mu, MPFR_RNDN);
    mpfr_sqr(f->t[q], f->t[q], MPFR_RNDN);
    if (sgn < 0)
        mpfr_neg(f->t[q], f->t[q], MPFR_RNDN);
}

static double sum_terms(feed *f, long n)
{
    mpfr_sum(f->sum, f->p, (unsigned long)n, MPFR_RNDN);
    return mpfr_get_d(f->sum, MPFR_RNDN);
}

/* BOUND from the shadow's totals.  Not a pass unless the bounds checked
   something (issue 11, item 6): components with an infinite or NaN bound
   (or a non-finite value) are not compared; when they are at least as many
   as the compared ones the verdict is not-applicable ("inconclusive").  A
   population replica that disagrees with the kernel makes the bounds
   inapplicable to the kernel's results: violated, at its first step. */
void sg_inv_shadow_bound(sg_inv_checker *dbl, const sg_shadow_audit *sa)
{
    char buf[320], extra[160] = "";
    long uncompared = sa->nonfinite + sa->infinite_bounds;
    if (uncompared > 0)
        snprintf(extra, sizeof extra, "; %ld not compared (%ld infinite bounds, %ld non-finite)",
                 uncompared, sa->infinite_bounds, sa->nonfinite);
    if (sa->replica_mismatch > 0) {
        snprintf(buf, sizeof buf,
                 "%ld population values differ from the bounds' replica of the kernel (first "
                 "at step %ld): the bounds do not apply to the kernel's results%s",
                 sa->replica_mismatch, sa->replica_first_step, extra);
        sg_inv_set_result(dbl, SG_INV_BOUND, SG_VIOLATED, buf, sa->replica_first_step, NAN,
                          "", sa->steps_audited);
        return;
    }
    if (uncompared >= sa->components_checked && sa->violations == 0) {
        snprintf(buf, sizeof buf,
                 "inconclusive: %ld components compared, %ld not (%ld infinite bounds, %ld "
                 "non-finite) in %ld audited steps", sa->components_checked, uncompared,
                 sa->infinite_bounds, sa->nonfinite, sa->steps_audited);
        sg_inv_set_result(dbl, SG_INV_BOUND, SG_NOT_APPLICABLE, buf, -1, NAN, "",
                          sa->steps_audited);
        return;
    }
    snprintf(buf, sizeof buf,
             "%ld components in %ld audited steps (MPFR %ld bits): %ld outside their "
             "round-off bound; max error/bound %.3g at step %ld%s",
             sa->components_checked, sa->steps_audited, (long)sa->prec, sa->violations,
             sa->max_ratio, sa->max_ratio_step, extra);
    sg_inv_set_result(dbl, SG_INV_BOUND, sa->violations == 0 ? SG_HELD : SG_VIOLATED, buf,
                      sa->violations == 0 ? -1 : sa->first_step, 1.0 - sa->max_ratio,
                      "1 - max error/bound", sa->steps_audited);
}

/* the IDs measured by the shadow, from its totals (after the run) */
static void feed_finish(void *x, sg_audit *a)
{
    feed *f = x;
    sg_shadow_audit *sa = f->sa;
    sg_inv_checker *dbl = sg_audit_double(a), *mp = sg_audit_mpfr(a);
    const sg_inv_thresholds *th = sg_audit_thresholds(a);
    char buf[320];
    if (sa->steps_audited > 0) {
        sg_inv_shadow_bound(dbl, sa);
        if (f->population) {
            sg_inv_set_result(dbl, SG_INV_FLIPS, SG_NOT_APPLICABLE,
                              "the population loss has no activation indicators", -1, NAN,
                              "", 0);
        } else {
            snprintf(buf, sizeof buf,
                     "%ld ambiguous and %ld flipped activation pairs in %ld audited steps%s",
                     sa->ambiguous, sa->flips, sa->steps_audited,
                     sa->violations == 0 ? "; every flip within its bound" : "");
            sg_inv_set_result(dbl, SG_INV_FLIPS, sa->violations == 0 ? SG_HELD : SG_VIOLATED,
                              buf, sa->violations == 0 ? -1 : sa->first_step,
                              (double)-sa->flips, "-(flipped pairs)", sa->steps_audited);
        }
    } else {
        sg_inv_set_result(dbl, SG_INV_BOUND, SG_NOT_APPLICABLE,
                          "the local round-off audit is off (--audit-every 0)", -1, NAN, "", 0);
        sg_inv_set_result(dbl, SG_INV_FLIPS, SG_NOT_APPLICABLE,
                          "the local round-off audit is off (--audit-every 0)", -1, NAN, "", 0);
    }
    if (sa->trajectory && sa->max_divergence_step >= 0) {
        double md = sa->max_divergence;
        snprintf(buf, sizeof buf,
                 "max |theta - theta_mpfr|/|theta_mpfr| = %.3g at step %ld (final %.3g, limit %g)",
                 md, sa->max_divergence_step, sa->final_divergence, th->diverge_max);
        sg_inv_set_result(dbl, SG_INV_DIVERGE, md <= th->diverge_max ? SG_HELD : SG_VIOLATED,
                          buf, md <= th->diverge_max ? -1 : sa->max_divergence_step,
                          1.0 - md / th->diverge_max, "1 - max divergence/diverge_max", 1);
    }
    if (mp) {
        const char *why = "compares the double trajectory with the MPFR shadow: see the double column";
        sg_inv_set_result(mp, SG_INV_BOUND, SG_NOT_APPLICABLE, why, -1, NAN, "", 0);
        sg_inv_set_result(mp, SG_INV_FLIPS, SG_NOT_APPLICABLE, why, -1, NAN, "", 0);
        sg_inv_set_result(mp, SG_INV_DIVERGE, SG_NOT_APPLICABLE, why, -1, NAN, "", 0);
    }
}

/* the feed of audit a from the shadow sa, created (with the MPFR checker)
   on first use; NULL: out of memory */
static feed *feed_of(sg_audit *a, sg_shadow_audit *sa)
{
    feed *f = sg_audit_ext(a);
    if (!sg_audit_mpfr(a))
        return NULL;
    if (f)
        return f;
    f = feed_new(&sa->st);
    if (!f)
        return NULL;
    f->sa = sa;
    f->population = sa->st.kind == SG_LOSS_POPULATION;
    sg_audit_set_ext(a, f, feed_free, feed_finish);
    return f;
}

int sg_inv_feed_shadow_restore(sg_run_ctx *ctx, sg_audit *a)
{
    sg_shadow_audit *sa = sg_shadow_audit_of(ctx);
    if (!sa || !sa->trajectory)
        return -1;
    return feed_of(a, sa) ? 0 : -1;
}

void sg_inv_feed_shadow(sg_run_ctx *ctx, long step, sg_shadow_audit *sa)
{
    sg_audit *a = sg_audit_of(ctx);
    if (!a)
        return;
    const sg_shadow *s = &sa->st;
    double mu = ctx->cfg.mu;
    feed *f = feed_of(a, sa);
    if (!f)
        return; /* out of memory: the MPFR column stays empty */
    sg_inv_checker *m = sg_audit_mpfr(a);
    int d = s->d, k = s->k, n = f->n;
    long kd = (long)k * d;
    const mpfr_t *T0 = (const mpfr_t *)s->theta_new; /* theta_t (swapped) */
    const mpfr_t *T1 = (const mpfr_t *)s->theta;     /* theta_{t+1}       */
    const mpfr_t *G = (const mpfr_t *)s->grad;
    for (long q = 0; q < f->len; q++) {
        f->th[q] = mpfr_get_d(T0[q], MPFR_RNDN);
        f->th1[q] = mpfr_get_d(T1[q], MPFR_RNDN);
        f->g[q] = mpfr_get_d(G[q], MPFR_RNDN);
    }
    double loss = mpfr_get_d(s->loss, MPFR_RNDN);
    /* a workspace image of the shadow at theta_t, for the tolerance model */
    sg_workspace ws;
    memset(&ws, 0, sizeof ws);
    ws.grad = f->g;
    ws.loss = loss;
    if (s->kind == SG_LOSS_EMPIRICAL) {
        for (long q = 0; q < (long)n * k; q++) {
            f->Z[q] = mpfr_get_d(s->Z[q], MPFR_RNDN);
            f->H[q] = f->Z[q] > 0.0 ? f->Z[q] : 0.0;
        }
        for (int i = 0; i < n; i++)
            f->r[i] = mpfr_get_d(s->r[i], MPFR_RNDN);
        ws.Z = f->Z;
        ws.H = f->H;
        ws.r = f->r;
    } else {
        for (int j = 0; j < k; j++)
            f->norm[j] = mpfr_get_d(s->norm[j], MPFR_RNDN);
        ws.pop.norm = f->norm;
    }
    double u = ldexp(1.0, -(int)s->prec), ltol;
    sg_tol_state_abs(sg_audit_tol_abs(a), sg_audit_problem(a), f->th, &ws, u, f->htol, &ltol);
    /* exact residuals of the MPFR numbers */
    for (int j = 0; j < k; j++) {
        long q = 0;
        for (int l = 0; l < d; l++, q++)
            term(f, q, +1, T0[(long)j * d + l], G[(long)j * d + l]);
        term(f, q++, -1, T0[kd + j], G[kd + j]);
        f->hres[j] = sum_terms(f, q);
        q = 0;
        for (int l = 0; l < d; l++) {
            term(f, q++, +1, T1[(long)j * d + l], T1[(long)j * d + l]);
            term(f, q++, -1, T0[(long)j * d + l], T0[(long)j * d + l]);
        }
        term(f, q++, -1, T1[kd + j], T1[kd + j]);
        term(f, q++, +1, T0[kd + j], T0[kd + j]);
        f->db[j] = sum_terms(f, q);
        for (int l = 0; l < d; l++)
            term_mu2(f, q++, -1, mu, G[(long)j * d + l]);
        term_mu2(f, q++, +1, mu, G[kd + j]);
        f->ires[j] = sum_terms(f, q);
    }
    sg_inv_state_rec st = {step, f->th, f->g, loss, ltol, f->hres, f->htol};
    sg_inv_state(m, &st);
    if (step < ctx->cfg.steps) {
        sg_tol_step_u(d, k, mu, f->g, f->th1, u, f->htol, f->itol);
        sg_inv_step_rec sp = {step, f->th, f->g, f->th1, f->ires, f->itol, f->db};
        sg_inv_step(m, &sp);
    }
}
