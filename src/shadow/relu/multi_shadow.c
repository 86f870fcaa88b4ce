/* multi_shadow.c -- the MPFR step audit at r > 1 (see multi_shadow.h). */
#include "shadow/relu/multi_shadow.h"
#include "shadow/relu/shadow.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const cls_names[SG_MS_NCLASS] = {"z", "relu", "f", "r", "loss",
                                                    "grad_V", "t", "grad_W", "W", "V"};

const char *sg_ms_class_name(int c)
{
    return c >= 0 && c < SG_MS_NCLASS ? cls_names[c] : "?";
}

void sg_mshadow_grad_V(mpfr_t *Z, mpfr_t *R, int n, int k, int r, mpfr_ptr acc, mpfr_t *gV)
{
    for (int o = 0; o < r; o++)
        for (int j = 0; j < k; j++) {
            mpfr_set_zero(acc, 1);
            for (int i = 0; i < n; i++) {
                mpfr_srcptr z = Z[(long)i * k + j];
                if (mpfr_sgn(z) > 0)
                    mpfr_fma(acc, R[(long)i * r + o], z, acc, MPFR_RNDN);
            }
            mpfr_div_ui(gV[(long)o * k + j], acc, (unsigned long)n, MPFR_RNDN);
        }
}

mpfr_t *sg_mshadow_alloc_mp(long m, mpfr_prec_t prec)
{
    mpfr_t *x = malloc((size_t)(m > 0 ? m : 1) * sizeof(mpfr_t));
    if (x)
        for (long q = 0; q < m; q++)
            mpfr_init2(x[q], prec);
    return x;
}

static void free_mp(mpfr_t *x, long m)
{
    if (!x)
        return;
    for (long q = 0; q < m; q++)
        mpfr_clear(x[q]);
    free(x);
}

int sg_mshadow_init(sg_mshadow *s, const sg_mproblem *p, mpfr_prec_t prec, long upd_len)
{
    memset(s, 0, sizeof *s);
    s->prec = prec;
    s->p = p;
    s->n = p->n;
    s->d = p->d;
    s->k = p->k;
    s->r = p->r;
    s->len = sg_mtheta_len(p->d, p->k, p->r);
    s->upd_len = upd_len;
    s->f64 = sg_fp_binary64();
    long nk = (long)p->n * p->k, nr = (long)p->n * p->r;
    s->Z = sg_mshadow_alloc_mp(nk, prec);
    s->T = sg_mshadow_alloc_mp(nk, prec);
    s->F = sg_mshadow_alloc_mp(nr, prec);
    s->R = sg_mshadow_alloc_mp(nr, prec);
    s->g = sg_mshadow_alloc_mp(s->len, prec);
    s->tn = sg_mshadow_alloc_mp(s->len, prec);
    mpfr_inits2(prec, s->loss, s->t0, s->t1, s->e, (mpfr_ptr)0);
    mpz_init(s->z);
    sg_xacc_init(&s->acc);
    size_t bk = (size_t)(nk > 0 ? nk : 1) * sizeof(double);
    size_t br = (size_t)(nr > 0 ? nr : 1) * sizeof(double);
    size_t bl = (size_t)s->len * sizeof(double);
    s->Zm = malloc(bk);
    s->Hm = malloc(bk);
    s->Tm = malloc(bk);
    s->Fm = malloc(br);
    s->Rm = malloc(br);
    s->gm = malloc(bl);
    s->tnm = malloc(bl);
    int ok = s->Z && s->T && s->F && s->R && s->g && s->tn && s->Zm && s->Hm && s->Tm &&
             s->Fm && s->Rm && s->gm && s->tnm;
    int bd = sg_mbounds_init(&s->bd, p, upd_len), bm = sg_mbounds_init(&s->bm, p, upd_len);
    if (ok && bd == 0 && bm == 0 && p->loss == SG_LOSS_POPULATION && sg_mpop_init(s) != 0)
        ok = 0;
    if (!ok || bd != 0 || bm != 0) {
        sg_mshadow_free(s);
        return -1;
    }
    return 0;
}

void sg_mshadow_free(sg_mshadow *s)
{
    long nk = (long)s->n * s->k, nr = (long)s->n * s->r;
    free_mp(s->Z, nk);
    free_mp(s->T, nk);
    free_mp(s->F, nr);
    free_mp(s->R, nr);
    free_mp(s->g, s->len);
    free_mp(s->tn, s->len);
    if (s->prec) {
        mpfr_clears(s->loss, s->t0, s->t1, s->e, (mpfr_ptr)0);
        mpz_clear(s->z);
    }
    free(s->Zm);
    free(s->Hm);
    free(s->Tm);
    free(s->Fm);
    free(s->Rm);
    free(s->gm);
    free(s->tnm);
    sg_mpop_free(s);
    sg_mbounds_free(&s->bd);
    sg_mbounds_free(&s->bm);
    memset(s, 0, sizeof *s);
}

void sg_mshadow_step(sg_mshadow *s, const double *theta, double mu)
{
    const sg_mproblem *p = s->p;
    int n = s->n, d = s->d, k = s->k, r = s->r;
    const double *V = theta + (long)k * d;
    mpfr_t *gV = s->g + (long)k * d;
    /* Z exactly, rounded once: its sign is the exact sign (S1) */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            sg_xacc_clear(&s->acc);
            for (int l = 0; l < d; l++)
                sg_xacc_add_dd(&s->acc, theta[(long)j * d + l], p->X[(long)i * d + l]);
            if (s->acc.overflow)
                s->range_errors++;
            sg_xacc_get(&s->acc, s->Z[(long)i * k + j], MPFR_RNDN, s->z);
        }
    /* F, R; H = max(Z, 0) is read from Z */
    for (int i = 0; i < n; i++)
        for (int o = 0; o < r; o++) {
            mpfr_ptr f = s->F[(long)i * r + o];
            mpfr_set_zero(f, 1);
            for (int j = 0; j < k; j++) {
                mpfr_srcptr z = s->Z[(long)i * k + j];
                if (mpfr_sgn(z) > 0) {
                    mpfr_set_d(s->t1, V[(long)o * k + j], MPFR_RNDN); /* exact */
                    mpfr_fma(f, z, s->t1, f, MPFR_RNDN);
                }
            }
            mpfr_sub_d(s->R[(long)i * r + o], f, p->Y[(long)i * r + o], MPFR_RNDN);
        }
    /* L over the n*r cells in row-major order */
    mpfr_set_zero(s->t0, 1);
    for (long c = 0; c < (long)n * r; c++)
        mpfr_fma(s->t0, s->R[c], s->R[c], s->t0, MPFR_RNDN);
    mpfr_div_ui(s->loss, s->t0, 2UL * (unsigned long)n, MPFR_RNDN);
    /* gV */
    sg_mshadow_grad_V(s->Z, s->R, n, k, r, s->t0, gV);
    /* T from the first product */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            mpfr_ptr t = s->T[(long)i * k + j];
            mpfr_mul_d(t, s->R[(long)i * r], V[j], MPFR_RNDN);
            for (int o = 1; o < r; o++) {
                mpfr_set_d(s->t1, V[(long)o * k + j], MPFR_RNDN);
                mpfr_fma(t, s->R[(long)i * r + o], s->t1, t, MPFR_RNDN);
            }
        }
    /* gW over the active samples */
    for (int j = 0; j < k; j++)
        for (int l = 0; l < d; l++) {
            mpfr_set_zero(s->t0, 1);
            for (int i = 0; i < n; i++) {
                long q = (long)i * k + j;
                if (mpfr_sgn(s->Z[q]) > 0) {
                    mpfr_set_d(s->t1, p->X[(long)i * d + l], MPFR_RNDN);
                    mpfr_fma(s->t0, s->T[q], s->t1, s->t0, MPFR_RNDN);
                }
            }
            mpfr_div_ui(s->g[(long)j * d + l], s->t0, (unsigned long)n, MPFR_RNDN);
        }
    /* theta_new = theta - RN(mu g) where the update moves theta */
    for (long q = 0; q < s->len; q++) {
        if (q < s->upd_len) {
            mpfr_mul_d(s->t0, s->g[q], mu, MPFR_RNDN);
            mpfr_d_sub(s->tn[q], theta[q], s->t0, MPFR_RNDN);
        } else {
            mpfr_set_d(s->tn[q], theta[q], MPFR_RNDN);
        }
    }
}

static void images(double *out, mpfr_t *x, long m)
{
    for (long q = 0; q < m; q++)
        out[q] = mpfr_get_d(x[q], MPFR_RNDA);
}

/* one component: |dv - m| <= bound? */
static void compare(sg_mshadow *s, long t, int c, long idx, double dv, mpfr_srcptr m,
                    double bound)
{
    sg_ms_class_stats *cs = &s->cls[c];
    double err;
    if (!isfinite(dv) || !mpfr_number_p(m)) {
        s->nonfinite++;
        err = INFINITY;
    } else {
        /* rounded away from zero twice, so the tested error is >= the real
           one and a pass is never an artefact of rounding (roundoff.md A1) */
        mpfr_sub_d(s->e, m, dv, MPFR_RNDA);
        err = fabs(mpfr_get_d(s->e, MPFR_RNDA));
    }
    double ratio = bound > 0.0 ? err / bound : (err == 0.0 ? 0.0 : INFINITY);
    cs->checked++;
    s->checked++;
    if (ratio > cs->max_ratio)
        cs->max_ratio = ratio;
    if (ratio > s->step_ratio)
        s->step_ratio = ratio;
    if (ratio > s->max_ratio) {
        s->max_ratio = ratio;
        s->max_ratio_step = t;
    }
    if (!(err <= bound)) {
        cs->violations++;
        s->violations++;
        s->step_violations++;
        if (!s->have_first) {
            s->have_first = 1;
            s->first_step = t;
            s->first_class = c;
            s->first_index = idx;
            s->first_err = err;
            s->first_bound = bound;
        }
    }
}

/* loss, gradient and theta_new: the components both losses check */
static void compare_step(sg_mshadow *s, long t, const sg_mstep_view *dbl)
{
    long kd = (long)s->k * s->d;
    compare(s, t, SG_MS_LOSS, 0, dbl->loss, s->loss, s->bd.Eloss);
    for (long q = 0; q < s->len; q++) {
        compare(s, t, q < kd ? SG_MS_GW : SG_MS_GV, q, dbl->grad[q], s->g[q], s->bd.Eg[q]);
        compare(s, t, q < kd ? SG_MS_W : SG_MS_V, q, dbl->theta_new[q], s->tn[q],
                s->bd.Etn[q]);
    }
}

/* loss, gradient and theta_new against the sums over outputs (M10) */
static long audit_population(sg_mshadow *s, long t, const double *theta, double mu,
                             const sg_mstep_view *dbl)
{
    s->step_ratio = 0.0;
    s->step_violations = 0;
    s->step_ambiguous = 0;
    s->step_flips = 0;
    long mism = sg_mpop_step(s, theta, mu, dbl);
    if (mism > 0) { /* the bounds are those of the documented order: void */
        s->replica_mismatch += mism;
        s->violations += mism;
        s->step_violations += mism;
    }
    compare_step(s, t, dbl);
    s->steps++;
    return s->step_violations;
}

long sg_mshadow_audit(sg_mshadow *s, long t, const double *theta, double mu,
                      const sg_mstep_view *dbl)
{
    const sg_mproblem *p = s->p;
    long nk = (long)s->n * s->k, nr = (long)s->n * s->r;
    if (p->loss == SG_LOSS_POPULATION)
        return audit_population(s, t, theta, mu, dbl);
    sg_mshadow_step(s, theta, mu);
    images(s->Zm, s->Z, nk);
    for (long q = 0; q < nk; q++)
        s->Hm[q] = s->Zm[q] > 0.0 ? s->Zm[q] : 0.0;
    images(s->Fm, s->F, nr);
    images(s->Rm, s->R, nr);
    images(s->Tm, s->T, nk);
    images(s->gm, s->g, s->len);
    images(s->tnm, s->tn, s->len);
    sg_mstep_view mv = {s->Zm, s->Hm, s->Fm, s->Rm, s->Tm,
                        mpfr_get_d(s->loss, MPFR_RNDA), s->gm, s->tnm, NULL};
    sg_fp_model fmp = sg_fp_mpfr((long)s->prec);
    sg_mbounds_absdot(&s->bd, p, theta);
    memcpy(s->bm.S, s->bd.S, (size_t)nk * sizeof(double));
    sg_mbounds_empirical(&s->bd, &s->f64, p, theta, mu, dbl);
    sg_mbounds_empirical(&s->bm, &fmp, p, theta, mu, &mv);
    long namb = s->bd.ambiguous;
    sg_mbounds_sum(&s->bd, &s->bm);
    s->step_ratio = 0.0;
    s->step_violations = 0;
    s->step_ambiguous = namb;
    s->step_flips = 0;
    for (long q = 0; q < nk; q++) {
        compare(s, t, SG_MS_Z, q, dbl->Z[q], s->Z[q], s->bd.Ez[q]);
        mpfr_srcptr z = s->Z[q];
        if (mpfr_sgn(z) > 0)
            compare(s, t, SG_MS_RELU, q, dbl->H[q], z, s->bd.Ez[q]);
        else {
            mpfr_set_zero(s->t1, 1);
            compare(s, t, SG_MS_RELU, q, dbl->H[q], s->t1, s->bd.Ez[q]);
        }
        if ((dbl->Z[q] > 0.0) != (mpfr_sgn(z) > 0))
            s->step_flips++;
        compare(s, t, SG_MS_T, q, dbl->T[q], s->T[q], s->bd.Et[q]);
    }
    for (long c = 0; c < nr; c++) {
        compare(s, t, SG_MS_F, c, dbl->F[c], s->F[c], s->bd.Ef[c]);
        compare(s, t, SG_MS_R, c, dbl->R[c], s->R[c], s->bd.Er[c]);
    }
    compare_step(s, t, dbl);
    s->steps++;
    s->ambiguous += namb;
    s->flips += s->step_flips;
    return s->step_violations;
}
