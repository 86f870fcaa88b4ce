/* multi_bounds.c -- round-off bounds of one multi-output step (multi_bounds.h;
 * derivation in specs/roundoff.md M1-M9).  As bounds.c: every bound is a sum
 * and product of non-negative numbers evaluated under FE_UPWARD (B0), the
 * caller's rounding mode restored. */
#include "shadow/relu/multi_bounds.h"
#include "shadow/relu/bounds_private.h"
#include <fenv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int sg_mbounds_init(sg_mbounds *b, const sg_mproblem *p, long upd_len)
{
    memset(b, 0, sizeof *b);
    b->n = p->n;
    b->d = p->d;
    b->k = p->k;
    b->r = p->r;
    b->len = sg_mtheta_len(p->d, p->k, p->r);
    b->upd_len = upd_len;
    size_t nk = (size_t)p->n * (size_t)p->k, nr = (size_t)p->n * (size_t)p->r;
    nk = nk ? nk : 1; /* n = 0: the population loss uses Eloss, Eg, Etn only */
    nr = nr ? nr : 1;
    b->S = calloc(nk, sizeof(double));
    b->Ez = calloc(nk, sizeof(double));
    b->Et = calloc(nk, sizeof(double));
    b->amb = calloc(nk, 1);
    b->Ef = calloc(nr, sizeof(double));
    b->Er = calloc(nr, sizeof(double));
    b->Eg = calloc((size_t)b->len, sizeof(double));
    b->Etn = calloc((size_t)b->len, sizeof(double));
    if (!b->S || !b->Ez || !b->Et || !b->amb || !b->Ef || !b->Er || !b->Eg || !b->Etn) {
        sg_mbounds_free(b);
        return -1;
    }
    return 0;
}

void sg_mbounds_free(sg_mbounds *b)
{
    free(b->S);
    free(b->Ez);
    free(b->Et);
    free(b->amb);
    free(b->Ef);
    free(b->Er);
    free(b->Eg);
    free(b->Etn);
    memset(b, 0, sizeof *b);
}

void sg_mbounds_absdot(sg_mbounds *b, const sg_mproblem *p, const double *theta)
{
    sg_bounds_absdot_rows(p->n, p->d, p->k, p->X, theta, b->S);
}

static int is_pow2(long m)
{
    return m > 0 && (m & (m - 1)) == 0;
}

/* M1 Z, M2 ReLU(Z) and the ambiguous pairs */
static void bound_z(sg_mbounds *b, const sg_fp_model *fm, const double *Z)
{
    const double gd = gamma_up(fm->u, (double)b->d);
    long namb = 0;
    for (long q = 0; q < (long)b->n * b->k; q++) {
        double e = gd * b->S[q] + (double)b->d * fm->eta;
        b->Ez[q] = e;
        int a = !fm->exact_sign && fabs(Z[q]) <= e;
        b->amb[q] = (unsigned char)a;
        namb += a;
    }
    b->ambiguous = namb;
}

/* M3 F, M4 R: per cell (i, o), the dot over j of H_i and V_o */
static void bound_fr(sg_mbounds *b, const sg_fp_model *fm, const double *V,
                     const sg_mstep_view *s)
{
    int n = b->n, k = b->k, r = b->r;
    const double gk = gamma_up(fm->u, (double)k), r1 = rel1(fm->u);
    for (int i = 0; i < n; i++)
        for (int o = 0; o < r; o++) {
            double a = 0.0, t = 0.0;
            for (int j = 0; j < k; j++) {
                long q = (long)i * k + j;
                double v = fabs(V[(long)o * k + j]);
                a = a + fabs(s->H[q]) * v;
                t = t + v * b->Ez[q];
            }
            long c = (long)i * r + o;
            double ef = gk * a + t + (double)k * fm->eta;
            b->Ef[c] = ef;
            b->Er[c] = r1 * fabs(s->R[c]) + ef;
        }
}

/* M5 the loss: a dot of length n*r, divided by 2n */
static void bound_loss(sg_mbounds *b, const sg_fp_model *fm, const sg_mstep_view *s)
{
    long nr = (long)b->n * b->r;
    const double gnr = gamma_up(fm->u, (double)nr), r1 = rel1(fm->u);
    const double div_2n = is_pow2(2L * b->n) ? 0.0 : r1;
    double a = 0.0, t = 0.0;
    for (long c = 0; c < nr; c++) {
        double ri = fabs(s->R[c]);
        a = a + ri * ri;
        t = t + b->Er[c] * (2.0 * ri + b->Er[c]);
    }
    double inner = gnr * a + (double)nr * fm->eta + t;
    b->Eloss = (div_2n * fabs(s->loss) + fm->eta) + inner / (2.0 * (double)b->n);
}

/* M6 gV[o][j] = (sum_i R_io H_ij) / n */
static void bound_gv(sg_mbounds *b, const sg_fp_model *fm, const sg_mstep_view *s)
{
    int n = b->n, k = b->k, r = b->r, d = b->d;
    const double gn = gamma_up(fm->u, (double)n), r1 = rel1(fm->u), dn = (double)n;
    const double div_n = is_pow2(n) ? 0.0 : r1;
    double *Egv = b->Eg + (long)k * d;
    const double *gv = s->grad + (long)k * d;
    for (int o = 0; o < r; o++)
        for (int j = 0; j < k; j++) {
            double a = 0.0, t = 0.0;
            for (int i = 0; i < n; i++) {
                long q = (long)i * k + j, c = (long)i * r + o;
                double ri = fabs(s->R[c]), hi = fabs(s->H[q]);
                a = a + ri * hi;
                t = t + (ri * b->Ez[q] + b->Er[c] * hi + b->Er[c] * b->Ez[q]);
            }
            long g = (long)o * k + j;
            double inner = gn * a + dn * fm->eta + t;
            Egv[g] = (div_n * fabs(gv[g]) + fm->eta) + inner / dn;
        }
}

/* M7 T[i][j] = sum_o R_io V_oj: r products, added from the first (r
   roundings of the first product's chain, r underflow terms), and the
   propagated error of R */
static void bound_t(sg_mbounds *b, const sg_fp_model *fm, const double *V,
                    const sg_mstep_view *s)
{
    int n = b->n, k = b->k, r = b->r;
    const double gr = gamma_up(fm->u, (double)r);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            double a = 0.0, t = 0.0;
            for (int o = 0; o < r; o++) {
                long c = (long)i * r + o;
                double v = fabs(V[(long)o * k + j]);
                a = a + fabs(s->R[c]) * v;
                t = t + v * b->Er[c];
            }
            b->Et[(long)i * k + j] = gr * a + t + (double)r * fm->eta;
        }
}

/* M8 gW[j][l] = (sum_{i: Z^_ij > 0} T^_ij X_il) / n: per (i, j) a weight
   c_ij (the scalar E7's with T^ for r^ v and E^T for |v| E^r), then
   sum_i c_ij |x_il| */
static void bound_gw(sg_mbounds *b, const sg_fp_model *fm, const sg_mproblem *p,
                     const sg_mstep_view *s)
{
    int n = b->n, k = b->k, d = b->d;
    const double gn = gamma_up(fm->u, (double)n), r1 = rel1(fm->u), dn = (double)n;
    const double div_n = is_pow2(n) ? 0.0 : r1;
    for (int j = 0; j < k; j++) {
        double *E = b->Eg + (long)j * d;
        for (int l = 0; l < d; l++)
            E[l] = 0.0;
        for (int i = 0; i < n; i++) {
            long q = (long)i * k + j;
            int active = s->Z[q] > 0.0;
            double ti = fabs(s->T[q]), c = 0.0;
            if (active)
                c = c + gn * ti;
            if (b->amb[q])
                c = c + (ti + b->Et[q]);
            else if (active)
                c = c + b->Et[q];
            if (c == 0.0)
                continue;
            const double *x = p->X + (long)i * d;
            for (int l = 0; l < d; l++)
                E[l] = E[l] + c * fabs(x[l]);
        }
        for (int l = 0; l < d; l++) {
            double inner = E[l] + dn * fm->eta;
            E[l] = (div_n * fabs(s->grad[(long)j * d + l]) + fm->eta) + inner / dn;
        }
    }
}

void sg_mbounds_empirical(sg_mbounds *b, const sg_fp_model *fm, const sg_mproblem *p,
                          const double *theta, double mu, const sg_mstep_view *s)
{
    const double *V = theta + (long)p->k * p->d;
    int old = fegetround();
    fesetround(FE_UPWARD);
    bound_z(b, fm, s->Z);
    bound_fr(b, fm, V, s);
    bound_loss(b, fm, s);
    bound_gv(b, fm, s);
    bound_t(b, fm, V, s);
    bound_gw(b, fm, p, s);
    /* M9 the update: the scalar E8 on the components it moves; beyond
       upd_len (--freeze-v) theta_new = theta exactly */
    sg_bounds u;
    memset(&u, 0, sizeof u);
    u.len = b->upd_len;
    u.Eg = b->Eg;
    u.Etn = b->Etn;
    sg_bounds_update(&u, fm, mu, s->grad, s->theta_new);
    for (long q = b->upd_len; q < b->len; q++)
        b->Etn[q] = 0.0;
    fesetround(old);
}

static void add_up(double *a, const double *b, long m)
{
    for (long q = 0; q < m; q++)
        a[q] = a[q] + b[q];
}

void sg_mbounds_sum(sg_mbounds *bd, const sg_mbounds *bm)
{
    int old = fegetround();
    fesetround(FE_UPWARD);
    long nk = (long)bd->n * bd->k, nr = (long)bd->n * bd->r;
    add_up(bd->Ez, bm->Ez, nk);
    add_up(bd->Et, bm->Et, nk);
    add_up(bd->Ef, bm->Ef, nr);
    add_up(bd->Er, bm->Er, nr);
    add_up(bd->Eg, bm->Eg, bd->len);
    add_up(bd->Etn, bm->Etn, bd->len);
    bd->Eloss = bd->Eloss + bm->Eloss;
    fesetround(old);
}
