/* tolerance.c -- round-off tolerances of the double trajectory (see tolerance.h). */
#include "audit/relu/tolerance.h"
#include "kernels/geometry.h"
#include "audit/relu/invariants.h"
#include <float.h>
#include <math.h>

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

static void tol_empirical(const sg_problem *p, const double *theta, const sg_workspace *ws,
                          double u, double *homog_tol, double *loss_tol)
{
    int n = p->n, d = p->d, k = p->k;
    const double *v = theta + (long)k * d, *g = ws->grad;
    const double gd = sg_tol_gamma_u(d, u), gk = sg_tol_gamma_u(k, u);
    double lossE = 0.0;
    double *Q = homog_tol; /* Q_j accumulates here, then becomes the tolerance */
    for (int j = 0; j < k; j++)
        Q[j] = 0.0;
    for (int i = 0; i < n; i++) {
        const double *x = p->X + (long)i * d;
        double ri = fabs(ws->r[i]), Ef = 0.0;
        for (int j = 0; j < k; j++) {
            const double *w = theta + (long)j * d;
            double S = 0.0;
            for (int l = 0; l < d; l++)
                S += fabs(w[l] * x[l]);
            double h = ws->H[(long)i * k + j];
            if (ws->Z[(long)i * k + j] > 0.0)
                Q[j] += ri * S;
            Ef += fabs(v[j]) * (gk * h + gd * S);
        }
        double E = u * ri + Ef;
        lossE += ri * E + 0.5 * E * E;
    }
    double invn = 1.0 / n;
    for (int j = 0; j < k; j++) {
        const double *w = theta + (long)j * d, *gw = g + (long)j * d;
        double G = 0.0;
        for (int l = 0; l < d; l++)
            G += fabs(w[l] * gw[l]);
        double Rj = 0.0;
        for (int i = 0; i < n; i++)
            Rj += fabs(ws->r[i]) * ws->H[(long)i * k + j];
        Rj *= invn;
        double gv = fabs(g[(long)k * d + j]), av = fabs(v[j]);
        double t = av * Q[j] * invn * (gd + sg_tol_gamma_u(n + 2, u)) + u * G +
                   av * (sg_tol_gamma_u(n + 1, u) * Rj + u * gv);
        homog_tol[j] = t * INFLATE + TINY;
    }
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

void sg_tol_state_u(const sg_problem *p, const double *theta, const sg_workspace *ws,
                    double u, double *homog_tol, double *loss_tol)
{
    if (p->loss == SG_LOSS_EMPIRICAL)
        tol_empirical(p, theta, ws, u, homog_tol, loss_tol);
    else
        tol_population(p, theta, ws, u, homog_tol, loss_tol);
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
