/* problem.c -- Model B data: planted X*, measurements, initial factors
 * (order and streams documented in problem.h). */
#include "kernels/sensing/problem.h"
#include "kernels/rng.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sg_sens_check_sizes(int n1, int n2, int r, int k, int m, double kappa,
                        char *msg, size_t len)
{
    if (n1 < 1 || n1 > SG_SENS_MAX_DIM) {
        snprintf(msg, len, "n1 = %d is outside [1, %d]", n1, SG_SENS_MAX_DIM);
        return -1;
    }
    if (n2 < 1 || n2 > SG_SENS_MAX_DIM) {
        snprintf(msg, len, "n2 = %d is outside [1, %d]", n2, SG_SENS_MAX_DIM);
        return -1;
    }
    int mn = n1 < n2 ? n1 : n2;
    if (r < 1 || r > mn) {
        snprintf(msg, len, "rank = %d is outside [1, min(n1, n2) = %d]", r, mn);
        return -1;
    }
    if (k < r || k > SG_SENS_MAX_DIM) {
        snprintf(msg, len, "k = %d is outside [rank = %d, %d]", k, r, SG_SENS_MAX_DIM);
        return -1;
    }
    if (m < 1) {
        snprintf(msg, len, "m = %d must be >= 1", m);
        return -1;
    }
    /* n1, n2 <= 4096 so n1*n2 <= 2^24; the product with m is formed in
       long only after checking it cannot overflow */
    long N = (long)n1 * n2;
    if ((long)m > SG_SENS_MAX_A_ENTRIES / N) {
        snprintf(msg, len, "m * n1 * n2 = %d * %d * %d exceeds %ld measurement entries",
                 m, n1, n2, (long)SG_SENS_MAX_A_ENTRIES);
        return -1;
    }
    if (!(kappa >= 1.0) || !isfinite(kappa)) {
        snprintf(msg, len, "kappa = %g must be finite and >= 1", kappa);
        return -1;
    }
    return 0;
}

int sg_sens_problem_init(sg_sens_problem *p, int n1, int n2, int r, int k, int m,
                         double kappa, char *msg, size_t len)
{
    memset(p, 0, sizeof *p);
    if (sg_sens_check_sizes(n1, n2, r, k, m, kappa, msg, len) != 0)
        return -1;
    p->n1 = n1, p->n2 = n2, p->r = r, p->k = k, p->m = m, p->N = n1 * n2;
    p->kappa = kappa;
    p->c = 1.0 / sqrt((double)m);
    p->A = calloc((size_t)m * (size_t)p->N, sizeof(double));
    p->y = calloc((size_t)m, sizeof(double));
    p->Xs = calloc((size_t)p->N, sizeof(double));
    p->Us = calloc((size_t)n1 * r, sizeof(double));
    p->Vs = calloc((size_t)n2 * r, sizeof(double));
    p->s = calloc((size_t)r, sizeof(double));
    if (!p->A || !p->y || !p->Xs || !p->Us || !p->Vs || !p->s) {
        snprintf(msg, len, "out of memory for m * n1 * n2 = %ld measurement entries",
                 (long)m * p->N);
        sg_sens_problem_free(p);
        return -1;
    }
    return 0;
}

void sg_sens_problem_free(sg_sens_problem *p)
{
    free(p->A), free(p->y), free(p->Xs), free(p->Us), free(p->Vs), free(p->s);
    p->A = p->y = p->Xs = p->Us = p->Vs = p->s = NULL;
}

int sg_sens_mgs(int n, int r, double *G)
{
    for (int j = 0; j < r; j++) {
        for (int i = 0; i < j; i++) {
            double h = 0.0;
            for (int a = 0; a < n; a++)
                h = h + G[(long)a * r + i] * G[(long)a * r + j];
            for (int a = 0; a < n; a++)
                G[(long)a * r + j] = G[(long)a * r + j] - h * G[(long)a * r + i];
        }
        double nn = 0.0;
        for (int a = 0; a < n; a++)
            nn = nn + G[(long)a * r + j] * G[(long)a * r + j];
        double nrm = sqrt(nn);
        if (!(nrm > 0.0))
            return -1;
        for (int a = 0; a < n; a++)
            G[(long)a * r + j] = G[(long)a * r + j] / nrm;
    }
    return 0;
}

/* fill n*r normals and orthonormalise; a dependent draw (probability 0)
   is replaced by the next draw of the same stream */
static void orthonormal(sg_rng *g, int n, int r, double *Q)
{
    do {
        for (long q = 0; q < (long)n * r; q++)
            Q[q] = sg_rng_normal(g);
    } while (sg_sens_mgs(n, r, Q) != 0);
}

void sg_sens_problem_data(sg_sens_problem *p, uint64_t seed)
{
    int n1 = p->n1, n2 = p->n2, r = p->r, N = p->N;
    sg_rng g;
    sg_rng_seed_stream(&g, seed, SG_STREAM_TARGET);
    orthonormal(&g, n1, r, p->Us);
    orthonormal(&g, n2, r, p->Vs);
    for (int l = 0; l < r; l++)
        p->s[l] = r == 1 ? 1.0 : 1.0 - ((1.0 - 1.0 / p->kappa) * l) / (double)(r - 1);
    for (int a = 0; a < n1; a++)
        for (int b = 0; b < n2; b++) {
            double x = 0.0;
            for (int l = 0; l < r; l++)
                x = x + (p->Us[(long)a * r + l] * p->s[l]) * p->Vs[(long)b * r + l];
            p->Xs[(long)a * n2 + b] = x;
        }
    sg_rng_seed_stream(&g, seed, SG_STREAM_DATA);
    for (long q = 0; q < (long)p->m * N; q++)
        p->A[q] = sg_rng_normal(&g);
    for (int i = 0; i < p->m; i++) {
        const double *Ai = p->A + (long)i * N;
        double t = 0.0;
        for (int q = 0; q < N; q++)
            t = t + Ai[q] * p->Xs[q];
        p->y[i] = t * p->c;
    }
}

long sg_sens_theta_len(const sg_sens_problem *p)
{
    return (long)(p->n1 + p->n2) * p->k;
}

void sg_sens_init_theta(const sg_sens_problem *p, uint64_t seed, double alpha, double *theta)
{
    sg_rng g;
    sg_rng_seed_stream(&g, seed, SG_STREAM_INIT);
    double scale = alpha / sqrt((double)p->k);
    long len = sg_sens_theta_len(p);
    for (long q = 0; q < len; q++)
        theta[q] = scale * sg_rng_normal(&g);
}
