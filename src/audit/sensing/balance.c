/* balance.c -- BALANCE identity residual and its tolerance (balance.h;
 * derivation in specs/roundoff.md, "BALANCE tolerance"). */
#include "audit/sensing/balance.h"
#include <fenv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Inputs of one check: MPFR values (exact copies of the trajectory's
   numbers) and their magnitudes rounded up, as doubles. */
typedef struct {
    int n1, n2, k;
    mpfr_t *th, *thn, *g;      /* len each */
    double *ath, *athn, *ag;   /* |.| rounded up, len each */
    double *aM;                /* |M| rounded up, N */
} bal_in;

/* sum_{t<n} |X_ti| |Y_tj| for n x k row-major X, Y (upward) */
static double absgram(int n, int k, const double *X, const double *Y, int i, int j)
{
    double s = 0.0;
    for (int t = 0; t < n; t++)
        s += X[(long)t * k + i] * Y[(long)t * k + j];
    return s;
}

/* T (k*k) and the evaluation scale Sabs (k*k), under FE_UPWARD */
static int tolerance(const bal_in *in, const sg_fp_model *fm, double mu, double *T, double *Sabs)
{
    int n1 = in->n1, n2 = in->n2, k = in->k;
    long lu = (long)n1 * k, len = (long)(n1 + n2) * k;
    double gn1 = sg_gamma(fm, n1), gn2 = sg_gamma(fm, n2);
    double *B = malloc((size_t)len * sizeof(double));   /* [B1 | B2] */
    double *H = malloc((size_t)len * sizeof(double));   /* [H1 | H2] */
    if (!B || !H) {
        free(B), free(H);
        return -1;
    }
    int old = fegetround();
    fesetround(FE_UPWARD);
    double u = fm->u, eta = fm->eta, t1 = u - 1.0, r1 = u / -t1;
    const double *aU = in->ath, *aV = in->ath + lu;
    /* B1_aj = gamma_n2 sum_b |M_ab| |V_bj| + n2 eta; B2_bj likewise over a */
    for (int a = 0; a < n1; a++)
        for (int j = 0; j < k; j++) {
            double s = 0.0;
            for (int b = 0; b < n2; b++)
                s += in->aM[(long)a * n2 + b] * aV[(long)b * k + j];
            B[(long)a * k + j] = gn2 * s + n2 * eta;
        }
    for (int b = 0; b < n2; b++)
        for (int j = 0; j < k; j++) {
            double s = 0.0;
            for (int a = 0; a < n1; a++)
                s += in->aM[(long)a * n2 + b] * aU[(long)a * k + j];
            B[lu + (long)b * k + j] = gn1 * s + n1 * eta;
        }
    /* H = C + mu B, C = u |mu g| + eta + u/(1-u) |theta+| (the update) */
    for (long q = 0; q < len; q++)
        H[q] = u * (mu * in->ag[q]) + eta + r1 * in->athn[q] + mu * B[q];
    double mu2 = mu * mu;
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            const double *aUn = in->athn, *aVn = in->athn + lu;
            const double *aGU = in->ag, *aGV = in->ag + lu;
            const double *H1 = H, *H2 = H + lu, *B1 = B, *B2 = B + lu;
            double t = absgram(n1, k, aUn, H1, i, j) + absgram(n1, k, H1, aUn, i, j) +
                       absgram(n1, k, H1, H1, i, j) + absgram(n2, k, aVn, H2, i, j) +
                       absgram(n2, k, H2, aVn, i, j) + absgram(n2, k, H2, H2, i, j);
            double e = absgram(n1, k, aGU, B1, i, j) + absgram(n1, k, B1, aGU, i, j) +
                       absgram(n1, k, B1, B1, i, j) + absgram(n2, k, aGV, B2, i, j) +
                       absgram(n2, k, B2, aGV, i, j) + absgram(n2, k, B2, B2, i, j);
            T[i * k + j] = t + mu2 * e;
            Sabs[i * k + j] = absgram(n1, k, aUn, aUn, i, j) + absgram(n2, k, aVn, aVn, i, j) +
                              absgram(n1, k, in->ath, in->ath, i, j) +
                              absgram(n2, k, aV, aV, i, j) +
                              mu2 * (absgram(n1, k, aGU, aGU, i, j) +
                                     absgram(n2, k, aGV, aGV, i, j));
        }
    fesetround(old);
    free(B), free(H);
    return 0;
}

/* acc <- acc + sgn * sum_{t<n} X_ti Y_tj (MPFR, one rounding per term) */
static void gram_acc(mpfr_t acc, int n, int k, mpfr_t *X, mpfr_t *Y, int i, int j, int sgn,
                     mpfr_t tmp)
{
    for (int t = 0; t < n; t++) {
        mpfr_mul(tmp, X[(long)t * k + i], Y[(long)t * k + j], MPFR_RNDN);
        if (sgn > 0)
            mpfr_add(acc, acc, tmp, MPFR_RNDN);
        else
            mpfr_sub(acc, acc, tmp, MPFR_RNDN);
    }
}

static long check(const bal_in *in, const sg_fp_model *fm, double mu, long pe,
                  sg_sens_balance *out)
{
    int n1 = in->n1, n2 = in->n2, k = in->k;
    long lu = (long)n1 * k;
    double *T = malloc((size_t)k * k * 2 * sizeof(double));
    if (!T || tolerance(in, fm, mu, T, T + (long)k * k) != 0) {
        free(T);
        return -1;
    }
    double *Sabs = T + (long)k * k;
    /* evaluation error of R at precision pe: 2 n1 + 2 n2 + 2 (n1 + n2)
       products and sums, each rounded once, plus mu^2 and 3 combinations:
       gamma_{cnt}(2^-pe) * Sabs with cnt = 4 (n1 + n2) + 8 */
    sg_fp_model fe = sg_fp_mpfr(pe);
    double ge = sg_gamma(&fe, 4.0 * (n1 + n2) + 8.0);
    mpfr_t acc, g2, tmp, mu2;
    mpfr_inits2(pe, acc, g2, tmp, mu2, (mpfr_ptr)0);
    mpfr_set_d(mu2, mu, MPFR_RNDN);
    mpfr_sqr(mu2, mu2, MPFR_RNDN);
    memset(out, 0, sizeof *out);
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            mpfr_set_zero(acc, 1), mpfr_set_zero(g2, 1);
            gram_acc(acc, n1, k, in->thn, in->thn, i, j, +1, tmp);
            gram_acc(acc, n2, k, in->thn + lu, in->thn + lu, i, j, -1, tmp);
            gram_acc(acc, n1, k, in->th, in->th, i, j, -1, tmp);
            gram_acc(acc, n2, k, in->th + lu, in->th + lu, i, j, +1, tmp);
            gram_acc(g2, n1, k, in->g, in->g, i, j, +1, tmp);
            gram_acc(g2, n2, k, in->g + lu, in->g + lu, i, j, -1, tmp);
            mpfr_mul(g2, g2, mu2, MPFR_RNDN);
            double drift = fabs(mpfr_get_d(g2, MPFR_RNDN));
            if (drift > out->drift)
                out->drift = drift;
            mpfr_sub(acc, acc, g2, MPFR_RNDN);
            double R = fabs(mpfr_get_d(acc, MPFR_RNDA));
            int old = fegetround();
            fesetround(FE_UPWARD);
            double tol = T[i * k + j] + ge * Sabs[i * k + j];
            fesetround(old);
            if (R > out->max_abs)
                out->max_abs = R;
            double ratio = tol > 0.0 ? R / tol : (R > 0.0 ? INFINITY : 0.0);
            if (ratio > out->max_ratio)
                out->max_ratio = ratio;
            if (!(R <= tol))
                out->violations++;
        }
    mpfr_clears(acc, g2, tmp, mu2, (mpfr_ptr)0);
    free(T);
    return out->violations;
}

static int in_alloc(bal_in *in, const sg_sens_problem *p, long prec)
{
    long len = sg_sens_theta_len(p);
    in->n1 = p->n1, in->n2 = p->n2, in->k = p->k;
    in->th = malloc((size_t)len * sizeof(mpfr_t));
    in->thn = malloc((size_t)len * sizeof(mpfr_t));
    in->g = malloc((size_t)len * sizeof(mpfr_t));
    in->ath = malloc((size_t)len * 3 * sizeof(double));
    in->aM = malloc((size_t)p->N * sizeof(double));
    if (!in->th || !in->thn || !in->g || !in->ath || !in->aM) {
        free(in->th), free(in->thn), free(in->g), free(in->ath), free(in->aM);
        return -1;
    }
    in->athn = in->ath + len, in->ag = in->ath + 2 * len;
    for (long q = 0; q < len; q++)
        mpfr_inits2(prec, in->th[q], in->thn[q], in->g[q], (mpfr_ptr)0);
    return 0;
}

static void in_free(bal_in *in, long len)
{
    for (long q = 0; q < len; q++)
        mpfr_clears(in->th[q], in->thn[q], in->g[q], (mpfr_ptr)0);
    free(in->th), free(in->thn), free(in->g), free(in->ath), free(in->aM);
}

long sg_sens_balance_double(const sg_sens_problem *p, const sg_fp_model *fm, double mu,
                            const double *theta, const double *theta_new, const double *grad,
                            const double *M, sg_sens_balance *out)
{
    bal_in in;
    long len = sg_sens_theta_len(p);
    if (in_alloc(&in, p, 53) != 0)
        return -1;
    for (long q = 0; q < len; q++) {
        mpfr_set_d(in.th[q], theta[q], MPFR_RNDN);
        mpfr_set_d(in.thn[q], theta_new[q], MPFR_RNDN);
        mpfr_set_d(in.g[q], grad[q], MPFR_RNDN);
        in.ath[q] = fabs(theta[q]), in.athn[q] = fabs(theta_new[q]), in.ag[q] = fabs(grad[q]);
    }
    for (long q = 0; q < p->N; q++)
        in.aM[q] = fabs(M[q]);
    long v = check(&in, fm, mu, 256, out);
    in_free(&in, len);
    return v;
}

long sg_sens_balance_mp(const sg_sens_problem *p, sg_sens_mp *s, double mu,
                        sg_sens_balance *out)
{
    bal_in in;
    long len = s->len;
    if (in_alloc(&in, p, s->prec) != 0)
        return -1;
    for (long q = 0; q < len; q++) {
        mpfr_set(in.th[q], s->theta[q], MPFR_RNDN);
        mpfr_set(in.thn[q], s->theta_new[q], MPFR_RNDN);
        mpfr_set(in.g[q], s->grad[q], MPFR_RNDN);
        in.ath[q] = fabs(mpfr_get_d(s->theta[q], MPFR_RNDA));
        in.athn[q] = fabs(mpfr_get_d(s->theta_new[q], MPFR_RNDA));
        in.ag[q] = fabs(mpfr_get_d(s->grad[q], MPFR_RNDA));
    }
    for (long q = 0; q < p->N; q++)
        in.aM[q] = fabs(mpfr_get_d(s->M[q], MPFR_RNDA));
    sg_fp_model fm = sg_fp_mpfr(s->prec);
    long pe = 2 * s->prec + 64 > 256 ? 2 * s->prec + 64 : 256;
    long v = check(&in, &fm, mu, pe, out);
    in_free(&in, len);
    return v;
}
