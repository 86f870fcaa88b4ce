/* bounds.c -- Model B round-off bounds (bounds.h; derivation in
 * specs/roundoff.md, Model B).  Every formula below is a sum of products of
 * non-negative numbers evaluated under FE_UPWARD, hence an upper bound of
 * its real value (roundoff.md B0); gamma comes from sg_gamma (rounded up,
 * denominator rounded down). */
#include "shadow/sensing/bounds.h"
#include <fenv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int sg_sens_bounds_init(sg_sens_bounds *b, const sg_sens_problem *p)
{
    memset(b, 0, sizeof *b);
    b->n1 = p->n1, b->n2 = p->n2, b->k = p->k, b->m = p->m, b->N = p->N;
    b->len = sg_sens_theta_len(p);
    b->EP = calloc((size_t)b->N, sizeof(double));
    b->Er = calloc((size_t)b->m, sizeof(double));
    b->EM = calloc((size_t)b->N, sizeof(double));
    b->Eg = calloc((size_t)b->len, sizeof(double));
    b->Et = calloc((size_t)b->len, sizeof(double));
    b->w = calloc((size_t)b->N, sizeof(double));
    if (!b->EP || !b->Er || !b->EM || !b->Eg || !b->Et || !b->w) {
        sg_sens_bounds_free(b);
        return -1;
    }
    return 0;
}

void sg_sens_bounds_free(sg_sens_bounds *b)
{
    free(b->EP), free(b->Er), free(b->EM), free(b->Eg), free(b->Et), free(b->w);
    memset(b, 0, sizeof *b);
}

/* u/(1-u) under FE_UPWARD (denominator rounded down) */
static double rel1(double u)
{
    double t = u - 1.0;
    return u / -t;
}

void sg_sens_bounds_chain(sg_sens_bounds *b, const sg_fp_model *fm, const sg_sens_problem *p,
                          const double *theta, double mu, const double *P, const double *res,
                          double loss, const double *M, const double *grad,
                          const double *theta_new)
{
    int n1 = p->n1, n2 = p->n2, k = p->k, m = p->m, N = p->N;
    /* gammas first: sg_gamma switches the mode itself */
    double gk = sg_gamma(fm, k), gN = sg_gamma(fm, N), gm = sg_gamma(fm, m);
    double gn1 = sg_gamma(fm, n1), gn2 = sg_gamma(fm, n2);
    int old = fegetround();
    fesetround(FE_UPWARD);
    double u = fm->u, eta = fm->eta, r1 = rel1(u), c = p->c;
    const double *U = theta, *V = theta + (long)n1 * k;
    (void)loss;
    /* MS1: E_P = gamma_k sum_j |U_aj V_bj| + k eta */
    for (int a = 0; a < n1; a++)
        for (int bb = 0; bb < n2; bb++) {
            double s = 0.0;
            for (int j = 0; j < k; j++)
                s += fabs(U[(long)a * k + j]) * fabs(V[(long)bb * k + j]);
            b->EP[(long)a * n2 + bb] = gk * s + k * eta;
        }
    /* MS2 + MS3: E_s = sum_q |A_iq| (gamma_N |P^_q| + E_P_q) + N eta;
       E_r = c E_s + u (|r^|/(1-u) + |y| + eta)/(1-u) + eta + u/(1-u) |r^| */
    for (int q = 0; q < N; q++)
        b->w[q] = gN * fabs(P[q]) + b->EP[q];
    for (int i = 0; i < m; i++) {
        const double *Ai = p->A + (long)i * N;
        double s = 0.0;
        for (int q = 0; q < N; q++)
            s += fabs(Ai[q]) * b->w[q];
        double Es = s + N * eta;
        double ar = fabs(res[i]);
        double tabs = ar * (1.0 + r1) + fabs(p->y[i]);   /* >= |t^| */
        b->Er[i] = c * Es + u * ((tabs + eta) * (1.0 + r1)) + eta + r1 * ar;
    }
    /* MS4: E_L = (gamma_m sum r^2 + m eta + sum E_r (2|r^| + E_r)) / 2 + eta */
    {
        double s2 = 0.0, sp = 0.0;
        for (int i = 0; i < m; i++) {
            double ar = fabs(res[i]);
            s2 += ar * ar;
            sp += b->Er[i] * (2.0 * ar + b->Er[i]);
        }
        b->El = 0.5 * (gm * s2 + m * eta + sp) + eta;
    }
    /* MS5: E_M = c (sum_i |A_iq| (gamma_m |r^_i| + E_r_i) + m eta)
                 + u/(1-u) (|M^_q| + eta) + eta
       (i outer over N running sums, as the kernel) */
    for (int q = 0; q < N; q++)
        b->w[q] = 0.0;
    for (int i = 0; i < m; i++) {
        const double *Ai = p->A + (long)i * N;
        double wi = gm * fabs(res[i]) + b->Er[i];
        for (int q = 0; q < N; q++)
            b->w[q] += fabs(Ai[q]) * wi;
    }
    for (int q = 0; q < N; q++)
        b->EM[q] = c * (b->w[q] + m * eta) + r1 * (fabs(M[q]) + eta) + eta;
    /* MS6: E_GU = sum_b (gamma_n2 |M^_ab| + E_M_ab) |V_bj| + n2 eta,
           E_GV = sum_a (gamma_n1 |M^_ab| + E_M_ab) |U_aj| + n1 eta */
    double *EGU = b->Eg, *EGV = b->Eg + (long)n1 * k;
    for (int a = 0; a < n1; a++)
        for (int j = 0; j < k; j++) {
            double s = 0.0;
            for (int bb = 0; bb < n2; bb++) {
                long q = (long)a * n2 + bb;
                s += (gn2 * fabs(M[q]) + b->EM[q]) * fabs(V[(long)bb * k + j]);
            }
            EGU[(long)a * k + j] = s + n2 * eta;
        }
    for (int bb = 0; bb < n2; bb++)
        for (int j = 0; j < k; j++) {
            double s = 0.0;
            for (int a = 0; a < n1; a++) {
                long q = (long)a * n2 + bb;
                s += (gn1 * fabs(M[q]) + b->EM[q]) * fabs(U[(long)a * k + j]);
            }
            EGV[(long)bb * k + j] = s + n1 * eta;
        }
    /* MS7: E_t = u |mu g^| + eta + u/(1-u) |theta^+| + mu E_g */
    for (long q = 0; q < b->len; q++)
        b->Et[q] = u * (mu * fabs(grad[q])) + eta + r1 * fabs(theta_new[q]) + mu * b->Eg[q];
    fesetround(old);
}
