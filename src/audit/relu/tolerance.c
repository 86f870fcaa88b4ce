/* tolerance.c -- round-off tolerances of the double trajectory (see tolerance.h). */
#include "audit/relu/tolerance.h"
#include "kernels/geometry.h"
#include "audit/relu/invariants.h"
#include "audit/relu/tol_abs.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define U_DBL (DBL_EPSILON / 2.0)
#define INFLATE (1.0 + 1e-6)
#define TINY 1e-300
#define C_POP 16.0

double sg_tol_gamma_u(double m, double u)
{
    double mu = m * u;
    return mu < 1.0 ? mu / (1.0 - mu) : INFINITY;
}

double sg_tol_gamma(double m)
{
    return sg_tol_gamma_u(m, U_DBL);
}

/* S[r k + j] <- sum_l |w_jl x_rl| for the SG_TOL_ROWS samples r of x (rows
   of length d) and j = 0..k-1, each sum from 0.0 over l in increasing order
   (the order of the per-cell loop of the first version, so every S has the
   same bits).  Four samples and two columns advance together: eight
   independent chains hide the latency of the dependent adds that bound
   the one-cell loop (issue 14, item 4), with one load of w_jl serving four
   samples. */
#define SG_TOL_ROWS 4
static void abs_dots4(int d, int k, const double *theta, const double *x, double *S)
{
    const double *x0 = x, *x1 = x + d, *x2 = x1 + d, *x3 = x2 + d;
    int j = 0;
    for (; j + 2 <= k; j += 2) {
        const double *wa = theta + (long)j * d, *wb = wa + d;
        double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
        double b0 = 0.0, b1 = 0.0, b2 = 0.0, b3 = 0.0;
        for (int l = 0; l < d; l++) {
            double u = wa[l], v = wb[l];
            a0 += fabs(u * x0[l]);
            a1 += fabs(u * x1[l]);
            a2 += fabs(u * x2[l]);
            a3 += fabs(u * x3[l]);
            b0 += fabs(v * x0[l]);
            b1 += fabs(v * x1[l]);
            b2 += fabs(v * x2[l]);
            b3 += fabs(v * x3[l]);
        }
        S[j] = a0, S[k + j] = a1, S[2 * k + j] = a2, S[3 * k + j] = a3;
        S[j + 1] = b0, S[k + j + 1] = b1, S[2 * k + j + 1] = b2, S[3 * k + j + 1] = b3;
    }
    for (; j < k; j++) {
        const double *w = theta + (long)j * d;
        double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
        for (int l = 0; l < d; l++) {
            double u = w[l];
            a0 += fabs(u * x0[l]);
            a1 += fabs(u * x1[l]);
            a2 += fabs(u * x2[l]);
            a3 += fabs(u * x3[l]);
        }
        S[j] = a0, S[k + j] = a1, S[2 * k + j] = a2, S[3 * k + j] = a3;
    }
}

/* the same for one sample (the last n mod SG_TOL_ROWS) */
static void abs_dots1(int d, int k, const double *theta, const double *x, double *S)
{
    for (int j = 0; j < k; j++) {
        const double *w = theta + (long)j * d;
        double s = 0.0;
        for (int l = 0; l < d; l++)
            s += fabs(w[l] * x[l]);
        S[j] = s;
    }
}

/* x if c, else +0.0, by a mask (gcc 12 keeps a branch for c ? x : 0.0) */
static inline double keep_if(int c, double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    b &= -(uint64_t)(c != 0);
    memcpy(&x, &b, sizeof x);
    return x;
}

/* samples i0 .. i0+nb-1, their S rows in S (row r = sample i0 + r), into
   Q, R (k each) and the returned lossE.  lossE is a local accumulator, as
   in the loop this was split from: where two different NaNs meet (a
   diverging run: Inf * 0 in E), which one an add keeps depends on the
   operand order the compiler picks, and a pointer target instead of a
   register changed it (tests/test_tol_abs.c saw the sign of a NaN loss
   tolerance flip) */
static inline double tol_consume(const sg_workspace *ws, const double *v, int k, double u,
                                 double gd, double gk, int i0, int nb, const double *S,
                                 double *Q, double *R, double lossE)
{
    for (int i = i0; i < i0 + nb; i++) {
        const double *Hi = ws->H + (long)i * k, *Zi = ws->Z + (long)i * k;
        const double *Si = S + (long)(i - i0) * k;
        double ri = fabs(ws->r[i]), Ef = 0.0;
        for (int j = 0; j < k; j++) {
            double h = Hi[j];
            /* an inactive cell adds +0.0, which leaves Q_j's bits as they
               are (Q_j starts at +0.0 and its terms are >= +0 or NaN, so it
               is never -0): the same sum as skipping the cell, without a
               branch on the sign of z (taken half the time, at random) */
            Q[j] += keep_if(Zi[j] > 0.0, ri * Si[j]);
            Ef += fabs(v[j]) * (gk * h + gd * Si[j]);
            R[j] += ri * h;
        }
        double E = u * ri + Ef;
        lossE += ri * E + 0.5 * E * E;
    }
    return lossE;
}

/* One fused pass over the samples (issue 14, item 4): X (or ax's copy of
   |X|, tol_abs.h) is read once, and the per-neuron sums R_j = sum_i |r_i|
   H_ij advance in the same pass, each still from 0.0 over i in increasing
   order, so every tolerance has the bits of the previous three-loop
   version.  S (a block of samples' k-vectors) and R (a k-vector) are
   scratch; if they cannot be allocated the tolerances are +inf (the
   checker then counts the state as not checkable rather than passing it). */
static void tol_empirical(sg_tol_abs *ax, const sg_problem *p, const double *theta,
                          const sg_workspace *ws, double u, double *homog_tol, double *loss_tol)
{
    int n = p->n, d = p->d, k = p->k;
    const double *v = theta + (long)k * d, *g = ws->grad;
    const double gd = sg_tol_gamma_u(d, u), gk = sg_tol_gamma_u(k, u);
    long rows = ax ? SG_TOL_BLOCK : SG_TOL_ROWS;
    double *S = malloc(sizeof(double) * (size_t)((rows + 1) * (long)k + 1));
    double lossE = 0.0;
    double *Q = homog_tol; /* Q_j accumulates here, then becomes the tolerance */
    double *R = S ? S + rows * (long)k : NULL;
    if (!S) {
        for (int j = 0; j < k; j++)
            homog_tol[j] = INFINITY;
        *loss_tol = INFINITY;
        return;
    }
    for (int j = 0; j < k; j++)
        Q[j] = R[j] = 0.0;
    if (ax) {
        sg_tol_abs_weights(ax, theta);
        for (int i0 = 0; i0 < n; i0 += SG_TOL_BLOCK) {
            int nb = sg_tol_abs_block(ax, i0, S);
            lossE = tol_consume(ws, v, k, u, gd, gk, i0, nb, S, Q, R, lossE);
        }
    } else {
        for (int i0 = 0; i0 < n; i0 += SG_TOL_ROWS) {
            int nb = n - i0 < SG_TOL_ROWS ? n - i0 : SG_TOL_ROWS;
            if (nb == SG_TOL_ROWS)
                abs_dots4(d, k, theta, p->X + (long)i0 * d, S);
            else
                for (int r = 0; r < nb; r++)
                    abs_dots1(d, k, theta, p->X + (long)(i0 + r) * d, S + (long)r * k);
            lossE = tol_consume(ws, v, k, u, gd, gk, i0, nb, S, Q, R, lossE);
        }
    }
    double invn = 1.0 / n;
    for (int j = 0; j < k; j++) {
        const double *w = theta + (long)j * d, *gw = g + (long)j * d;
        double G = 0.0;
        for (int l = 0; l < d; l++)
            G += fabs(w[l] * gw[l]);
        double Rj = R[j] * invn;
        double gv = fabs(g[(long)k * d + j]), av = fabs(v[j]);
        double t = av * Q[j] * invn * (gd + sg_tol_gamma_u(n + 2, u)) + u * G +
                   av * (sg_tol_gamma_u(n + 1, u) * Rj + u * gv);
        homog_tol[j] = t * INFLATE + TINY;
    }
    free(S);
    *loss_tol = (sg_tol_gamma_u(n + 1, u) * ws->loss + lossE * invn) * INFLATE + TINY;
}

static void tol_population(const sg_problem *p, const double *theta, const sg_workspace *ws,
                           double u, double *homog_tol, double *loss_tol)
{
    int d = p->d, k = p->k;
    const double *v = theta + (long)k * d;
    const double an = sg_norm(d, p->a);
    const double *nw = ws->pop.norm;
    double quad = 0.0, lin = 0.0;
    for (int i = 0; i < k; i++) {
        double s = 0.0;
        for (int j = 0; j < k; j++)
            s += fabs(v[j]) * nw[i] * nw[j];
        quad += fabs(v[i]) * s;
        lin += fabs(v[i]) * nw[i];
        double S = fabs(v[i]) * ((1.0 + M_PI) / (2.0 * M_PI) * s + 0.5 * an * nw[i]);
        homog_tol[i] = C_POP * (d + k + 16.0) * u * S * INFLATE + TINY;
    }
    double SL = 0.5 * an * an + (1.0 + M_PI) / (4.0 * M_PI) * quad + 0.5 * an * lin;
    *loss_tol = C_POP * (d + (double)k * k + 16.0) * u * SL * INFLATE + TINY;
}

void sg_tol_state_abs(sg_tol_abs *ax, const sg_problem *p, const double *theta,
                      const sg_workspace *ws, double u, double *homog_tol, double *loss_tol)
{
    if (p->loss == SG_LOSS_EMPIRICAL)
        tol_empirical(ax, p, theta, ws, u, homog_tol, loss_tol);
    else
        tol_population(p, theta, ws, u, homog_tol, loss_tol);
}

void sg_tol_state_u(const sg_problem *p, const double *theta, const sg_workspace *ws,
                    double u, double *homog_tol, double *loss_tol)
{
    sg_tol_state_abs(NULL, p, theta, ws, u, homog_tol, loss_tol);
}

void sg_tol_state(const sg_problem *p, const double *theta, const sg_workspace *ws,
                  double *homog_tol, double *loss_tol)
{
    sg_tol_state_u(p, theta, ws, U_DBL, homog_tol, loss_tol);
}

void sg_tol_step_u(int d, int k, double mu, const double *grad, const double *theta_next,
                   double u, const double *homog_tol, double *imbal_tol)
{
    for (int j = 0; j < k; j++)
        imbal_tol[j] = 2.0 * fabs(mu) * homog_tol[j] * INFLATE +
                       sg_update_imbal_bound_u(d, mu, grad + (long)j * d,
                                               grad[(long)k * d + j], theta_next + (long)j * d,
                                               theta_next[(long)k * d + j], u);
}

void sg_tol_step(int d, int k, double mu, const double *grad, const double *theta_next,
                 const double *homog_tol, double *imbal_tol)
{
    sg_tol_step_u(d, k, mu, grad, theta_next, U_DBL, homog_tol, imbal_tol);
}
