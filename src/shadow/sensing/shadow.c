/* shadow.c -- Model B's MPFR step (order and precision in shadow.h). */
#include "shadow/sensing/shadow.h"
#include <stdlib.h>
#include <string.h>

static mpfr_t *alloc_mp(long n, long prec)
{
    mpfr_t *v = malloc((size_t)(n > 0 ? n : 1) * sizeof(mpfr_t));
    if (v)
        for (long q = 0; q < n; q++) {
            mpfr_init2(v[q], prec);
            mpfr_set_zero(v[q], 1);
        }
    return v;
}

static void free_mp(mpfr_t *v, long n)
{
    if (!v)
        return;
    for (long q = 0; q < n; q++)
        mpfr_clear(v[q]);
    free(v);
}

int sg_sens_mp_init(sg_sens_mp *s, const sg_sens_problem *p, long prec)
{
    memset(s, 0, sizeof *s);
    if (prec < 53 || prec > SG_XACC_MAX_PREC)
        return -1;
    s->prec = prec;
    s->n1 = p->n1, s->n2 = p->n2, s->k = p->k, s->m = p->m, s->N = p->N;
    s->len = sg_sens_theta_len(p);
    s->theta = alloc_mp(s->len, prec);
    s->P = alloc_mp(s->N, prec);
    s->res = alloc_mp(s->m, prec);
    s->M = alloc_mp(s->N, prec);
    s->grad = alloc_mp(s->len, prec);
    s->theta_new = alloc_mp(s->len, prec);
    mpfr_inits2(prec, s->loss, s->t0, (mpfr_ptr)0);
    mpz_init(s->z);
    int L = sg_xnum_limbs(prec);
    s->Px = calloc((size_t)s->N, sizeof(sg_xnum));
    s->rx = calloc((size_t)s->m, sizeof(sg_xnum));
    s->limbs = calloc((size_t)(s->N + s->m) * (size_t)L, sizeof(uint64_t));
    s->acc = malloc(SG_SENS_SHADOW_QBLOCK * sizeof(sg_xacc));
    if (!s->theta || !s->P || !s->res || !s->M || !s->grad || !s->theta_new || !s->Px ||
        !s->rx || !s->limbs || !s->acc) {
        sg_sens_mp_free(s);
        return -1;
    }
    for (long q = 0; q < s->N; q++)
        s->Px[q].limb = s->limbs + q * L;
    for (long i = 0; i < s->m; i++)
        s->rx[i].limb = s->limbs + ((long)s->N + i) * L;
    for (int b = 0; b < SG_SENS_SHADOW_QBLOCK; b++)
        sg_xacc_init(&s->acc[b]);
    return 0;
}

void sg_sens_mp_free(sg_sens_mp *s)
{
    if (s->prec == 0)
        return;
    free_mp(s->theta, s->len), free_mp(s->P, s->N), free_mp(s->res, s->m);
    free_mp(s->M, s->N), free_mp(s->grad, s->len), free_mp(s->theta_new, s->len);
    mpfr_clears(s->loss, s->t0, (mpfr_ptr)0);
    mpz_clear(s->z);
    free(s->Px), free(s->rx), free(s->limbs), free(s->acc);
    memset(s, 0, sizeof *s);
}

void sg_sens_mp_set_theta(sg_sens_mp *s, const double *theta)
{
    for (long q = 0; q < s->len; q++)
        mpfr_set_d(s->theta[q], theta[q], MPFR_RNDN);
}

void sg_sens_mp_get_theta(const sg_sens_mp *s, double *out)
{
    for (long q = 0; q < s->len; q++)
        out[q] = mpfr_get_d(s->theta[q], MPFR_RNDN);
}

/* out <- sum_{t<n} x[t*sx] * y[t*sy], recursive, one rounding per term */
static void fma_dot(mpfr_ptr out, int n, mpfr_t *x, long sx, mpfr_t *y, long sy)
{
    mpfr_set_zero(out, 1);
    for (int t = 0; t < n; t++)
        mpfr_fma(out, x[(long)t * sx], y[(long)t * sy], out, MPFR_RNDN);
}

void sg_sens_mp_step(sg_sens_mp *s, const sg_sens_problem *p, double mu)
{
    int n1 = s->n1, n2 = s->n2, k = s->k, m = s->m, N = s->N;
    mpfr_t *U = s->theta, *V = s->theta + (long)n1 * k;
    /* P = U V^T */
    for (int a = 0; a < n1; a++)
        for (int b = 0; b < n2; b++) {
            long q = (long)a * n2 + b;
            fma_dot(s->P[q], k, U + (long)a * k, 1, V + (long)b * k, 1);
            if (sg_xnum_from_mpfr(&s->Px[q], s->P[q], s->z) != 0)
                s->range_errors++;
        }
    /* res_i = RN(RN(s_i c) - y_i), s_i exact */
    sg_xacc *acc = &s->acc[0];
    for (int i = 0; i < m; i++) {
        sg_xacc_clear(acc);
        sg_xacc_dot_xd(acc, N, s->Px, p->A + (long)i * N);
        if (acc->overflow)
            s->range_errors++;
        sg_xacc_get(acc, s->t0, MPFR_RNDN, s->z);
        mpfr_mul_d(s->t0, s->t0, p->c, MPFR_RNDN);
        mpfr_sub_d(s->res[i], s->t0, p->y[i], MPFR_RNDN);
        if (sg_xnum_from_mpfr(&s->rx[i], s->res[i], s->z) != 0)
            s->range_errors++;
    }
    /* L = 1/2 sum res^2 */
    fma_dot(s->loss, m, s->res, 1, s->res, 1);
    mpfr_mul_2si(s->loss, s->loss, -1, MPFR_RNDN);
    /* M[q] = RN(RN(sum_i res_i A[i][q]) c), exact sums by column blocks */
    for (int q0 = 0; q0 < N; q0 += SG_SENS_SHADOW_QBLOCK) {
        int nb = N - q0 < SG_SENS_SHADOW_QBLOCK ? N - q0 : SG_SENS_SHADOW_QBLOCK;
        for (int b = 0; b < nb; b++)
            sg_xacc_clear(&s->acc[b]);
        for (int i = 0; i < m; i++)
            if (s->rx[i].nl != 0)
                sg_xacc_row_xd(s->acc, nb, &s->rx[i], p->A + (long)i * N + q0);
        for (int b = 0; b < nb; b++) {
            if (s->acc[b].overflow)
                s->range_errors++;
            sg_xacc_get(&s->acc[b], s->M[q0 + b], MPFR_RNDN, s->z);
            mpfr_mul_d(s->M[q0 + b], s->M[q0 + b], p->c, MPFR_RNDN);
        }
    }
    /* GU = M V (b left to right), GV = M^T U (a left to right) */
    mpfr_t *GU = s->grad, *GV = s->grad + (long)n1 * k;
    for (int a = 0; a < n1; a++)
        for (int j = 0; j < k; j++)
            fma_dot(GU[(long)a * k + j], n2, s->M + (long)a * n2, 1, V + j, k);
    for (int b = 0; b < n2; b++)
        for (int j = 0; j < k; j++)
            fma_dot(GV[(long)b * k + j], n1, s->M + b, n2, U + j, k);
    /* theta+ = RN(theta - RN(mu g)) */
    for (long q = 0; q < s->len; q++) {
        mpfr_mul_d(s->t0, s->grad[q], mu, MPFR_RNDN);
        mpfr_sub(s->theta_new[q], s->theta[q], s->t0, MPFR_RNDN);
    }
}

void sg_sens_mp_advance(sg_sens_mp *s)
{
    for (long q = 0; q < s->len; q++)
        mpfr_swap(s->theta[q], s->theta_new[q]);
}

double sg_sens_mp_divergence(sg_sens_mp *s, const double *theta)
{
    mpfr_t d, nrm;
    mpfr_inits2(s->prec, d, nrm, (mpfr_ptr)0);
    mpfr_set_zero(d, 1), mpfr_set_zero(nrm, 1);
    for (long q = 0; q < s->len; q++) {
        mpfr_sub_d(s->t0, s->theta[q], theta[q], MPFR_RNDN);
        mpfr_fma(d, s->t0, s->t0, d, MPFR_RNDN);
        mpfr_fma(nrm, s->theta[q], s->theta[q], nrm, MPFR_RNDN);
    }
    double out = 0.0;
    if (!mpfr_zero_p(nrm)) {
        mpfr_div(d, d, nrm, MPFR_RNDN);
        mpfr_sqrt(d, d, MPFR_RNDN);
        out = mpfr_get_d(d, MPFR_RNDN);
    } else if (!mpfr_zero_p(d)) {
        out = 1.0 / 0.0;
    }
    mpfr_clears(d, nrm, (mpfr_ptr)0);
    return out;
}
