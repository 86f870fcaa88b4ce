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

const char *sg_sa_libm_name(int f)
{
    return f >= 0 && f < 4 ? libm_names[f] : "?";
}

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
    a->update_len = a->len;
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
    a->max_ratio_step = a->max_divergence_step = a->replica_first_step = -1;
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
    if (!isfinite(c) || !mpfr_number_p(m) || isnan(E)) {
        /* overflow (or a NaN) in the double, the shadow or the bound's own
           evaluation (inf * 0): outside the standard model, so not a
           round-off bound violation; counted on its own (roundoff.md, not
           covered) and not as a compared component */
        a->nonfinite++;
        return;
    }
    if (isinf(E)) {
        /* err <= inf holds for every err: an infinite bound checks nothing
           (issue 11, item 6), so the component is not counted as compared */
        a->infinite_bounds++;
        return;
    }
    s->checked++;
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
    if (mism > 0 && a->replica_first_step < 0)
        a->replica_first_step = step;
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

/* the MPFR loss with ceil(p log10 2) + 1 significant digits (at most 60),
   floored at 0 like the double loss (models/relu/relu_model.c): the
   population closed form cancels to ~1e-39 at 128 bits and the true loss is
   never negative */
void sg_shadow_audit_format_loss(sg_shadow_audit *a, mpfr_srcptr loss)
{
    int digits = (int)((double)a->prec * 0.30103) + 2;
    if (digits > 60)
        digits = 60;
    if (mpfr_sgn(loss) < 0) {
        mpfr_t z;
        mpfr_init2(z, mpfr_get_prec(loss));
        mpfr_set_zero(z, 1);
        mpfr_snprintf(a->loss_mpfr, sizeof a->loss_mpfr, "%.*Re", digits - 1, z);
        mpfr_clear(z);
        return;
    }
    mpfr_snprintf(a->loss_mpfr, sizeof a->loss_mpfr, "%.*Re", digits - 1, loss);
}

double sg_shadow_rel_divergence(long len, mpfr_t *mp, const double *theta, mpfr_ptr acc,
                                mpfr_ptr nrm, mpfr_ptr e)
{
    /* ||theta - theta_mp|| / ||theta_mp|| */
    mpfr_set_zero(acc, 1);
    mpfr_set_zero(nrm, 1);
    for (long q = 0; q < len; q++) {
        mpfr_sub_d(e, mp[q], theta[q], MPFR_RNDN);
        mpfr_fma(acc, e, e, acc, MPFR_RNDN);
        mpfr_fma(nrm, mp[q], mp[q], nrm, MPFR_RNDN);
    }
    mpfr_sqrt(acc, acc, MPFR_RNDN);
    mpfr_sqrt(nrm, nrm, MPFR_RNDN);
    return mpfr_zero_p(nrm) ? (mpfr_zero_p(acc) ? 0.0 : INFINITY)
                            : mpfr_get_d(acc, MPFR_RNDN) / mpfr_get_d(nrm, MPFR_RNDN);
}

void sg_shadow_audit_trajectory(sg_shadow_audit *a, long step, const double *theta)
{
    double t0 = now_seconds();
    sg_shadow *s = &a->st;
    double div = sg_shadow_rel_divergence(a->len, s->theta, theta, a->acc, a->nrm, a->e);
    a->step_divergence = div;
    a->final_divergence = div;
    if (!(div <= a->max_divergence) || a->max_divergence_step < 0) {
        a->max_divergence = div;
        a->max_divergence_step = step;
    }
    /* the MPFR loss at the MPFR state, then one MPFR step */
    sg_shadow_loss_grad(s, a->prob);
    sg_shadow_update(s, a->mu);
    sg_shadow_audit_format_loss(a, s->loss);
    sg_shadow_advance(s);
    a->trajectory_range_errors += s->range_errors;
    s->range_errors = 0;
    a->trajectory_seconds += now_seconds() - t0;
}

void sg_shadow_audit_freeze_v(sg_shadow_audit *a, long kd)
{
    a->update_len = kd;
    a->sa.upd_len = kd; /* both are initialised (or zeroed) by now */
    a->st.upd_len = kd;
}
