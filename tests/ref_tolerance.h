/* ref_tolerance.h -- the empirical tolerances as they were before issue 14
 * item 4's |X| copy (commit 7283754, src/audit/relu/tolerance.c: abs_dots4,
 * abs_dots1, tol_empirical, verbatim but for the ref_ names and static).
 * Kept only as the reference of test_tol_abs.c; never linked into the
 * program. */
#ifndef SG_REF_TOLERANCE_H
#define SG_REF_TOLERANCE_H

#include "audit/relu/tolerance.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>

#define REF_INFLATE (1.0 + 1e-6)
#define REF_TINY 1e-300

#define REF_TOL_ROWS 4
static void ref_abs_dots4(int d, int k, const double *theta, const double *x, double *S)
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

/* the same for one sample (the last n mod REF_TOL_ROWS) */
static void ref_abs_dots1(int d, int k, const double *theta, const double *x, double *S)
{
    for (int j = 0; j < k; j++) {
        const double *w = theta + (long)j * d;
        double s = 0.0;
        for (int l = 0; l < d; l++)
            s += fabs(w[l] * x[l]);
        S[j] = s;
    }
}

/* One fused pass over the samples (issue 14, item 4): X is read once, and
   the per-neuron sums R_j = sum_i |r_i| H_ij advance in the same pass, each
   still from 0.0 over i in increasing order, so every tolerance has the bits
   of the previous three-loop version.  S (REF_TOL_ROWS k-vectors: a block of
   samples) and R (a k-vector) are scratch;
   if they cannot be allocated the tolerances are +inf (the checker then
   counts the state as not checkable rather than passing it). */
static void ref_tol_empirical(const sg_problem *p, const double *theta, const sg_workspace *ws,
                          double u, double *homog_tol, double *loss_tol)
{
    int n = p->n, d = p->d, k = p->k;
    const double *v = theta + (long)k * d, *g = ws->grad;
    const double gd = sg_tol_gamma_u(d, u), gk = sg_tol_gamma_u(k, u);
    double lossE = 0.0;
    double *Q = homog_tol; /* Q_j accumulates here, then becomes the tolerance */
    double *S = malloc(sizeof(double) * (size_t)((REF_TOL_ROWS + 1) * (long)k + 1));
    double *R = S ? S + REF_TOL_ROWS * (long)k : NULL;
    if (!S) {
        for (int j = 0; j < k; j++)
            homog_tol[j] = INFINITY;
        *loss_tol = INFINITY;
        return;
    }
    for (int j = 0; j < k; j++)
        Q[j] = R[j] = 0.0;
    for (int i0 = 0; i0 < n; i0 += REF_TOL_ROWS) {
        int nb = n - i0 < REF_TOL_ROWS ? n - i0 : REF_TOL_ROWS;
        if (nb == REF_TOL_ROWS)
            ref_abs_dots4(d, k, theta, p->X + (long)i0 * d, S);
        else
            for (int r = 0; r < nb; r++)
                ref_abs_dots1(d, k, theta, p->X + (long)(i0 + r) * d, S + (long)r * k);
        /* the per-sample sums in the order of i, as before */
        for (int i = i0; i < i0 + nb; i++) {
            const double *Hi = ws->H + (long)i * k, *Zi = ws->Z + (long)i * k;
            const double *Si = S + (long)(i - i0) * k;
            double ri = fabs(ws->r[i]), Ef = 0.0;
            for (int j = 0; j < k; j++) {
                double h = Hi[j];
                if (Zi[j] > 0.0)
                    Q[j] += ri * Si[j];
                Ef += fabs(v[j]) * (gk * h + gd * Si[j]);
                R[j] += ri * h;
            }
            double E = u * ri + Ef;
            lossE += ri * E + 0.5 * E * E;
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
        homog_tol[j] = t * REF_INFLATE + REF_TINY;
    }
    free(S);
    *loss_tol = (sg_tol_gamma_u(n + 1, u) * ws->loss + lossE * invn) * REF_INFLATE + REF_TINY;
}


#endif
