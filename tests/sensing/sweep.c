/* sweep.c -- Model B alpha sweep through the kernels alone (until the CLI
 * has --model sensing): for each alpha, STEPS GD steps on the issue's
 * default problem, then the final relative error, sigma_{r+1}(U V^T) and
 * the maximum imbalance ||U^T U - V^T V||_2 over the run; with --audit K,
 * also the local step audit and BALANCE every K steps (violations summed).
 * Usage: sweep STEPS ALPHA... [--audit K] [--mp]
 *   --mp also runs the independent MPFR trajectory (prec 128) and prints
 *   its final divergence.  CPU seconds per phase are printed (clock()).
 * Build: make build/tests/sensing_sweep (tests/sensing.mk). */
#include "audit/sensing/balance.h"
#include "audit/sensing/measure.h"
#include "kernels/sensing/step.h"
#include "shadow/sensing/step_audit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu(void) { return (double)clock() / CLOCKS_PER_SEC; }

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: sweep STEPS ALPHA... [--audit K] [--mp]\n");
        return 2;
    }
    int steps = atoi(argv[1]), audit = 0, mp = 0;
    sg_sens_problem p;
    char msg[256];
    if (sg_sens_problem_init(&p, 40, 30, 3, 10, 1050, 2.0, msg, sizeof msg) != 0) {
        fprintf(stderr, "sweep: %s\n", msg);
        return 2;
    }
    sg_sens_problem_data(&p, 1);
    for (int a = 2; a < argc; a++)
        if (strcmp(argv[a], "--audit") == 0 && a + 1 < argc)
            audit = atoi(argv[++a]);
        else if (strcmp(argv[a], "--mp") == 0)
            mp = 1;
    double mu = 0.2;
    long len = sg_sens_theta_len(&p);
    double *th = malloc((size_t)len * sizeof(double)), *old = malloc((size_t)len * sizeof(double));
    sg_sens_work w;
    sg_sens_meas_ws ws;
    sg_sens_auditor au;
    sg_sens_mp traj;
    if (!th || !old || sg_sens_work_init(&w, &p) || sg_sens_meas_init(&ws, &p) ||
        sg_sens_auditor_init(&au, &p, 128) || sg_sens_mp_init(&traj, &p, 128)) {
        fprintf(stderr, "sweep: out of memory\n");
        return 2;
    }
    sg_fp_model f64 = sg_fp_binary64();
    printf("alpha steps rel_error sigma_r1 sigma_r max_imbalance imbalance_0 angle "
           "audits bound_viol max_ratio balance_viol balance_ratio mp_divergence "
           "cpu_double cpu_audit cpu_mp\n");
    for (int a = 2; a < argc; a++) {
        if (argv[a][0] == '-') {
            if (strcmp(argv[a], "--audit") == 0)
                a++;
            continue;
        }
        double alpha = atof(argv[a]);
        sg_sens_init_theta(&p, 1, alpha, th);
        sg_sens_mp_set_theta(&traj, th);
        sg_sens_meas m0, mt;
        sg_sens_measure(&ws, &p, th, &m0);
        double maximb = m0.imbalance, tdbl = 0, taud = 0, tmp = 0, maxratio = 0, bratio = 0;
        long viol = 0, bviol = 0, naud = 0;
        for (int t = 0; t < steps; t++) {
            memcpy(old, th, (size_t)len * sizeof(double));
            double c0 = cpu();
            double L = sg_sens_gd_step(&p, mu, th, &w);
            tdbl += cpu() - c0;
            if (audit > 0 && t % audit == 0) {
                c0 = cpu();
                sg_sens_audit_result r;
                viol += sg_sens_audit_step(&au, &p, &f64, old, mu, &w, L, th, &r);
                if (r.max_ratio > maxratio)
                    maxratio = r.max_ratio;
                sg_sens_balance b;
                bviol += sg_sens_balance_double(&p, &f64, mu, old, th, w.grad, w.M, &b);
                if (b.max_ratio > bratio)
                    bratio = b.max_ratio;
                naud++;
                taud += cpu() - c0;
            }
            if (mp) {
                c0 = cpu();
                sg_sens_mp_step(&traj, &p, mu);
                sg_sens_mp_advance(&traj);
                tmp += cpu() - c0;
            }
            if (t % 10 == 9 || t == steps - 1) {
                sg_sens_measure(&ws, &p, th, &mt);
                if (mt.imbalance > maximb)
                    maximb = mt.imbalance;
            }
        }
        sg_sens_measure(&ws, &p, th, &mt);
        double div = mp ? sg_sens_mp_divergence(&traj, th) : 0.0;
        printf("%.0e %d %.3e %.3e %.3e %.3e %.3e %.3e %ld %ld %.3f %ld %.3f %.3e %.2f %.2f %.2f\n",
               alpha, steps, mt.rel_error, mt.sigma[p.r], mt.sigma[p.r - 1], maximb,
               m0.imbalance, mt.angle, naud, viol, maxratio, bviol, bratio, div, tdbl, taud,
               tmp);
    }
    return 0;
}
