/* shadow.c -- MPFR mirror of the double kernels (see shadow.h; the error
 * analysis is specs/roundoff.md sections S1-S2). */
#include "shadow/relu/shadow.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static mpfr_t *alloc_mp(long m, mpfr_prec_t prec)
{
    if (m <= 0)
        m = 1;
    mpfr_t *x = malloc((size_t)m * sizeof(mpfr_t));
    if (!x)
        return NULL;
    for (long q = 0; q < m; q++)
        mpfr_init2(x[q], prec);
    return x;
}

static void free_mp(mpfr_t *x, long m)
{
    if (!x)
        return;
    if (m <= 0)
        m = 1;
    for (long q = 0; q < m; q++)
        mpfr_clear(x[q]);
    free(x);
}

int sg_shadow_init(sg_shadow *s, const sg_problem *p, mpfr_prec_t prec)
{
    memset(s, 0, sizeof *s);
    s->prec = prec;
    s->kind = p->loss;
    s->n = p->n;
    s->d = p->d;
    s->k = p->k;
    s->len = sg_theta_len(p->d, p->k);
    s->upd_len = s->len;
    long nk = (long)s->n * s->k, kd = (long)s->k * s->d;
    s->theta = alloc_mp(s->len, prec);
    s->grad = alloc_mp(s->len, prec);
    s->theta_new = alloc_mp(s->len, prec);
    mpfr_inits2(prec, s->loss, s->t0, s->t1, s->t2, s->t3, s->t4, s->pi, (mpfr_ptr)0);
    for (int q = 0; q < 9; q++)
        mpfr_init2(s->ps[q], prec);
    for (int q = 0; q < 6; q++)
        mpfr_init2(s->hp[q], 4 * prec);
    mpfr_const_pi(s->pi, MPFR_RNDN);
    mpz_init(s->z);
    s->wabs = calloc((size_t)(s->d > 0 ? s->d : 1), sizeof(double));
    int ok = s->theta && s->grad && s->theta_new && s->wabs;
    if (p->loss == SG_LOSS_EMPIRICAL) {
        int L = sg_xnum_limbs(prec);
        s->Z = alloc_mp(nk, prec);
        s->f = alloc_mp(s->n, prec);
        s->r = alloc_mp(s->n, prec);
        s->wx = calloc((size_t)kd, sizeof(sg_xnum));
        s->tx = calloc((size_t)nk, sizeof(sg_xnum));
        s->limbs = calloc((size_t)(kd + nk) * (size_t)L, sizeof(uint64_t));
        s->nacc = (s->k < SG_SHADOW_JBLOCK ? (s->k > 0 ? s->k : 1) : SG_SHADOW_JBLOCK) *
                  SG_SHADOW_LBLOCK;
        s->acc = malloc((size_t)s->nacc * sizeof(sg_xacc));
        size_t kd1 = (size_t)(kd + s->d) + 1, d1 = (size_t)(s->d > 0 ? s->d : 1);
        s->wfix = calloc((size_t)(s->k > 0 ? s->k : 1), sizeof(sg_fix_vec));
        s->fixq = calloc(kd1, sizeof(int64_t));
        s->fixslow = calloc(kd1, sizeof(int));
        s->fixin = calloc(d1, sizeof(sg_fix_in));
        s->xslowf = calloc(d1, 1);
        ok = ok && s->Z && s->f && s->r && s->wx && s->tx && s->limbs && s->acc && s->wfix &&
             s->fixq && s->fixslow && s->fixin && s->xslowf;
        if (ok) {
            for (int j = 0; j < s->k; j++) {
                s->wfix[j].q = s->fixq + (long)j * s->d;
                s->wfix[j].slow = s->fixslow + (long)j * s->d;
            }
            s->xfix.q = s->fixq + kd;
            s->xfix.slow = s->fixslow + kd;
            for (long q = 0; q < kd; q++)
                s->wx[q].limb = s->limbs + q * L;
            for (long q = 0; q < nk; q++)
                s->tx[q].limb = s->limbs + (kd + q) * L;
            for (int b = 0; b < s->nacc; b++)
                sg_xacc_init(&s->acc[b]);
        }
    } else {
        s->norm = alloc_mp(s->k, prec);
        s->angle = alloc_mp((long)s->k * s->k, prec);
        s->gi = alloc_mp(s->d, prec);
        ok = ok && s->norm && s->angle && s->gi;
    }
    if (!ok) {
        sg_shadow_free(s);
        return -1;
    }
    return 0;
}

void sg_shadow_free(sg_shadow *s)
{
    long nk = (long)s->n * s->k;
    free_mp(s->theta, s->len);
    free_mp(s->grad, s->len);
    free_mp(s->theta_new, s->len);
    free_mp(s->Z, nk);
    free_mp(s->f, s->n);
    free_mp(s->r, s->n);
    free_mp(s->norm, s->k);
    free_mp(s->angle, (long)s->k * s->k);
    free_mp(s->gi, s->d);
    if (s->prec) {
        mpfr_clears(s->loss, s->t0, s->t1, s->t2, s->t3, s->t4, s->pi, (mpfr_ptr)0);
        for (int q = 0; q < 9; q++)
            mpfr_clear(s->ps[q]);
        for (int q = 0; q < 6; q++)
            mpfr_clear(s->hp[q]);
        mpz_clear(s->z);
    }
    free(s->wabs);
    free(s->wx);
    free(s->tx);
    free(s->limbs);
    free(s->wfix);
    free(s->fixq);
    free(s->fixslow);
    free(s->fixin);
    free(s->xslowf);
    free(s->acc);
    free_mp(s->fb_prod, s->fb_cap);
    free(s->fb_ptr);
    memset(s, 0, sizeof *s);
}

void sg_shadow_set_theta(sg_shadow *s, const double *theta)
{
    for (long q = 0; q < s->len; q++)
        mpfr_set_d(s->theta[q], theta[q], MPFR_RNDN);
}

/* ---- the exact fallback of S1 (specs/roundoff.md) ---- */

/* room for m exact products (precision p + 53: a p-bit number times a
   double is exact there); 0, or -1 without memory */
static int fb_reserve(sg_shadow *s, long m)
{
    if (m <= s->fb_cap)
        return 0;
    mpfr_t *np = malloc((size_t)m * sizeof *np);
    mpfr_ptr *pp = malloc((size_t)m * sizeof *pp);
    if (!np || !pp) {
        free(np);
        free(pp);
        return -1;
    }
    for (long q = 0; q < m; q++) {
        mpfr_init2(np[q], s->prec + 53);
        pp[q] = np[q];
    }
    free_mp(s->fb_prod, s->fb_cap);
    free(s->fb_ptr);
    s->fb_prod = np;
    s->fb_ptr = pp;
    s->fb_cap = m;
    return 0;
}

/* out <- RN_p(sum_l x[l] * b[l * stride]): every product exact, the sum
   correctly rounded once (mpfr_sum), i.e. the value the accumulator gives
   when its range suffices.  0, or -1 (no memory: a range error) */
static int fb_dot(sg_shadow *s, mpfr_ptr out, long m, mpfr_t *x, const double *b, long stride)
{
    if (fb_reserve(s, m) != 0)
        return -1;
    for (long l = 0; l < m; l++)
        mpfr_mul_d(s->fb_prod[l], x[l], b[l * stride], MPFR_RNDN); /* exact */
    mpfr_sum(out, s->fb_ptr, (unsigned long)m, MPFR_RNDN);
    s->fallbacks++;
    return 0;
}

/* ---- empirical loss ---- */

/* gW[j][l] before the division: sum over the active i of RN(r_i v_j) X[i][l],
   by the exact fallback (the t_ij recomputed as the decomposition would
   have held them) */
static int emp_gw_fallback(sg_shadow *s, const sg_problem *p, mpfr_ptr g, int j, int l)
{
    int n = s->n, d = s->d, k = s->k;
    mpfr_t *v = s->theta + (long)k * d;
    if (fb_reserve(s, n) != 0)
        return -1;
    long m = 0;
    for (int i = 0; i < n; i++) {
        if (mpfr_sgn(s->Z[(long)i * k + j]) <= 0)
            continue;
        mpfr_mul(s->t0, s->r[i], v[j], MPFR_RNDN);
        mpfr_mul_d(s->fb_prod[m++], s->t0, p->X[(long)i * d + l], MPFR_RNDN); /* exact */
    }
    mpfr_sum(g, s->fb_ptr, (unsigned long)m, MPFR_RNDN);
    s->fallbacks++;
    return 0;
}

static void emp_loss_grad(sg_shadow *s, const sg_problem *p)
{
    int n = s->n, d = s->d, k = s->k;
    long kd = (long)k * d;
    mpfr_t *W = s->theta, *v = s->theta + kd;
    mpfr_t *gW = s->grad, *gv = s->grad + kd;
    sg_xacc *acc = &s->acc[0];

    /* Z[i][j] = w_j . x_i, exact then rounded once (a row of W that does
       not decompose, or a sum that leaves the range: the exact fallback) */
    int wbad = 0, wone = 1; /* wone: every W of at most one limb (a double) */
    for (long q = 0; q < kd; q++) {
        if (sg_xnum_from_mpfr(&s->wx[q], W[q], s->z) != 0)
            wbad = 1;
        wone = wone && s->wx[q].nl <= 1;
    }
    /* the step audit's W (one limb: doubles): z in fixed point (fixdot.h),
       W's rows converted once a step and each row of X once for its k
       products; a wider W (the MPFR trajectory) takes the accumulator */
    int fix = !wbad && wone;
    if (fix)
        for (int j = 0; j < k; j++) {
            for (int l = 0; l < d; l++) {
                const sg_xnum *w = &s->wx[(long)j * d + l];
                s->fixin[l].m = w->nl ? w->limb[0] : 0;
                s->fixin[l].e = w->e;
                s->fixin[l].neg = w->sign < 0;
            }
            sg_fix_from(&s->wfix[j], d, s->fixin);
        }
    for (int i = 0; i < n; i++) {
        const double *x = p->X + (long)i * d;
        /* xslowf: cleared after the row (only its slow entries were set) */
        int xfix = fix && sg_fix_from_doubles(&s->xfix, d, x, s->fixin) == 0;
        if (xfix)
            for (int q = 0; q < s->xfix.nslow; q++)
                s->xslowf[s->xfix.slow[q]] = 1;
        for (int j = 0; j < k; j++) {
            const sg_xnum *w = s->wx + (long)j * d;
            mpfr_ptr zq = s->Z[(long)i * k + j];
            if (xfix && sg_fix_dot_exact(zq, MPFR_RNDN, d, &s->wfix[j], w, &s->xfix, s->xslowf,
                                         x, acc, s->z) == 0)
                continue;
            if (!wbad) {
                sg_xacc_clear(acc);
                sg_xacc_dot_xd(acc, d, w, x);
                if (!acc->overflow) {
                    sg_xacc_get(acc, zq, MPFR_RNDN, s->z);
                    continue;
                }
            }
            if (fb_dot(s, zq, d, W + (long)j * d, x, 1) != 0) {
                s->range_errors++;
                mpfr_set_nan(zq);
            }
        }
        if (xfix)
            for (int q = 0; q < s->xfix.nslow; q++)
                s->xslowf[s->xfix.slow[q]] = 0;
    }
    /* f[i] = sum_j ReLU(Z[i][j]) v_j ; r[i] = f[i] - y[i] */
    for (int i = 0; i < n; i++) {
        mpfr_set_zero(s->f[i], 1);
        for (int j = 0; j < k; j++) {
            mpfr_srcptr z = s->Z[(long)i * k + j];
            if (mpfr_sgn(z) > 0) {
                mpfr_mul(s->t0, z, v[j], MPFR_RNDN);
                mpfr_add(s->f[i], s->f[i], s->t0, MPFR_RNDN);
            }
        }
        mpfr_sub_d(s->r[i], s->f[i], p->y[i], MPFR_RNDN);
    }
    /* L = (sum_i r_i^2) / (2n) */
    mpfr_set_zero(s->t1, 1);
    for (int i = 0; i < n; i++)
        mpfr_fma(s->t1, s->r[i], s->r[i], s->t1, MPFR_RNDN);
    mpfr_div_ui(s->loss, s->t1, 2UL * (unsigned long)n, MPFR_RNDN);
    /* gv[j] = (sum_i r_i ReLU(Z_ij)) / n */
    for (int j = 0; j < k; j++)
        mpfr_set_zero(gv[j], 1);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            mpfr_srcptr z = s->Z[(long)i * k + j];
            if (mpfr_sgn(z) > 0)
                mpfr_fma(gv[j], s->r[i], z, gv[j], MPFR_RNDN);
        }
    for (int j = 0; j < k; j++)
        mpfr_div_ui(gv[j], gv[j], (unsigned long)n, MPFR_RNDN);
    /* t_ij = RN(r_i v_j) for the active pairs, decomposed once; a column j
       with a t that does not decompose goes to the exact fallback */
    int tbad = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            long q = (long)i * k + j;
            s->tx[q].nl = 0;
            if (mpfr_sgn(s->Z[q]) > 0) {
                mpfr_mul(s->t0, s->r[i], v[j], MPFR_RNDN);
                if (sg_xnum_from_mpfr(&s->tx[q], s->t0, s->z) != 0)
                    tbad = 1;
            }
        }
    /* gW[j][l] = (sum_{i active} t_ij X[i][l]) / n, exact sum, in blocks of
       SG_SHADOW_JBLOCK neurons x SG_SHADOW_LBLOCK columns: one pass over X
       serves a block's neurons (one pass per neuron made X's reads from
       memory the cost at k = 16, perf of tests/bench/audit_loop.c); each
       accumulator still gets its terms in increasing i, and the sums are
       exact, so the order is immaterial to the result anyway */
    for (int j0 = 0; j0 < k; j0 += SG_SHADOW_JBLOCK) {
        int nj = k - j0 < SG_SHADOW_JBLOCK ? k - j0 : SG_SHADOW_JBLOCK;
        for (int l0 = 0; l0 < d; l0 += SG_SHADOW_LBLOCK) {
            int nb = d - l0 < SG_SHADOW_LBLOCK ? d - l0 : SG_SHADOW_LBLOCK;
            for (int b = 0; b < nj * SG_SHADOW_LBLOCK; b++)
                sg_xacc_clear(&s->acc[b]);
            for (int i = 0; i < n; i++) {
                /* the block of X's row (and its t's) SG_SHADOW_PREFETCH rows
                   ahead, into the cache; a hint only, no value depends on it */
                if (i + SG_SHADOW_PREFETCH < n) {
                    const double *xa = p->X + (long)(i + SG_SHADOW_PREFETCH) * d + l0;
                    for (int b = 0; b < nb; b += 8)
                        __builtin_prefetch(xa + b);
                    __builtin_prefetch(xa + nb - 1);
                    __builtin_prefetch(&s->tx[(long)(i + SG_SHADOW_PREFETCH) * k + j0]);
                }
                const double *xi = p->X + (long)i * d + l0;
                for (int jj = 0; jj < nj; jj++) {
                    const sg_xnum *t = &s->tx[(long)i * k + j0 + jj];
                    if (t->nl != 0)
                        sg_xacc_row_xd(s->acc + jj * SG_SHADOW_LBLOCK, nb, t, xi);
                }
            }
            for (int jj = 0; jj < nj; jj++)
                for (int b = 0; b < nb; b++) {
                    int j = j0 + jj;
                    sg_xacc *ab = &s->acc[jj * SG_SHADOW_LBLOCK + b];
                    mpfr_ptr g = gW[(long)j * d + l0 + b];
                    if (!tbad && !ab->overflow)
                        sg_xacc_get(ab, g, MPFR_RNDN, s->z);
                    else if (emp_gw_fallback(s, p, g, j, l0 + b) != 0) {
                        s->range_errors++;
                        mpfr_set_nan(g);
                    }
                    mpfr_div_ui(g, g, (unsigned long)n, MPFR_RNDN);
                }
        }
    }
}

/* ---- population loss (population.c, same order) ---- */

/* out <- kappa(t) = sin t + (pi - t) cos t */
static void mp_kappa(sg_shadow *s, mpfr_ptr out, mpfr_srcptr t)
{
    mpfr_sin(s->t3, t, MPFR_RNDN);
    mpfr_cos(s->t4, t, MPFR_RNDN);
    mpfr_sub(out, s->pi, t, MPFR_RNDN);
    mpfr_mul(out, out, s->t4, MPFR_RNDN);
    mpfr_add(out, s->t3, out, MPFR_RNDN);
}

/* out <- sum_l u_l w_l (left to right) */
static void mp_dot(sg_shadow *s, mpfr_ptr out, int d, mpfr_t *u, mpfr_t *w)
{
    (void)s;
    mpfr_set_zero(out, 1);
    for (int l = 0; l < d; l++)
        mpfr_fma(out, u[l], w[l], out, MPFR_RNDN);
}

static void mp_dot_d(mpfr_ptr out, int d, const double *a, mpfr_t *w, mpfr_ptr tmp)
{
    mpfr_set_zero(out, 1);
    for (int l = 0; l < d; l++) {
        mpfr_mul_d(tmp, w[l], a[l], MPFR_RNDN);
        mpfr_add(out, out, tmp, MPFR_RNDN);
    }
}

static void pop_geometry(sg_shadow *s)
{
    int d = s->d, k = s->k;
    mpfr_t *W = s->theta;
    for (int i = 0; i < k; i++) {
        mp_dot(s, s->t0, d, W + (long)i * d, W + (long)i * d);
        mpfr_sqrt(s->norm[i], s->t0, MPFR_RNDN);
    }
    for (int i = 0; i < k; i++) {
        if (mpfr_zero_p(s->norm[i]))
            mpfr_div_ui(s->angle[i * k + i], s->pi, 2, MPFR_RNDN);
        else
            mpfr_set_zero(s->angle[i * k + i], 1);
        for (int j = i + 1; j < k; j++) {
            mpfr_ptr t = s->angle[i * k + j];
            if (mpfr_zero_p(s->norm[i]) || mpfr_zero_p(s->norm[j])) {
                mpfr_div_ui(t, s->pi, 2, MPFR_RNDN);
            } else {
                /* Kahan: 2 atan2(| u|w| - w|u| |, | u|w| + w|u| |) */
                mpfr_t *u = W + (long)i * d, *w = W + (long)j * d;
                mpfr_set_zero(s->t0, 1); /* diff2 */
                mpfr_set_zero(s->t1, 1); /* sum2 */
                for (int l = 0; l < d; l++) {
                    mpfr_mul(s->t2, u[l], s->norm[j], MPFR_RNDN);
                    mpfr_mul(s->t3, w[l], s->norm[i], MPFR_RNDN);
                    mpfr_sub(s->t4, s->t2, s->t3, MPFR_RNDN);
                    mpfr_fma(s->t0, s->t4, s->t4, s->t0, MPFR_RNDN);
                    mpfr_add(s->t4, s->t2, s->t3, MPFR_RNDN);
                    mpfr_fma(s->t1, s->t4, s->t4, s->t1, MPFR_RNDN);
                }
                mpfr_sqrt(s->t0, s->t0, MPFR_RNDN);
                mpfr_sqrt(s->t1, s->t1, MPFR_RNDN);
                mpfr_atan2(t, s->t0, s->t1, MPFR_RNDN);
                mpfr_mul_2ui(t, t, 1, MPFR_RNDN);
            }
            mpfr_set(s->angle[j * k + i], t, MPFR_RNDN);
        }
    }
}

static void pop_loss_grad(sg_shadow *s, const sg_problem *p)
{
    int d = s->d, k = s->k;
    long kd = (long)k * d;
    mpfr_t *W = s->theta, *v = s->theta + kd;
    mpfr_t *gW = s->grad, *gv = s->grad + kd;
    mpfr_ptr quad = s->ps[0], lin = s->ps[1], tmp = s->ps[2], kap = s->ps[3];
    mpfr_ptr ci = s->ps[4], gvi = s->ps[5], cj = s->ps[6], si = s->ps[7], vi = s->ps[8];
    pop_geometry(s);
    /* L = quad/(4 pi) - lin/2 + |a|^2/2 */
    mpfr_set_zero(quad, 1);
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            mpfr_mul(tmp, v[i], v[j], MPFR_RNDN);
            mpfr_mul(s->t0, s->norm[i], s->norm[j], MPFR_RNDN);
            mpfr_mul(tmp, tmp, s->t0, MPFR_RNDN);
            mp_kappa(s, kap, s->angle[i * k + j]);
            mpfr_fma(quad, tmp, kap, quad, MPFR_RNDN);
        }
    mpfr_set_zero(lin, 1);
    for (int i = 0; i < k; i++) {
        mp_dot_d(tmp, d, p->a, W + (long)i * d, s->t0);
        mpfr_fma(lin, v[i], tmp, lin, MPFR_RNDN);
    }
    mpfr_set_zero(tmp, 1);
    for (int l = 0; l < d; l++) {
        mpfr_set_d(s->t0, p->a[l], MPFR_RNDN);
        mpfr_fma(tmp, s->t0, s->t0, tmp, MPFR_RNDN);
    }
    mpfr_div(s->loss, quad, s->pi, MPFR_RNDN);
    mpfr_div_ui(s->loss, s->loss, 4, MPFR_RNDN);
    mpfr_div_ui(lin, lin, 2, MPFR_RNDN);
    mpfr_sub(s->loss, s->loss, lin, MPFR_RNDN);
    mpfr_div_ui(tmp, tmp, 2, MPFR_RNDN);
    mpfr_add(s->loss, s->loss, tmp, MPFR_RNDN);
    /* gradients; t0 holds inv2pi = RN(1/(2 pi)) throughout, as the kernel */
    for (int i = 0; i < k; i++) {
        mpfr_mul_2ui(s->t0, s->pi, 1, MPFR_RNDN);
        mpfr_ui_div(s->t0, 1, s->t0, MPFR_RNDN);
        mpfr_t *wi = W + (long)i * d;
        mpfr_srcptr ni = s->norm[i];
        mpfr_set_zero(ci, 1);
        mpfr_set_zero(gvi, 1);
        for (int l = 0; l < d; l++)
            mpfr_set_zero(s->gi[l], 1);
        for (int j = 0; j < k; j++) {
            mpfr_srcptr nj = s->norm[j];
            mpfr_srcptr t = s->angle[i * k + j];
            mpfr_mul(s->t1, v[j], nj, MPFR_RNDN);           /* vjnj */
            mpfr_sin(s->t2, t, MPFR_RNDN);
            mpfr_fma(ci, s->t1, s->t2, ci, MPFR_RNDN);
            mp_kappa(s, kap, t);
            mpfr_mul(s->t2, s->t1, ni, MPFR_RNDN);
            mpfr_fma(gvi, s->t2, kap, gvi, MPFR_RNDN);
            if (!mpfr_zero_p(nj)) {
                mpfr_sub(cj, s->pi, t, MPFR_RNDN);
                mpfr_div(cj, cj, nj, MPFR_RNDN);
                mpfr_mul(cj, s->t1, cj, MPFR_RNDN);
                mpfr_t *wj = W + (long)j * d;
                for (int l = 0; l < d; l++)
                    mpfr_fma(s->gi[l], cj, wj[l], s->gi[l], MPFR_RNDN);
            }
        }
        if (mpfr_zero_p(ni))
            mpfr_set_zero(si, 1);
        else
            mpfr_div(si, ci, ni, MPFR_RNDN);
        mpfr_mul(vi, v[i], s->t0, MPFR_RNDN);               /* v_i inv2pi */
        for (int l = 0; l < d; l++) {
            mpfr_fma(s->t2, si, wi[l], s->gi[l], MPFR_RNDN);  /* si w + gi */
            mpfr_mul(s->t2, vi, s->t2, MPFR_RNDN);
            mpfr_mul_d(s->t3, v[i], p->a[l], MPFR_RNDN);
            mpfr_div_ui(s->t3, s->t3, 2, MPFR_RNDN);
            mpfr_sub(gW[(long)i * d + l], s->t2, s->t3, MPFR_RNDN);
        }
        mpfr_mul(gv[i], gvi, s->t0, MPFR_RNDN);             /* gvi inv2pi */
        mp_dot_d(tmp, d, p->a, wi, s->t1);
        mpfr_div_ui(tmp, tmp, 2, MPFR_RNDN);
        mpfr_sub(gv[i], gv[i], tmp, MPFR_RNDN);
    }
}

void sg_shadow_loss_grad(sg_shadow *s, const sg_problem *p)
{
    if (s->kind == SG_LOSS_EMPIRICAL)
        emp_loss_grad(s, p);
    else
        pop_loss_grad(s, p);
}

void sg_shadow_update(sg_shadow *s, double mu)
{
    for (long q = 0; q < s->upd_len; q++) {
        mpfr_mul_d(s->t0, s->grad[q], mu, MPFR_RNDN);
        mpfr_sub(s->theta_new[q], s->theta[q], s->t0, MPFR_RNDN);
    }
    for (long q = s->upd_len; q < s->len; q++)
        mpfr_set(s->theta_new[q], s->theta[q], MPFR_RNDN);
}

static double dbl(mpfr_srcptr x)
{
    return mpfr_get_d(x, MPFR_RNDN);
}

void sg_shadow_identities(sg_shadow *s, const sg_problem *p, double mu, double *homog_res,
                          double *homog_tol, double *imbal_res, double *imbal_tol,
                          double *db, double *loss_tol)
{
    int n = s->n, d = s->d, k = s->k;
    long kd = (long)k * d;
    mpfr_t *th = s->theta, *g = s->grad, *tn = s->theta_new;
    mpfr_ptr b = s->hp[0], bn = s->hp[1], gg = s->hp[2], hom = s->hp[3], t = s->hp[4],
             z = s->hp[5];
    const double tol = ldexp(1.0, 10 - (int)s->prec);
    double a2 = 0.0, sum_vw = 0.0;
    for (int l = 0; l < d; l++)
        a2 += p->a[l] * p->a[l];
    for (int j = 0; j < k; j++) {
        double w2 = 0.0;
        for (int l = 0; l < d; l++)
            w2 += dbl(th[(long)j * d + l]) * dbl(th[(long)j * d + l]);
        sum_vw += fabs(dbl(th[kd + j])) * sqrt(w2);
    }
    for (int j = 0; j < k; j++) {
        /* exact products at 4p bits: b = |w|^2 - v^2 etc. */
        mpfr_set_zero(b, 1);
        mpfr_set_zero(bn, 1);
        mpfr_set_zero(gg, 1);
        mpfr_set_zero(hom, 1);
        double w2 = 0.0, wn2 = 0.0, g2 = 0.0;
        for (int l = 0; l < d; l++) {
            long q = (long)j * d + l;
            mpfr_fma(b, th[q], th[q], b, MPFR_RNDN);
            mpfr_fma(bn, tn[q], tn[q], bn, MPFR_RNDN);
            mpfr_fma(gg, g[q], g[q], gg, MPFR_RNDN);
            mpfr_fma(hom, th[q], g[q], hom, MPFR_RNDN);
            w2 += dbl(th[q]) * dbl(th[q]);
            wn2 += dbl(tn[q]) * dbl(tn[q]);
            g2 += dbl(g[q]) * dbl(g[q]);
        }
        mpfr_fms(b, th[kd + j], th[kd + j], b, MPFR_RNDN);    /* -b  */
        mpfr_fms(bn, tn[kd + j], tn[kd + j], bn, MPFR_RNDN);  /* -b+ */
        mpfr_fms(gg, g[kd + j], g[kd + j], gg, MPFR_RNDN);    /* gv^2 - |gw|^2 */
        mpfr_fms(hom, th[kd + j], g[kd + j], hom, MPFR_RNDN); /* v gv - w.gw */
        double vj = fabs(dbl(th[kd + j])), vn = dbl(tn[kd + j]), gvj = dbl(g[kd + j]);
        /* data scale of w.gw and v gv (roundoff.md A7) */
        double Sh = 0.0;
        if (s->kind == SG_LOSS_EMPIRICAL) {
            for (int l = 0; l < d; l++)
                s->wabs[l] = fabs(dbl(th[(long)j * d + l]));
            for (int i = 0; i < n; i++) {
                double si = fabs(dbl(s->Z[(long)i * k + j]));
                const double *x = p->X + (long)i * d;
                for (int l = 0; l < d; l++)
                    si += s->wabs[l] * fabs(x[l]);
                Sh += fabs(dbl(s->r[i])) * vj * si;
            }
            Sh /= (double)n;
        } else {
            Sh = vj * sqrt(w2) * (2.0 * sum_vw + sqrt(a2));
        }
        double Sb = 2.0 * mu * Sh + w2 + wn2 + vj * vj + vn * vn + mu * mu * (g2 + gvj * gvj);
        if (homog_res) {
            mpfr_neg(t, hom, MPFR_RNDN);
            homog_res[j] = dbl(t);
        }
        if (homog_tol)
            homog_tol[j] = tol * Sh;
        /* b+ - b - mu^2 (|gw|^2 - gv^2) = (-b) - (-b+) + mu^2 (gv^2 - |gw|^2) */
        mpfr_sub(t, b, bn, MPFR_RNDN);
        if (db)
            db[j] = dbl(t);
        mpfr_set_d(z, mu, MPFR_RNDN);
        mpfr_sqr(z, z, MPFR_RNDN);
        mpfr_fma(t, z, gg, t, MPFR_RNDN);
        if (imbal_res)
            imbal_res[j] = dbl(t);
        if (imbal_tol)
            imbal_tol[j] = tol * Sb;
    }
    if (loss_tol) {
        double L = fabs(dbl(s->loss)), scale = L;
        if (s->kind == SG_LOSS_EMPIRICAL) {
            double acc = 0.0;
            for (int i = 0; i < n; i++)
                acc += fabs(dbl(s->r[i])) * (fabs(dbl(s->f[i])) + fabs(p->y[i]));
            scale += acc / (double)n;
        } else {
            scale += sum_vw * sum_vw + sqrt(a2) * sum_vw + a2;
        }
        /* the MPFR loss to its double, plus the MPFR loss's own error */
        mpfr_sub_d(t, s->loss, dbl(s->loss), MPFR_RNDA);
        *loss_tol = fabs(mpfr_get_d(t, MPFR_RNDA)) + tol * scale;
    }
}

void sg_shadow_advance(sg_shadow *s)
{
    mpfr_t *t = s->theta;
    s->theta = s->theta_new;
    s->theta_new = t;
}

void sg_shadow_step(sg_shadow *s, const sg_problem *p, double mu)
{
    sg_shadow_loss_grad(s, p);
    sg_shadow_update(s, mu);
    sg_shadow_advance(s);
}
