/* bounds.c -- round-off bounds of one step (bounds.h; derivation in
 * specs/roundoff.md).  Compiled with -frounding-math; every function that
 * evaluates a bound switches to FE_UPWARD and restores the caller's mode.
 * Only +, *, / of non-negative numbers and sqrt are evaluated upwards, so
 * each result is an upper bound of the formula's real value (roundoff.md
 * section B0); the one subtraction, in gamma_m's denominator, is arranged
 * to round downwards. */
#include "shadow/relu/bounds_private.h"
#include <fenv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

sg_bounds_weakening sg_bounds_weaken = SG_WEAKEN_NONE;

sg_fp_model sg_fp_binary64(void)
{
    sg_fp_model m = {0x1p-53, 0x1p-1074, 1.0, 0};
    return m;
}

sg_fp_model sg_fp_mpfr(long prec)
{
    sg_fp_model m = {ldexp(1.0, (int)-prec), 0.0, 0.5, 1};
    return m;
}

double sg_gamma(const sg_fp_model *fm, double m)
{
    int old = fegetround();
    fesetround(FE_UPWARD);
    double g = gamma_up(fm->u, m);
    fesetround(old);
    return g;
}

static int is_pow2(long m)
{
    return m > 0 && (m & (m - 1)) == 0;
}

int sg_bounds_init(sg_bounds *b, const sg_problem *p)
{
    memset(b, 0, sizeof *b);
    b->n = p->n;
    b->d = p->d;
    b->k = p->k;
    b->len = sg_theta_len(p->d, p->k);
    size_t nk = (size_t)p->n * (size_t)p->k, n = (size_t)p->n;
    b->Eg = calloc((size_t)b->len, sizeof(double));
    b->Etn = calloc((size_t)b->len, sizeof(double));
    int ok = b->Eg && b->Etn;
    if (p->loss == SG_LOSS_EMPIRICAL) {
        b->S = calloc(nk, sizeof(double));
        b->Ez = calloc(nk, sizeof(double));
        b->amb = calloc(nk, 1);
        b->Ef = calloc(n, sizeof(double));
        b->Er = calloc(n, sizeof(double));
        b->cbuf = calloc(n, sizeof(double));
        b->colabs = calloc((size_t)p->d, sizeof(double));
        ok = ok && b->S && b->Ez && b->amb && b->Ef && b->Er && b->cbuf && b->colabs;
        if (ok) {
            int old = fegetround();
            fesetround(FE_UPWARD);
            for (int i = 0; i < p->n; i++)
                for (int l = 0; l < p->d; l++)
                    b->colabs[l] = b->colabs[l] + fabs(p->X[(long)i * p->d + l]);
            fesetround(old);
        }
    } else {
        b->Epop = calloc((size_t)(2 * p->k + p->k * p->k), sizeof(double));
        ok = ok && b->Epop;
    }
    if (!ok) {
        sg_bounds_free(b);
        return -1;
    }
    return 0;
}

void sg_bounds_free(sg_bounds *b)
{
    free(b->S);
    free(b->colabs);
    free(b->Ez);
    free(b->Ef);
    free(b->Er);
    free(b->Eg);
    free(b->Etn);
    free(b->Epop);
    free(b->cbuf);
    free(b->amb);
    memset(b, 0, sizeof *b);
}

void sg_bounds_absdot_rows(int n, int d, int k, const double *X, const double *W, double *S)
{
    int old = fegetround();
    fesetround(FE_UPWARD);
    sg_bounds_absdot_sums(n, d, k, X, W, S);
    fesetround(old);
}

void sg_bounds_absdot(sg_bounds *b, const sg_problem *p, const double *theta)
{
    sg_bounds_absdot_rows(p->n, p->d, p->k, p->X, theta, b->S);
}

/* bound of theta_new = fl(theta - fl(mu g)) given Eg (roundoff.md E8) */
void sg_bounds_update(sg_bounds *b, const sg_fp_model *fm, double mu, const double *grad,
                      const double *theta_new)
{
    double r1 = rel1(fm->u);
    for (long q = 0; q < b->len; q++) {
        double e = r1 * fabs(theta_new[q]);
        e = e + fm->u * (mu * fabs(grad[q]));
        e = e + fm->eta;
        e = e + mu * b->Eg[q];
        b->Etn[q] = e;
    }
}

void sg_bounds_empirical(sg_bounds *b, const sg_fp_model *fm, const sg_problem *p,
                         const double *theta, double mu, const double *Z,
                         const double *H, const double *r, double loss,
                         const double *grad, const double *theta_new)
{
    int n = p->n, d = p->d, k = p->k;
    const double *v = theta + (long)k * d;
    const double u = fm->u, eta = fm->eta;
    int old = fegetround();
    fesetround(FE_UPWARD);
    const double gd = gamma_up(u, (double)d), gk = gamma_up(u, (double)k);
    const double gn = gamma_up(u, (double)n), gn1 = gamma_up(u, (double)n + 1.0);
    const double r1 = rel1(u);
    const double dn = (double)n, two_n = 2.0 * (double)n;
    const double div_n = is_pow2(n) ? 0.0 : r1;       /* fl(s / n)   */
    const double div_2n = is_pow2(2L * n) ? 0.0 : r1; /* fl(s / 2n)  */

    /* E1 z and E2 ReLU(z); ambiguity */
    long namb = 0;
    for (long q = 0; q < (long)n * k; q++) {
        double e = gd * b->S[q] + (double)d * eta;
        b->Ez[q] = e;
        /* the shadow's chain: its z has the exact sign, so its indicator is
           the exact one (a second ambiguous term at an exact z = 0 would
           halve the reported error/bound, issue 11 item 6) */
        double thr = sg_bounds_weaken == SG_WEAKEN_AMB_THRESHOLD ? e / 4.0 : e;
        int a = !fm->exact_sign && fabs(Z[q]) <= thr;
        b->amb[q] = (unsigned char)a;
        namb += a;
    }
    b->ambiguous = namb;
    /* E3 f, E4 r */
    for (int i = 0; i < n; i++) {
        double s = 0.0, t = 0.0;
        for (int j = 0; j < k; j++) {
            long q = (long)i * k + j;
            s = s + fabs(H[q]) * fabs(v[j]);
            t = t + fabs(v[j]) * b->Ez[q];
        }
        double ef = gk * s + t + (double)k * eta;
        b->Ef[i] = ef;
        b->Er[i] = r1 * fabs(r[i]) + ef;
    }
    /* E5 loss */
    {
        double s = 0.0, t = 0.0;
        for (int i = 0; i < n; i++) {
            double ri = fabs(r[i]);
            s = s + ri * ri;
            t = t + b->Er[i] * (2.0 * ri + b->Er[i]);
        }
        double inner = gn * s + (double)n * eta + t;
        b->Eloss = (div_2n * fabs(loss) + eta) + inner / two_n;
    }
    /* E6 gv */
    double *Egv = b->Eg + (long)k * d;
    for (int j = 0; j < k; j++) {
        double s = 0.0, t = 0.0;
        for (int i = 0; i < n; i++) {
            long q = (long)i * k + j;
            double ri = fabs(r[i]), hi = fabs(H[q]);
            s = s + ri * hi;
            t = t + (ri * b->Ez[q] + b->Er[i] * hi + b->Er[i] * b->Ez[q]);
        }
        double gnv = sg_bounds_weaken == SG_WEAKEN_GV_GAMMA ? gn / 4.0 : gn;
        double inner = gnv * s + dn * eta + t;
        Egv[j] = (div_n * fabs(grad[(long)k * d + j]) + eta) + inner / dn;
    }
    /* E7 gW: per (i, j) a weight c_ij, then sum_i c_ij |x_il|; the rows of
       X outer (one pass over X, not one per neuron), each EgW[j][l] still
       summed from 0 over i in increasing order */
    for (long q = 0; q < (long)k * d; q++)
        b->Eg[q] = 0.0;
    for (int i = 0; i < n; i++) {
        double ri = fabs(r[i]);
        const double *x = p->X + (long)i * d;
        for (int j = 0; j < k; j++) {
            long q = (long)i * k + j;
            int active = Z[q] > 0.0;
            double c = 0.0;
            if (active)
                c = c + gn1 * ri;
            if (b->amb[q])
                c = c + (ri + (sg_bounds_weaken == SG_WEAKEN_AMB_ER ? 0.0 : b->Er[i]));
            else if (active)
                c = c + b->Er[i];
            if (c == 0.0)
                continue;
            sg_bounds_add_scaled_abs(d, c, x, b->Eg + (long)j * d);
        }
    }
    for (int j = 0; j < k; j++) {
        double avj = fabs(v[j]);
        double *EgW = b->Eg + (long)j * d;
        for (int l = 0; l < d; l++) {
            double uf = sg_bounds_weaken == SG_WEAKEN_GW_UNDERFLOW
                            ? 0.0 : 2.0 * eta * (dn + b->colabs[l]);
            double inner = avj * EgW[l] + uf;
            EgW[l] = (div_n * fabs(grad[(long)j * d + l]) + eta) + inner / dn;
        }
    }
    /* E8 the update */
    sg_bounds_update(b, fm, mu, grad, theta_new);
    fesetround(old);
}

void sg_bounds_sum(sg_bounds *bd, const sg_bounds *bm)
{
    int old = fegetround();
    fesetround(FE_UPWARD);
    long nk = (long)bd->n * bd->k;
    if (bd->Ez) {
        for (long q = 0; q < nk; q++)
            bd->Ez[q] = bd->Ez[q] + bm->Ez[q];
        for (int i = 0; i < bd->n; i++) {
            bd->Ef[i] = bd->Ef[i] + bm->Ef[i];
            bd->Er[i] = bd->Er[i] + bm->Er[i];
        }
    }
    if (bd->Epop)
        for (long q = 0; q < 2L * bd->k + (long)bd->k * bd->k; q++)
            bd->Epop[q] = bd->Epop[q] + bm->Epop[q];
    bd->Eloss = bd->Eloss + bm->Eloss;
    for (long q = 0; q < bd->len; q++) {
        bd->Eg[q] = bd->Eg[q] + bm->Eg[q];
        bd->Etn[q] = bd->Etn[q] + bm->Etn[q];
    }
    fesetround(old);
}

