/* audit_loop.c -- the audited step alone, for perf record and for
 * interleaved before/after timing (issue 14, item 5): STEPS (argv[1],
 * default 25) steps of sg_loss_grad, sg_gd_update and sg_shadow_audit_step
 * at d = 100, k = 16, n = 8000 (or N D K, argv[2..4]), 128 bits, from the state bench_shadow.c
 * starts at; prints the audited step's CPU time per (i, j, l) term and the
 * bound violations (0 expected).  No trajectory shadow: a profile of it is
 * the audit's only.  Built by `make build/bench/audit_loop`. */
#include "bench_common.h"
#include "kernels/data.h"
#include "kernels/relu/empirical.h"
#include "kernels/relu/init.h"
#include "kernels/relu/problem.h"
#include "shadow/relu/shadow_audit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    /* optional sizes after STEPS: N D K (another of bench_shadow's sizes) */
    int steps = argc > 1 ? atoi(argv[1]) : 25;
    int n = argc > 4 ? atoi(argv[2]) : 8000, d = argc > 4 ? atoi(argv[3]) : 100;
    int k = argc > 4 ? atoi(argv[4]) : 16;
    if (steps < 1 || n < 1 || d < 1 || k < 1) {
        fprintf(stderr, "usage: audit_loop [STEPS [N D K]]\n");
        return 2;
    }
    sg_problem p;
    sg_workspace ws;
    if (bench_problem(&p, &ws, n, d, k) != 0)
        return 1;
    sg_rng rng;
    long len = sg_theta_len(d, k);
    double *theta = malloc(sizeof(double) * len), *tn = malloc(sizeof(double) * len);
    double *scratch = malloc(sizeof(double) * d);
    sg_rng_seed_stream(&rng, 1, SG_STREAM_INIT);
    sg_init_state(SG_INIT_THEORY, &rng, d, k, 1e-2, theta, theta + (long)k * d, scratch);
    sg_shadow_audit *a = malloc(sizeof *a);
    if (!a || sg_shadow_audit_init(a, &p, theta, 0.1, 128, 1, 0) != 0)
        return 1;
    double total = 0.0;
    for (int s = 0; s < steps; s++) {
        memcpy(tn, theta, sizeof(double) * len);
        double t0 = cpu_now();
        sg_loss_grad(&p, theta, &ws);
        sg_gd_update((int)len, 0.1, ws.grad, tn);
        sg_shadow_audit_step(a, s, theta, &ws, tn);
        total += cpu_now() - t0;
        memcpy(theta, tn, sizeof(double) * len);
    }
    long viol = a->violations;
    printf("audited step: %.2f ns/term over %d steps, %ld violations\n",
           1e9 * total / steps / ((double)n * k * d), steps, viol);
    sg_shadow_audit_free(a);
    free(a);
    free(theta); free(tn); free(scratch);
    sg_problem_free(&p);
    sg_workspace_free(&ws);
    return viol != 0;
}
