/* step_audit.c -- Model B's local step audit (step_audit.h). */
#include "shadow/sensing/step_audit.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const sg_sens_class_name[SG_SENS_NCLASS] = {"P", "res", "loss", "M", "grad", "theta"};

int sg_sens_auditor_init(sg_sens_auditor *a, const sg_sens_problem *p, long prec)
{
    memset(a, 0, sizeof *a);
    long len = sg_sens_theta_len(p);
    if (sg_sens_mp_init(&a->mp, p, prec) != 0)
        return -1;
    int ok = sg_sens_bounds_init(&a->bd, p) == 0;
    ok = (sg_sens_bounds_init(&a->bs, p) == 0) && ok;
    a->sP = calloc((size_t)p->N, sizeof(double));
    a->sres = calloc((size_t)p->m, sizeof(double));
    a->sM = calloc((size_t)p->N, sizeof(double));
    a->sgrad = calloc((size_t)len, sizeof(double));
    a->stn = calloc((size_t)len, sizeof(double));
    mpfr_init2(a->diff, prec);
    if (!ok || !a->sP || !a->sres || !a->sM || !a->sgrad || !a->stn) {
        sg_sens_auditor_free(a);
        return -1;
    }
    return 0;
}

void sg_sens_auditor_free(sg_sens_auditor *a)
{
    if (a->mp.prec == 0)
        return;
    mpfr_clear(a->diff);
    sg_sens_mp_free(&a->mp);
    sg_sens_bounds_free(&a->bd), sg_sens_bounds_free(&a->bs);
    free(a->sP), free(a->sres), free(a->sM), free(a->sgrad), free(a->stn);
    memset(a, 0, sizeof *a);
}

/* |x| rounded away from zero to a double (>= |x|) */
static void mag_up(long n, mpfr_t *x, double *out)
{
    for (long q = 0; q < n; q++)
        out[q] = fabs(mpfr_get_d(x[q], MPFR_RNDA));
}

/* one class: |d_q - s_q| (rounded up) against E_d + E_s (rounded up) */
static void check(sg_sens_auditor *a, sg_sens_class_stat *st, long n, const double *d,
                  mpfr_t *s, const double *Ed, const double *Es)
{
    memset(st, 0, sizeof *st);
    for (long q = 0; q < n; q++) {
        mpfr_sub_d(a->diff, s[q], d[q], MPFR_RNDA);
        double err = fabs(mpfr_get_d(a->diff, MPFR_RNDA));
        double bound = Ed[q] + Es[q];
        bound = bound + bound * 0x1p-52;   /* the sum, rounded up */
        double ratio = bound > 0.0 ? err / bound : (err > 0.0 ? INFINITY : 0.0);
        st->count++;
        if (!(err <= bound))
            st->violations++;
        if (ratio > st->max_ratio || isnan(ratio))
            st->max_ratio = isnan(ratio) ? INFINITY : ratio;
        if (err > st->max_err)
            st->max_err = err;
    }
}

long sg_sens_audit_step(sg_sens_auditor *a, const sg_sens_problem *p, const sg_fp_model *f64,
                        const double *theta, double mu, const sg_sens_work *w, double loss,
                        const double *theta_new, sg_sens_audit_result *out)
{
    sg_sens_mp *s = &a->mp;
    long len = s->len;
    long re0 = s->range_errors;
    sg_sens_mp_set_theta(s, theta);
    sg_sens_mp_step(s, p, mu);
    /* bound chains: the double one on the double intermediates, the shadow
       one on the shadow's (magnitudes rounded up), same theta */
    sg_sens_bounds_chain(&a->bd, f64, p, theta, mu, w->P, w->res, loss, w->M, w->grad,
                         theta_new);
    mag_up(p->N, s->P, a->sP), mag_up(p->m, s->res, a->sres), mag_up(p->N, s->M, a->sM);
    mag_up(len, s->grad, a->sgrad), mag_up(len, s->theta_new, a->stn);
    double sl = fabs(mpfr_get_d(s->loss, MPFR_RNDA));
    sg_fp_model fmp = sg_fp_mpfr(s->prec);
    sg_sens_bounds_chain(&a->bs, &fmp, p, theta, mu, a->sP, a->sres, sl, a->sM, a->sgrad,
                         a->stn);
    memset(out, 0, sizeof *out);
    check(a, &out->cls[SG_SENS_CLASS_P], p->N, w->P, s->P, a->bd.EP, a->bs.EP);
    check(a, &out->cls[SG_SENS_CLASS_RES], p->m, w->res, s->res, a->bd.Er, a->bs.Er);
    check(a, &out->cls[SG_SENS_CLASS_LOSS], 1, &loss, &s->loss, &a->bd.El, &a->bs.El);
    check(a, &out->cls[SG_SENS_CLASS_M], p->N, w->M, s->M, a->bd.EM, a->bs.EM);
    check(a, &out->cls[SG_SENS_CLASS_GRAD], len, w->grad, s->grad, a->bd.Eg, a->bs.Eg);
    check(a, &out->cls[SG_SENS_CLASS_THETA], len, theta_new, s->theta_new, a->bd.Et, a->bs.Et);
    for (int c = 0; c < SG_SENS_NCLASS; c++) {
        out->violations += out->cls[c].violations;
        if (out->cls[c].max_ratio > out->max_ratio)
            out->max_ratio = out->cls[c].max_ratio;
    }
    out->range_errors = s->range_errors - re0;
    return out->violations;
}
