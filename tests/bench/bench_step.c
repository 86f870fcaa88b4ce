/* bench_step.c -- median time of one full-batch GD step (empirical loss):
 * our kernels (sg_gd_step) against the same mathematics written with
 * OpenBLAS dgemm/dgemv.  Both are timed in the same run, interleaved step
 * by step, so machine noise hits both alike; the table reports the medians
 * and their ratio.  OpenBLAS runs single-threaded (OPENBLAS_NUM_THREADS=1 is
 * set by `make bench`) because our kernels are single-threaded.
 * The BLAS step also serves as an independent check: its gradient must agree
 * with ours to 1e-10 relative, or the benchmark fails. */
#include "bench_common.h"
#include "kernels/data.h"
#include "kernels/relu/init.h"
#include "kernels/relu/problem.h"
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    double *Z, *G, *f, *r;
} blas_ws;

/* loss and gradient with BLAS; grad = [gW | gv] as in model.h */
static double blas_loss_grad(const sg_problem *p, const double *theta, blas_ws *b, double *grad)
{
    int n = p->n, d = p->d, k = p->k;
    const double *W = theta, *v = theta + (long)k * d;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, k, d, 1.0, p->X, d, W, d, 0.0,
                b->Z, k);
    for (long q = 0; q < (long)n * k; q++)
        b->G[q] = b->Z[q] > 0.0 ? b->Z[q] : 0.0; /* H */
    cblas_dgemv(CblasRowMajor, CblasNoTrans, n, k, 1.0, b->G, k, v, 1, 0.0, b->f, 1);
    double loss = 0.0;
    for (int i = 0; i < n; i++) {
        b->r[i] = b->f[i] - p->y[i];
        loss += b->r[i] * b->r[i];
    }
    cblas_dgemv(CblasRowMajor, CblasTrans, n, k, 1.0 / n, b->G, k, b->r, 1, 0.0,
                grad + (long)k * d, 1);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++)
            b->G[(long)i * k + j] = b->Z[(long)i * k + j] > 0.0 ? b->r[i] * v[j] : 0.0;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, d, n, 1.0 / n, b->G, k, p->X, d,
                0.0, grad, d);
    return loss / (2.0 * n);
}

static int bench_size(int d, int k, int n)
{
    sg_problem p;
    sg_workspace ws;
    if (bench_problem(&p, &ws, n, d, k) != 0)
        return 1;
    sg_rng rng;
    long len = sg_theta_len(d, k);
    double *t1 = malloc(sizeof(double) * len), *t2 = malloc(sizeof(double) * len);
    double *g2 = malloc(sizeof(double) * len), *scratch = malloc(sizeof(double) * d);
    blas_ws b = {malloc(sizeof(double) * n * k), malloc(sizeof(double) * n * k),
                 malloc(sizeof(double) * n), malloc(sizeof(double) * n)};
    sg_rng_seed_stream(&rng, 1, SG_STREAM_INIT);
    sg_init_state(SG_INIT_XAVIER, &rng, d, k, 1.0, t1, t1 + (long)k * d, scratch);
    memcpy(t2, t1, sizeof(double) * len);

    /* agreement check at the starting point */
    sg_loss_grad(&p, t1, &ws);
    blas_loss_grad(&p, t2, &b, g2);
    double gmax = 0, dmax = 0;
    for (long q = 0; q < len; q++) {
        gmax = fmax(gmax, fabs(ws.grad[q]));
        dmax = fmax(dmax, fabs(ws.grad[q] - g2[q]));
    }
    if (!(dmax <= 1e-10 * gmax)) {
        fprintf(stderr, "bench: BLAS and kernel gradients differ: %g (max |g| %g)\n", dmax, gmax);
        return 1;
    }

    enum { MAXREP = 201 };
    double ours[MAXREP], blas[MAXREP];
    int reps = 0;
    double t_start = now();
    /* at least 11 steps each, up to about 4 s per size */
    while (reps < MAXREP && (reps < 11 || now() - t_start < 4.0)) {
        double t0 = now();
        sg_gd_step(&p, 1e-3, t1, &ws);
        double t1s = now();
        blas_loss_grad(&p, t2, &b, g2);
        for (long q = 0; q < len; q++)
            t2[q] = t2[q] - 1e-3 * g2[q];
        double t2s = now();
        ours[reps] = t1s - t0;
        blas[reps] = t2s - t1s;
        reps++;
    }
    double mo = bench_median(ours, reps), mb = bench_median(blas, reps);
    printf("| %3d | %3d | %6d | %10.3f | %10.3f | %6.2f | %4d |\n", d, k, n, 1e3 * mo, 1e3 * mb,
           mo / mb, reps);
    fflush(stdout);
    free(t1); free(t2); free(g2); free(scratch);
    free(b.Z); free(b.G); free(b.f); free(b.r);
    sg_problem_free(&p);
    sg_workspace_free(&ws);
    return 0;
}

int main(void)
{
    static const int sizes[3][2] = {{2, 2000}, {16, 8000}, {64, 20000}};
    printf("GD step, empirical loss: median wall time per step (ms), same run, interleaved\n");
    printf("|   d |   k |      n | shadowgd ms | OpenBLAS ms | ratio | reps |\n");
    printf("|----:|----:|-------:|-----------:|-----------:|------:|-----:|\n");
    for (int s = 0; s < 3; s++)
        if (bench_size(100, sizes[s][0], sizes[s][1]) != 0)
            return 1;
    return 0;
}
