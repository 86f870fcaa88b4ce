/* bench_shadow.c -- cost of the MPFR shadow relative to the double step
 * (issue 4, item 7).  For the benchmark sizes of bench_step.c (d = 100;
 * k, n = 2, 2000 / 16, 8000 / 64, 20000) it times, interleaved in the same
 * run and on the same state:
 *   double   one full-batch GD step of the kernels (sg_gd_step)
 *   audited  the same step plus the local audit of it (shadow step from the
 *            double state, both bound chains, every comparison)
 *   MPFR     one step of the MPFR trajectory shadow (loss, gradient, update,
 *            divergence)
 * at the default precision (128 bits; argv[1] overrides), and prints the
 * medians of the process CPU time and the ratios audited/double and
 * MPFR/double.  It fails if the
 * audit reports a bound violation. */
#include "bench_common.h"
#include "kernels/data.h"
#include "kernels/relu/empirical.h"
#include "kernels/relu/init.h"
#include "kernels/relu/problem.h"
#include "shadow/relu/shadow_audit.h"
#include "shadow/xacc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of this (single-threaded) process: on a machine shared with
   other jobs, wall time charges preemption mostly to the long steps */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench_size(int d, int k, int n, long prec, double budget)
{
    sg_problem p;
    sg_workspace ws;
    if (bench_problem(&p, &ws, n, d, k) != 0)
        return 1;
    sg_rng rng;
    long len = sg_theta_len(d, k);
    double *theta = malloc(sizeof(double) * len), *tn = malloc(sizeof(double) * len);
    double *t2 = malloc(sizeof(double) * len), *scratch = malloc(sizeof(double) * d);
    sg_rng_seed_stream(&rng, 1, SG_STREAM_INIT);
    sg_init_state(SG_INIT_THEORY, &rng, d, k, 1e-2, theta, theta + (long)k * d, scratch);
    const double mu = 0.1;
    sg_shadow_audit *a = malloc(sizeof *a);
    if (!a || sg_shadow_audit_init(a, &p, theta, mu, (mpfr_prec_t)prec, 1, 1) != 0)
        return 1;
    enum { MAXREP = 101 };
    double tdbl[MAXREP], taud[MAXREP], tmp[MAXREP];
    int reps = 0;
    double t_start = now();
    while (reps < MAXREP && (reps < 3 || now() - t_start < budget)) {
        /* double step */
        memcpy(t2, theta, sizeof(double) * len);
        double t0 = now();
        sg_gd_step(&p, mu, t2, &ws);
        double t1 = now();
        /* audited step: the double step and its audit */
        memcpy(tn, theta, sizeof(double) * len);
        sg_loss_grad(&p, theta, &ws);
        sg_gd_update((int)len, mu, ws.grad, tn);
        sg_shadow_audit_step(a, reps, theta, &ws, tn);
        double t2s = now();
        /* one MPFR trajectory step (with the divergence) */
        sg_shadow_audit_trajectory(a, reps, theta);
        double t3 = now();
        tdbl[reps] = t1 - t0;
        taud[reps] = t2s - t1;
        tmp[reps] = t3 - t2s;
        memcpy(theta, tn, sizeof(double) * len);
        reps++;
    }
    long viol = a->violations;
    double md = bench_median(tdbl, reps), ma = bench_median(taud, reps);
    double mm = bench_median(tmp, reps);
    /* per-term cost: the audited step's CPU time per (i, j, l) triple, in
       ns (each triple is one term of z_ij and one of gW_jl) */
    double per_term = 1e9 * ma / ((double)n * k * d);
    printf("| %3d | %3d | %6d | %9.3f | %10.2f | %14.1f | %10.2f | %7.2f | %11.1f | %4d |\n", d, k,
           n, 1e3 * md, 1e3 * ma, ma / md, per_term, 1e3 * mm, mm / md, reps);
    fflush(stdout);
    sg_shadow_audit_free(a);
    free(a);
    free(theta); free(tn); free(t2); free(scratch);
    sg_problem_free(&p);
    sg_workspace_free(&ws);
    if (viol != 0) {
        fprintf(stderr, "bench_shadow: the audit reported %ld bound violations\n", viol);
        return 1;
    }
    return 0;
}

/* What the exact accumulator buys: the forward pass z = W x at the default
   size with a 128-bit W, by xacc (exact, rounded once) and by a plain MPFR
   mirror (mpfr_set_d + mpfr_fma per product, rounded every time). */
static void bench_forward(long prec)
{
    const int n = 2000, d = 100, k = 2;
    sg_rng rng;
    sg_rng_seed_stream(&rng, 1, SG_STREAM_DATA);
    double *X = malloc(sizeof(double) * n * d);
    sg_data_gaussian(&rng, n, d, X);
    mpfr_t acc, x, out, w[200];
    mpfr_inits2((mpfr_prec_t)prec, acc, out, (mpfr_ptr)0);
    mpfr_init2(x, 53);
    uint64_t *limbs = calloc((size_t)(k * d) * (size_t)sg_xnum_limbs(prec), sizeof(uint64_t));
    sg_xnum xn[200];
    mpz_t z;
    mpz_init(z);
    for (int q = 0; q < k * d; q++) {
        mpfr_init2(w[q], (mpfr_prec_t)prec);
        mpfr_set_d(w[q], sg_rng_normal(&rng), MPFR_RNDN);
        mpfr_div_ui(w[q], w[q], 3, MPFR_RNDN); /* a full-precision W */
        xn[q].limb = limbs + (long)q * sg_xnum_limbs(prec);
        sg_xnum_from_mpfr(&xn[q], w[q], z);
    }
    sg_xacc *A = malloc(sizeof *A);
    sg_xacc_init(A);
    double tf[5], tx[5];
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) {
                mpfr_set_zero(acc, 1);
                for (int l = 0; l < d; l++) {
                    mpfr_set_d(x, X[(long)i * d + l], MPFR_RNDN);
                    mpfr_fma(acc, w[j * d + l], x, acc, MPFR_RNDN);
                }
            }
        double t1 = now();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) {
                sg_xacc_clear(A);
                for (int l = 0; l < d; l++)
                    sg_xacc_add_xd(A, &xn[j * d + l], X[(long)i * d + l]);
                sg_xacc_get(A, out, MPFR_RNDN, z);
            }
        double t2 = now();
        tf[r] = t1 - t0;
        tx[r] = t2 - t1;
    }
    double mf = bench_median(tf, 5), mx = bench_median(tx, 5);
    printf("forward pass n=%d d=%d k=%d, %ld-bit W: exact accumulator %.2f ms, "
           "mpfr_fma mirror %.2f ms (%.1fx)\n", n, d, k, prec, 1e3 * mx, 1e3 * mf, mf / mx);
    for (int q = 0; q < k * d; q++)
        mpfr_clear(w[q]);
    mpfr_clears(acc, out, x, (mpfr_ptr)0);
    mpz_clear(z);
    free(A);
    free(limbs);
    free(X);
}

int main(int argc, char **argv)
{
    long prec = argc > 1 ? strtol(argv[1], NULL, 10) : 128;
    static const int sizes[3][2] = {{2, 2000}, {16, 8000}, {64, 20000}};
    printf("MPFR shadow cost (%ld bits): median CPU time per step (ms), same run, interleaved\n",
           prec);
    printf("|   d |   k |      n | double ms | audited ms | audited/double | ns/term aud. | MPFR ms | MPFR/double | reps |\n");
    printf("|----:|----:|-------:|----------:|-----------:|---------------:|-----------:|--------:|------------:|-----:|\n");
    for (int s = 0; s < 3; s++)
        if (bench_size(100, sizes[s][0], sizes[s][1], prec, s == 2 ? 12.0 : 5.0) != 0)
            return 1;
    bench_forward(prec);
    return 0;
}
