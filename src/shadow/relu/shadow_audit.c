/* shadow_audit.c -- local step audit and MPFR trajectory shadow (see shadow_audit.h;
 * the checks are specs/roundoff.md section A). */
#include "shadow/relu/shadow_audit.h"
#include "kernels/dot.h"
#include "kernels/relu/empirical.h"
#include "io/json.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const class_names[SG_SA_NCLASS] = {
    "z", "relu", "f", "r", "norm", "angle", "loss", "grad_W", "grad_v", "W_new", "v_new"};

static const char *const libm_names[4] = {"sqrt", "atan2", "sin", "cos"};

const char *sg_sa_class_name(int c)
{
    return c >= 0 && c < SG_SA_NCLASS ? class_names[c] : "?";
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int sg_shadow_audit_init(sg_shadow_audit *a, const sg_problem *p, const double *theta0,
                         double mu, mpfr_prec_t prec, long every, int trajectory)
{
    memset(a, 0, sizeof *a);
    a->every = every;
    a->trajectory = trajectory;
    a->prec = prec;
    a->f64 = sg_fp_binary64();
    a->prob = p;
    a->mu = mu;
    a->len = sg_theta_len(p->d, p->k);
    mpfr_inits2(prec, a->e, a->acc, a->nrm, (mpfr_ptr)0);
    int ok = 1;
    if (every > 0) {
        size_t nk = (size_t)p->n * (size_t)p->k, len = (size_t)a->len;
        ok = sg_shadow_init(&a->sa, p, prec) == 0;
        a->have_sa = ok;
        ok = ok && sg_bounds_init(&a->bd, p) == 0 && sg_bounds_init(&a->bm, p) == 0;
        a->gm = calloc(len, sizeof(double));
        a->tnm = calloc(len, sizeof(double));
        a->tn_pred = calloc(len, sizeof(double));
        ok = ok && a->gm && a->tnm && a->tn_pred;
        if (p->loss == SG_LOSS_EMPIRICAL) {
            a->Zm = calloc(nk, sizeof(double));
            a->Hm = calloc(nk, sizeof(double));
            a->rm = calloc((size_t)p->n, sizeof(double));
            ok = ok && a->Zm && a->Hm && a->rm;
        }
    }
    if (ok && trajectory) {
        ok = sg_shadow_init(&a->st, p, prec) == 0;
        a->have_st = ok;
        if (ok)
            sg_shadow_set_theta(&a->st, theta0);
    }
    if (!ok) {
        fprintf(stderr, "shadowgd: out of memory for the MPFR shadow (--prec %ld)\n",
                (long)prec);
        sg_shadow_audit_free(a);
        return -1;
    }
    a->max_ratio_step = a->max_divergence_step = -1;
    return 0;
}

void sg_shadow_audit_free(sg_shadow_audit *a)
{
    if (a->have_sa)
        sg_shadow_free(&a->sa);
    if (a->have_st)
        sg_shadow_free(&a->st);
    sg_bounds_free(&a->bd);
    sg_bounds_free(&a->bm);
    if (a->prec)
        mpfr_clears(a->e, a->acc, a->nrm, (mpfr_ptr)0);
    free(a->Zm);
    free(a->Hm);
    free(a->rm);
    free(a->gm);
    free(a->tnm);
    free(a->tn_pred);
    a->Zm = a->Hm = a->rm = a->gm = a->tnm = a->tn_pred = NULL;
    a->have_sa = a->have_st = 0;
    a->prec = 0;
}

/* x rounded away from zero to a double: |result| >= |x| (0 stays 0) */
static double away(mpfr_srcptr x)
{
    return mpfr_get_d(x, MPFR_RNDA);
}

/* ulp of the double nearest to x (2^-1074 at 0 and for subnormals) */
static double ulp_of(double x)
{
    if (x == 0.0 || !isfinite(x))
        return 0x1p-1074;
    int e;
    frexp(x, &e);
    double u = ldexp(1.0, e - 53);
    return u < 0x1p-1074 ? 0x1p-1074 : u;
}

/* compare one component: double value c, shadow value m, bound E */
static void check(sg_shadow_audit *a, long step, int cls, long index, double c, mpfr_srcptr m,
                  double E)
{
    sg_sa_class_stats *s = &a->cls[cls];
    s->checked++;
    if (!isfinite(c) || !mpfr_number_p(m) || isnan(E)) {
        /* overflow (or a NaN) in the double, the shadow or the bound's own
           evaluation (inf * 0): outside the standard model, so not a
           round-off bound violation; counted on its own (roundoff.md, not
           covered) */
        a->nonfinite++;
        return;
    }
    /* err >= |c - m|: the difference rounded away from zero, twice */
    mpfr_sub_d(a->e, m, c, MPFR_RNDA);
    double err = fabs(away(a->e));
    double ratio = err == 0.0 ? 0.0 : err / E;
    int bad = !(err <= E);
    double ulps = err / ulp_of(mpfr_get_d(m, MPFR_RNDN));
    if (ulps > s->max_ulp)
        s->max_ulp = ulps;
    s->sum_ulp += ulps;
    if (ratio > s->max_ratio)
        s->max_ratio = ratio;
    if (ratio > a->step_ratio)
        a->step_ratio = ratio;
    if (bad) {
        s->violations++;
        a->step_violations++;
        if (!a->have_first) {
            a->have_first = 1;
            a->first_step = step;
            a->first_class = cls;
            a->first_index = index;
            a->first_err = err;
            a->first_bound = E;
        }
    }
}

/* libm result y = f(x...) against the correctly rounded MPFR value m: the
   error in ulps of the exact result must not exceed the assumed accuracy */
static void check_libm(sg_shadow_audit *a, int fn, double y, mpfr_srcptr m, double assumed)
{
    mpfr_sub_d(a->e, m, y, MPFR_RNDA);
    double err = fabs(away(a->e));
    double ulps = err / ulp_of(mpfr_get_d(m, MPFR_RNDN));
    a->libm_checked++;
    if (ulps > a->libm_max_ulp[fn])
        a->libm_max_ulp[fn] = ulps;
    /* the MPFR value itself is within 2^-p relative: allow that much */
    if (ulps > assumed * (1.0 + ldexp(1.0, 60 - (int)a->prec)))
        a->libm_violations++;
}

static void audit_empirical(sg_shadow_audit *a, long step, const double *theta,
                            const sg_workspace *ws, const double *theta_new)
{
    const sg_problem *p = a->prob;
    sg_shadow *s = &a->sa;
    int n = p->n, d = p->d, k = p->k;
    long nk = (long)n * k, kd = (long)k * d;
    /* images of the shadow's values for its own error chain */
    for (long q = 0; q < nk; q++) {
        a->Zm[q] = away(s->Z[q]);
        a->Hm[q] = a->Zm[q] > 0.0 ? a->Zm[q] : 0.0;
    }
    for (int i = 0; i < n; i++)
        a->rm[i] = away(s->r[i]);
    for (long q = 0; q < a->len; q++) {
        a->gm[q] = away(s->grad[q]);
        a->tnm[q] = away(s->theta_new[q]);
    }
    sg_fp_model f64 = a->f64, fmp = sg_fp_mpfr((long)a->prec);
    sg_bounds_absdot(&a->bd, p, theta);
    memcpy(a->bm.S, a->bd.S, (size_t)nk * sizeof(double));
    sg_bounds_empirical(&a->bd, &f64, p, theta, a->mu, ws->Z, ws->H, ws->r, ws->loss,
                        ws->grad, theta_new);
    sg_bounds_empirical(&a->bm, &fmp, p, theta, a->mu, a->Zm, a->Hm, a->rm, away(s->loss),
                        a->gm, a->tnm);
    sg_bounds_sum(&a->bd, &a->bm);
    /* z and ReLU(z); ambiguous pairs and flips */
    for (long q = 0; q < nk; q++) {
        check(a, step, SG_SA_Z, q, ws->Z[q], s->Z[q], a->bd.Ez[q]);
        int exact_active = mpfr_sgn(s->Z[q]) > 0; /* exact sign (xacc.h) */
        if (exact_active)
            check(a, step, SG_SA_RELU, q, ws->H[q], s->Z[q], a->bd.Ez[q]);
        else {
            mpfr_set_zero(a->acc, 1);
            check(a, step, SG_SA_RELU, q, ws->H[q], a->acc, a->bd.Ez[q]);
        }
        a->step_flips += (ws->Z[q] > 0.0) != exact_active;
    }
    a->step_ambiguous = a->bd.ambiguous;
    for (int i = 0; i < n; i++) {
        check(a, step, SG_SA_F, i, ws->f[i], s->f[i], a->bd.Ef[i]);
        check(a, step, SG_SA_R, i, ws->r[i], s->r[i], a->bd.Er[i]);
    }
    check(a, step, SG_SA_LOSS, 0, ws->loss, s->loss, a->bd.Eloss);
    for (long q = 0; q < a->len; q++) {
        check(a, step, q < kd ? SG_SA_GW : SG_SA_GV, q, ws->grad[q], s->grad[q], a->bd.Eg[q]);
        check(a, step, q < kd ? SG_SA_W : SG_SA_V, q, theta_new[q], s->theta_new[q],
              a->bd.Etn[q]);
    }
}

/* the libm calls of the population kernel, recomputed on the kernel's own
   arguments (geometry.c, population.c) and compared with MPFR */
static void audit_libm(sg_shadow_audit *a, const double *theta, const sg_workspace *ws)
{
    const sg_problem *p = a->prob;
    int d = p->d, k = p->k;
    mpfr_ptr m = a->acc, m2 = a->nrm;
    for (int i = 0; i < k; i++) {
        double s = sg_dot(d, theta + (long)i * d, theta + (long)i * d);
        mpfr_set_d(m2, s, MPFR_RNDN);
        mpfr_sqrt(m, m2, MPFR_RNDN);
        check_libm(a, 0, sqrt(s), m, 0.5);
    }
    for (int i = 0; i < k; i++)
        for (int j = i + 1; j < k; j++) {
            double nu = ws->pop.norm[i], nw = ws->pop.norm[j];
            if (nu == 0.0 || nw == 0.0)
                continue;
            const double *u = theta + (long)i * d, *w = theta + (long)j * d;
            double diff2 = 0.0, sum2 = 0.0;
            for (int l = 0; l < d; l++) {
                double x = u[l] * nw;
                double y = w[l] * nu;
                double dm = x - y, dp = x + y;
                diff2 = diff2 + dm * dm;
                sum2 = sum2 + dp * dp;
            }
            double sd = sqrt(diff2), ss = sqrt(sum2);
            mpfr_set_d(m2, diff2, MPFR_RNDN);
            mpfr_sqrt(m, m2, MPFR_RNDN);
            check_libm(a, 0, sd, m, 0.5);
            mpfr_set_d(m2, sum2, MPFR_RNDN);
            mpfr_sqrt(m, m2, MPFR_RNDN);
            check_libm(a, 0, ss, m, 0.5);
            double at = atan2(sd, ss);
            mpfr_set_d(m, sd, MPFR_RNDN);
            mpfr_set_d(m2, ss, MPFR_RNDN);
            mpfr_atan2(m, m, m2, MPFR_RNDN);
            check_libm(a, 1, at, m, 1.0);
            double t2 = 2.0 * at, tk = ws->pop.theta[i * k + j];
            if (t2 != tk && !(isnan(t2) && isnan(tk)))
                a->replica_mismatch++; /* our replica of geometry.c is not the kernel */
        }
    for (long q = 0; q < (long)k * k; q++) {
        double t = ws->pop.theta[q];
        mpfr_set_d(m2, t, MPFR_RNDN);
        mpfr_sin(m, m2, MPFR_RNDN);
        check_libm(a, 2, sin(t), m, 1.0);
        mpfr_cos(m, m2, MPFR_RNDN);
        check_libm(a, 3, cos(t), m, 1.0);
    }
}

static void audit_population(sg_shadow_audit *a, long step, const double *theta,
                             const sg_workspace *ws, const double *theta_new)
{
    const sg_problem *p = a->prob;
    sg_shadow *s = &a->sa;
    int d = p->d, k = p->k;
    long kd = (long)k * d;
    for (long q = 0; q < a->len; q++) {
        a->gm[q] = away(s->grad[q]);
        a->tnm[q] = away(s->theta_new[q]);
    }
    sg_fp_model f64 = a->f64, fmp = sg_fp_mpfr((long)a->prec);
    long mism = sg_bounds_population(&a->bd, &a->bm, &f64, &fmp, p, theta, a->mu,
                                     ws->pop.norm, ws->pop.theta, ws->loss, ws->grad,
                                     theta_new, a->gm, a->tnm);
    /* bounds.c's replica of the kernel (its values in round-to-nearest)
       disagrees with the kernel's results: the bounds are those of the
       documented operation order, so a kernel that departs from it shows up
       here and, if its results are off by more than the bound, as
       violations (roundoff.md A2) */
    if (mism < 0)
        a->step_violations++; /* out of memory: this step could not be checked */
    else
        a->replica_mismatch += mism;
    sg_bounds_sum(&a->bd, &a->bm);
    for (int i = 0; i < k; i++)
        check(a, step, SG_SA_NORM, i, ws->pop.norm[i], s->norm[i], a->bd.Epop[i]);
    for (long q = 0; q < (long)k * k; q++)
        check(a, step, SG_SA_ANGLE, q, ws->pop.theta[q], s->angle[q], a->bd.Epop[k + q]);
    check(a, step, SG_SA_LOSS, 0, ws->loss, s->loss, a->bd.Eloss);
    for (long q = 0; q < a->len; q++) {
        check(a, step, q < kd ? SG_SA_GW : SG_SA_GV, q, ws->grad[q], s->grad[q], a->bd.Eg[q]);
        check(a, step, q < kd ? SG_SA_W : SG_SA_V, q, theta_new[q], s->theta_new[q],
              a->bd.Etn[q]);
    }
    audit_libm(a, theta, ws);
}

void sg_shadow_audit_step(sg_shadow_audit *a, long step, const double *theta,
                          const sg_workspace *ws, const double *theta_new)
{
    double t0 = now_seconds();
    long before = 0;
    for (int c = 0; c < SG_SA_NCLASS; c++)
        before += a->cls[c].checked;
    a->step_violations = a->step_ambiguous = a->step_flips = 0;
    a->step_ratio = 0.0;
    sg_shadow_set_theta(&a->sa, theta);
    sg_shadow_loss_grad(&a->sa, a->prob);
    sg_shadow_update(&a->sa, a->mu);
    if (a->prob->loss == SG_LOSS_EMPIRICAL)
        audit_empirical(a, step, theta, ws, theta_new);
    else
        audit_population(a, step, theta, ws, theta_new);
    if (a->sa.range_errors > 0) {
        a->step_violations += a->sa.range_errors;
        a->sa.range_errors = 0;
    }
    long after = 0;
    for (int c = 0; c < SG_SA_NCLASS; c++)
        after += a->cls[c].checked;
    a->steps_audited++;
    a->components_checked += after - before;
    a->violations += a->step_violations;
    a->ambiguous += a->step_ambiguous;
    a->flips += a->step_flips;
    if (a->step_ratio > a->max_ratio || a->max_ratio_step < 0) {
        a->max_ratio = a->step_ratio;
        a->max_ratio_step = step;
    }
    a->audit_seconds += now_seconds() - t0;
}

/* the MPFR loss with ceil(p log10 2) + 1 significant digits (at most 60) */
static void format_loss(sg_shadow_audit *a, mpfr_srcptr loss)
{
    int digits = (int)((double)a->prec * 0.30103) + 2;
    if (digits > 60)
        digits = 60;
    mpfr_snprintf(a->loss_mpfr, sizeof a->loss_mpfr, "%.*Re", digits - 1, loss);
}

void sg_shadow_audit_trajectory(sg_shadow_audit *a, long step, const double *theta)
{
    double t0 = now_seconds();
    sg_shadow *s = &a->st;
    /* ||theta - theta_mp|| / ||theta_mp|| */
    mpfr_set_zero(a->acc, 1);
    mpfr_set_zero(a->nrm, 1);
    for (long q = 0; q < a->len; q++) {
        mpfr_sub_d(a->e, s->theta[q], theta[q], MPFR_RNDN);
        mpfr_fma(a->acc, a->e, a->e, a->acc, MPFR_RNDN);
        mpfr_fma(a->nrm, s->theta[q], s->theta[q], a->nrm, MPFR_RNDN);
    }
    mpfr_sqrt(a->acc, a->acc, MPFR_RNDN);
    mpfr_sqrt(a->nrm, a->nrm, MPFR_RNDN);
    double div = mpfr_zero_p(a->nrm) ? (mpfr_zero_p(a->acc) ? 0.0 : INFINITY)
                                     : mpfr_get_d(a->acc, MPFR_RNDN) / mpfr_get_d(a->nrm, MPFR_RNDN);
    a->step_divergence = div;
    a->final_divergence = div;
    if (!(div <= a->max_divergence) || a->max_divergence_step < 0) {
        a->max_divergence = div;
        a->max_divergence_step = step;
    }
    /* the MPFR loss at the MPFR state, then one MPFR step */
    sg_shadow_loss_grad(s, a->prob);
    sg_shadow_update(s, a->mu);
    format_loss(a, s->loss);
    sg_shadow_advance(s);
    a->trajectory_range_errors += s->range_errors;
    s->range_errors = 0;
    a->trajectory_seconds += now_seconds() - t0;
}

/* ---- checkpoints ---- */

#define SG_SA_MAGIC "shadowgd-mpfr-audit 1\n"

/* the scalar state, in a fixed order (longs, then doubles) */
#define SA_LONGS(X)                                                          \
    X(steps_audited) X(components_checked) X(violations) X(ambiguous) X(flips) \
    X(prediction_mismatch) X(replica_mismatch) X(libm_checked)                \
    X(libm_violations) X(nonfinite) X(trajectory_range_errors)               \
    X(max_ratio_step) X(max_divergence_step) X(first_step) X(first_index)
#define SA_DOUBLES(X)                                                        \
    X(max_ratio) X(max_divergence) X(final_divergence) X(first_err)          \
    X(first_bound) X(audit_seconds) X(trajectory_seconds)

int sg_shadow_audit_save(void *self, FILE *fp)
{
    sg_shadow_audit *a = self;
    long hdr[5] = {(long)a->prec, a->len, a->every, a->trajectory, a->have_first};
    long cls = a->first_class;
    if (fputs(SG_SA_MAGIC, fp) == EOF || fwrite(hdr, sizeof hdr, 1, fp) != 1 ||
        fwrite(&cls, sizeof cls, 1, fp) != 1)
        return -1;
#define W_(f) if (fwrite(&a->f, sizeof a->f, 1, fp) != 1) return -1;
    SA_LONGS(W_)
    SA_DOUBLES(W_)
#undef W_
    if (fwrite(a->libm_max_ulp, sizeof a->libm_max_ulp, 1, fp) != 1 ||
        fwrite(a->cls, sizeof a->cls, 1, fp) != 1)
        return -1;
    if (a->trajectory)
        for (long q = 0; q < a->len; q++)
            if (mpfr_fpif_export(fp, a->st.theta[q]) != 0)
                return -1;
    return ferror(fp) ? -1 : 0;
}

/* mpfr_fpif_import takes a number's precision from the stream and
   allocates for it before anything can be checked, so a crafted precision
   would exhaust memory (GMP aborts).  The precision header (MPFR's format:
   one byte B >= 8 for p = B - 7, or B <= 7 followed by B + 1 bytes) is
   therefore compared first with the one mpfr_fpif_export writes for prec,
   and the stream rewound to the number.  h: room for 9 bytes. */
static size_t fpif_prec_header(mpfr_prec_t prec, unsigned char *h)
{
    char *mem = NULL;
    size_t n = 0, hl = 0;
    FILE *m = open_memstream(&mem, &n);
    mpfr_t z;
    mpfr_init2(z, prec);
    mpfr_set_zero(z, 1);
    int rc = m ? mpfr_fpif_export(m, z) : -1;
    mpfr_clear(z);
    if (m && fclose(m) != 0)
        rc = -1;
    if (rc == 0 && n > 0) {
        hl = (unsigned char)mem[0] >= 8 ? 1 : (size_t)(unsigned char)mem[0] + 2;
        if (hl > n || hl > 9)
            hl = 0;
        else
            memcpy(h, mem, hl);
    }
    free(mem);
    return hl;
}

static int fpif_prec_is(FILE *fp, const unsigned char *h, size_t hl)
{
    unsigned char got[9];
    long pos = ftell(fp);
    return hl > 0 && pos >= 0 && fread(got, 1, hl, fp) == hl && memcmp(got, h, hl) == 0 &&
           fseek(fp, pos, SEEK_SET) == 0;
}

int sg_shadow_audit_load(void *self, FILE *fp, size_t len)
{
    sg_shadow_audit *a = self;
    long start = ftell(fp);
    char magic[sizeof SG_SA_MAGIC];
    long hdr[5], cls;
    if (fread(magic, 1, sizeof magic - 1, fp) != sizeof magic - 1 ||
        memcmp(magic, SG_SA_MAGIC, sizeof magic - 1) != 0 || fread(hdr, sizeof hdr, 1, fp) != 1 ||
        fread(&cls, sizeof cls, 1, fp) != 1)
        return -1;
    if (hdr[0] != (long)a->prec || hdr[1] != a->len || hdr[2] != a->every ||
        hdr[3] != a->trajectory || (hdr[4] != 0 && hdr[4] != 1) || cls < 0 ||
        cls >= SG_SA_NCLASS)
        return -1;
    sg_shadow_audit t = *a; /* read into a copy: a stays intact on failure */
    t.have_first = (int)hdr[4];
    t.first_class = (int)cls;
#define R_(f) if (fread(&t.f, sizeof t.f, 1, fp) != 1) return -1;
    SA_LONGS(R_)
    SA_DOUBLES(R_)
#undef R_
    if (fread(t.libm_max_ulp, sizeof t.libm_max_ulp, 1, fp) != 1 ||
        fread(t.cls, sizeof t.cls, 1, fp) != 1)
        return -1;
    if (a->trajectory) {
        unsigned char ph[9];
        size_t phl = fpif_prec_header(a->prec, ph);
        for (long q = 0; q < a->len; q++) {
            if (!fpif_prec_is(fp, ph, phl) || mpfr_fpif_import(a->st.theta_new[q], fp) != 0 ||
                mpfr_get_prec(a->st.theta_new[q]) != a->prec) {
                for (long r = 0; r <= q; r++)
                    mpfr_set_prec(a->st.theta_new[r], a->prec);
                return -1;
            }
        }
    }
    if (start >= 0 && ftell(fp) - start != (long)len) {
        if (a->trajectory)
            for (long q = 0; q < a->len; q++)
                mpfr_set_prec(a->st.theta_new[q], a->prec);
        return -1;
    }
    /* commit: scalars, then the trajectory state (theta_new was scratch) */
    t.sa = a->sa;
    t.st = a->st;
    *a = t;
    if (a->trajectory)
        sg_shadow_advance(&a->st);
    return 0;
}

/* ---- the observer ---- */

static int obs_observe(void *self, sg_run_ctx *ctx)
{
    sg_shadow_audit *a = self;
    a->row_audited = 0;
    if (a->every > 0 && ctx->step % a->every == 0) {
        /* the double's next state, by the kernel itself, into our buffer */
        memcpy(a->tn_pred, ctx->theta, (size_t)a->len * sizeof(double));
        sg_gd_update((int)a->len, ctx->cfg.mu, ctx->grad, a->tn_pred);
        sg_shadow_audit_step(a, ctx->step, ctx->theta, a->ws, a->tn_pred);
        a->row_audited = 1;
        if (!a->trajectory)
            format_loss(a, a->sa.loss);
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
    if (a->trajectory)
        sg_json_int(j, "trajectory_range_errors", a->trajectory_range_errors);
    if (a->prob->loss == SG_LOSS_POPULATION)
        sg_json_int(j, "replica_mismatches", a->replica_mismatch);
    sg_json_open(j, "components");
    for (int c = 0; c < SG_SA_NCLASS; c++) {
        const sg_sa_class_stats *s = &a->cls[c];
        if (s->checked == 0)
            continue;
        sg_json_open(j, class_names[c]);
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
        sg_json_str(j, "component", class_names[a->first_class]);
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
            sg_json_num(j, libm_names[f], a->libm_max_ulp[f]);
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
        if (a->have_first)
            fprintf(fp, "  FIRST VIOLATION: step %ld %s[%ld]: error %.3e > bound %.3e\n",
                    a->first_step, class_names[a->first_class], a->first_index,
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
