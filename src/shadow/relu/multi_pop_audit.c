/* multi_pop_audit.c -- the r > 1 MPFR step audit of the population loss
 * (multi_shadow.h, specs/roundoff.md M10).  The multi population kernels
 * (kernels/relu/multi.h) are the scalar ones per output, added o left to
 * right; so the step is audited through the scalar machinery: per output o
 * the scalar shadow (shadow.h) at [W | V_o] with a = a_o, and the scalar
 * running error analysis (bounds_pop.c, P0-P6) on the scalar kernels'
 * values, which the multi kernels add; then the sum over outputs (M10). */
#include "shadow/relu/multi_shadow.h"
#include "shadow/relu/bounds_private.h"
#include "shadow/relu/shadow.h"
#include "kernels/relu/empirical.h"
#include <fenv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sg_mpop {
    sg_problem po;        /* the scalar problem of one output (a -> A_o) */
    sg_shadow sh;
    sg_bounds bd, bm;
    long slen;            /* k*d + k                                     */
    double *th, *g, *tn, *gm, *tnm; /* slen: one output's scalar step    */
    double *Ed, *Em;      /* len: the multi gradient's bounds (d, mpfr)  */
    double *sd, *sm;      /* len: sum_o |g_o| (double, mpfr images)      */
    double *gsum;         /* len: the replica of the multi gradient      */
    mpfr_t *gmp;          /* len: the MPFR multi gradient                */
    mpfr_t lmp;
};

void sg_mpop_free(sg_mshadow *s)
{
    struct sg_mpop *m = s->pop;
    if (!m)
        return;
    sg_shadow_free(&m->sh);
    sg_bounds_free(&m->bd);
    sg_bounds_free(&m->bm);
    free(m->th);
    free(m->g);
    free(m->tn);
    free(m->gm);
    free(m->tnm);
    free(m->Ed);
    free(m->Em);
    free(m->sd);
    free(m->sm);
    free(m->gsum);
    if (m->gmp) {
        for (long q = 0; q < s->len; q++)
            mpfr_clear(m->gmp[q]);
        free(m->gmp);
        mpfr_clear(m->lmp);
    }
    free(m);
    s->pop = NULL;
}

int sg_mpop_init(sg_mshadow *s)
{
    const sg_mproblem *p = s->p;
    struct sg_mpop *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    s->pop = m;
    m->po.loss = SG_LOSS_POPULATION;
    m->po.d = p->d;
    m->po.k = p->k;
    m->po.a = p->A;
    m->slen = sg_theta_len(p->d, p->k);
    size_t sl = (size_t)m->slen * sizeof(double), ml = (size_t)s->len * sizeof(double);
    m->th = malloc(sl);
    m->g = malloc(sl);
    m->tn = malloc(sl);
    m->gm = malloc(sl);
    m->tnm = malloc(sl);
    m->Ed = malloc(ml);
    m->Em = malloc(ml);
    m->sd = malloc(ml);
    m->sm = malloc(ml);
    m->gsum = malloc(ml);
    int ok = m->th && m->g && m->tn && m->gm && m->tnm && m->Ed && m->Em && m->sd && m->sm &&
             m->gsum;
    if (ok && (sg_shadow_init(&m->sh, &m->po, s->prec) != 0 ||
               sg_bounds_init(&m->bd, &m->po) != 0 || sg_bounds_init(&m->bm, &m->po) != 0))
        ok = 0;
    if (ok && (m->gmp = sg_mshadow_alloc_mp(s->len, s->prec)) != NULL)
        mpfr_init2(m->lmp, s->prec);
    if (!ok || !m->gmp) {
        sg_mpop_free(s);
        return -1;
    }
    return 0;
}

/* M10: one output's scalar step (double kernels, shadow, P0-P6 bounds), its
   contribution to the sums over outputs; returns the replica mismatches */
static long one_output(sg_mshadow *s, int o, const double *theta, double mu,
                       const sg_pop_ws *pop, sg_fp_model *fmp, double *lsum)
{
    struct sg_mpop *m = s->pop;
    int d = s->d, k = s->k;
    long kd = (long)k * d;
    const double *A_o = s->p->A + (long)o * d, *V_o = theta + kd + (long)o * k;
    memcpy(m->th, theta, (size_t)kd * sizeof(double));
    memcpy(m->th + kd, V_o, (size_t)k * sizeof(double));
    m->po.a = (double *)A_o;
    /* the scalar kernels on the multi kernels' geometry (round to nearest) */
    double L_o = sg_pop_loss(d, k, A_o, theta, V_o, pop);
    sg_pop_grad(d, k, A_o, theta, V_o, pop, m->g, m->g + kd);
    memcpy(m->tn, m->th, (size_t)m->slen * sizeof(double));
    sg_gd_update((int)m->slen, mu, m->g, m->tn);
    *lsum = o == 0 ? L_o : *lsum + L_o;
    for (long q = 0; q < kd; q++)
        m->gsum[q] = o == 0 ? m->g[q] : m->gsum[q] + m->g[q];
    for (int j = 0; j < k; j++)
        m->gsum[kd + (long)o * k + j] = m->g[kd + j];
    /* the scalar shadow of output o, summed in MPFR as the kernel sums */
    sg_shadow_set_theta(&m->sh, m->th);
    sg_shadow_loss_grad(&m->sh, &m->po);
    sg_shadow_update(&m->sh, mu);
    for (long q = 0; q < m->slen; q++) {
        m->gm[q] = mpfr_get_d(m->sh.grad[q], MPFR_RNDA);
        m->tnm[q] = mpfr_get_d(m->sh.theta_new[q], MPFR_RNDA);
    }
    if (o == 0)
        mpfr_set(m->lmp, m->sh.loss, MPFR_RNDN);
    else
        mpfr_add(m->lmp, m->lmp, m->sh.loss, MPFR_RNDN);
    for (long q = 0; q < kd; q++)
        if (o == 0)
            mpfr_set(m->gmp[q], m->sh.grad[q], MPFR_RNDN);
        else
            mpfr_add(m->gmp[q], m->gmp[q], m->sh.grad[q], MPFR_RNDN);
    for (int j = 0; j < k; j++)
        mpfr_set(m->gmp[kd + (long)o * k + j], m->sh.grad[kd + j], MPFR_RNDN);
    long mism = sg_bounds_population(&m->bd, &m->bm, &s->f64, fmp, &m->po, m->th, mu,
                                     pop->norm, pop->theta, L_o, m->g, m->tn, m->gm, m->tnm);
    /* the bounds of output o into the sums (upwards) */
    double lm = fabs(mpfr_get_d(m->sh.loss, MPFR_RNDA));
    int old = fegetround();
    fesetround(FE_UPWARD);
    s->pop_EL[0] = s->pop_EL[0] + m->bd.Eloss;
    s->pop_EL[1] = s->pop_EL[1] + m->bm.Eloss;
    s->pop_EL[2] = s->pop_EL[2] + fabs(L_o);
    s->pop_EL[3] = s->pop_EL[3] + lm;
    for (long q = 0; q < kd; q++) {
        m->Ed[q] = m->Ed[q] + m->bd.Eg[q];
        m->Em[q] = m->Em[q] + m->bm.Eg[q];
        m->sd[q] = m->sd[q] + fabs(m->g[q]);
        m->sm[q] = m->sm[q] + fabs(m->gm[q]);
    }
    for (int j = 0; j < k; j++) {
        long q = kd + (long)o * k + j;
        m->Ed[q] = m->bd.Eg[kd + j];
        m->Em[q] = m->bm.Eg[kd + j];
        m->sd[q] = 0.0;
        m->sm[q] = 0.0;
    }
    fesetround(old);
    return mism < 0 ? 1 : mism;
}

long sg_mpop_step(sg_mshadow *s, const double *theta, double mu, const sg_mstep_view *dbl)
{
    struct sg_mpop *m = s->pop;
    long kd = (long)s->k * s->d, mism = 0;
    sg_fp_model fmp = sg_fp_mpfr((long)s->prec);
    for (long q = 0; q < s->len; q++)
        m->Ed[q] = m->Em[q] = m->sd[q] = m->sm[q] = 0.0;
    for (int c = 0; c < 4; c++)
        s->pop_EL[c] = 0.0;
    double lsum = 0.0;
    for (int o = 0; o < s->r; o++)
        mism += one_output(s, o, theta, mu, dbl->pop, &fmp, &lsum);
    /* the replica of the multi kernels' sums must be the run's bits */
    if (memcmp(&lsum, &dbl->loss, sizeof lsum) != 0)
        mism++;
    for (long q = 0; q < s->len; q++)
        if (memcmp(&m->gsum[q], &dbl->grad[q], sizeof(double)) != 0)
            mism++;
    /* the MPFR step: loss, gradient, theta_new */
    mpfr_set(s->loss, m->lmp, MPFR_RNDN);
    for (long q = 0; q < s->len; q++) {
        mpfr_set(s->g[q], m->gmp[q], MPFR_RNDN);
        if (q < s->upd_len) {
            mpfr_mul_d(s->t0, s->g[q], mu, MPFR_RNDN);
            mpfr_d_sub(s->tn[q], theta[q], s->t0, MPFR_RNDN);
        } else {
            mpfr_set_d(s->tn[q], theta[q], MPFR_RNDN);
        }
    }
    /* M10 the sums over outputs, then M9 (E8) for each chain */
    int old = fegetround();
    fesetround(FE_UPWARD);
    double rm1 = (double)(s->r - 1);
    double gd = gamma_up(s->f64.u, rm1), gm = gamma_up(fmp.u, rm1);
    double r1d = rel1(s->f64.u), r1m = rel1(fmp.u);
    s->bd.Eloss = (s->pop_EL[0] + gd * s->pop_EL[2]) + (s->pop_EL[1] + gm * s->pop_EL[3]);
    for (long q = 0; q < s->len; q++) {
        double ed = m->Ed[q] + gd * m->sd[q], em = m->Em[q] + gm * m->sm[q];
        s->bd.Eg[q] = ed + em;
        if (q < s->upd_len) {
            double gmq = fabs(mpfr_get_d(s->g[q], MPFR_RNDA));
            double tmq = fabs(mpfr_get_d(s->tn[q], MPFR_RNDA));
            double td = r1d * fabs(dbl->theta_new[q]) + s->f64.u * (mu * fabs(dbl->grad[q])) +
                        s->f64.eta + mu * ed;
            double tm = r1m * tmq + fmp.u * (mu * gmq) + mu * em;
            s->bd.Etn[q] = td + tm;
        } else {
            s->bd.Etn[q] = 0.0;
        }
    }
    fesetround(old);
    (void)kd;
    return mism;
}
