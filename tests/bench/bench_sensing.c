/* bench_sensing.c -- `make bench`: Model B's per-step CPU cost on the
 * issue's default problem (n1 = 40, n2 = 30, r = 3, k = 10, m = 1050):
 * the double GD step, the local step audit (MPFR step from the double state,
 * both bound chains, the comparison), the BALANCE check, the MPFR
 * trajectory step (prec 128), and the LAPACK measurements, as medians over
 * repetitions of process CPU time, and their ratios to the double step, in
 * one run. */
#include "audit/sensing/balance.h"
#include "audit/sensing/measure.h"
#include "bench_common.h"
#include "kernels/sensing/step.h"
#include "shadow/sensing/step_audit.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

#define REPS 15

int main(void)
{
    sg_sens_problem p;
    char msg[200];
    if (sg_sens_problem_init(&p, 40, 30, 3, 10, 1050, 2.0, msg, sizeof msg) != 0) {
        fprintf(stderr, "bench_sensing: %s\n", msg);
        return 1;
    }
    sg_sens_problem_data(&p, 1);
    long len = sg_sens_theta_len(&p);
    double *th = malloc((size_t)len * 8), *old = malloc((size_t)len * 8);
    sg_sens_init_theta(&p, 1, 1e-2, th);
    sg_sens_work w;
    sg_sens_auditor au;
    sg_sens_mp mp;
    sg_sens_meas_ws ws;
    if (sg_sens_work_init(&w, &p) || sg_sens_auditor_init(&au, &p, 128) ||
        sg_sens_mp_init(&mp, &p, 128) || sg_sens_meas_init(&ws, &p)) {
        fprintf(stderr, "bench_sensing: out of memory\n");
        return 1;
    }
    sg_sens_mp_set_theta(&mp, th);
    sg_fp_model f64 = sg_fp_binary64();
    double t[5][REPS];
    for (int r = 0; r < REPS; r++) {
        memcpy(old, th, (size_t)len * 8);
        double c0 = cpu_now();
        double L = 0;
        for (int q = 0; q < 10; q++) {   /* 10 steps: the double step is short */
            memcpy(th, old, (size_t)len * 8);
            L = sg_sens_gd_step(&p, 0.2, th, &w);
        }
        double c1 = cpu_now();
        sg_sens_audit_result ar;
        sg_sens_audit_step(&au, &p, &f64, old, 0.2, &w, L, th, &ar);
        double c2 = cpu_now();
        sg_sens_balance b;
        sg_sens_balance_double(&p, &f64, 0.2, old, th, w.grad, w.M, &b);
        double c3 = cpu_now();
        sg_sens_mp_step(&mp, &p, 0.2);
        sg_sens_mp_advance(&mp);
        double c4 = cpu_now();
        sg_sens_meas m;
        sg_sens_measure(&ws, &p, th, &m);
        double c5 = cpu_now();
        t[0][r] = (c1 - c0) / 10, t[1][r] = c2 - c1, t[2][r] = c3 - c2;
        t[3][r] = c4 - c3, t[4][r] = c5 - c4;
    }
    const char *name[5] = {"double GD step", "step audit (MPFR 128 + bounds)", "BALANCE check",
                           "MPFR trajectory step (128)", "LAPACK measurements"};
    double base = bench_median(t[0], REPS);
    printf("bench_sensing: Model B, n1 40 n2 30 r 3 k 10 m 1050, median of %d, CPU time\n", REPS);
    for (int q = 0; q < 5; q++) {
        double med = q == 0 ? base : bench_median(t[q], REPS);
        printf("  %-32s %9.3f ms  %7.1f x double step\n", name[q], 1e3 * med, med / base);
    }
    return 0;
}
