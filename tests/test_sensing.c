/* test_sensing.c -- Model B kernels and data (issue 10, items 1, 2, 5):
 *   - the kernels against an exactly computable small case (small integers,
 *     c = 1/2 for m = 4, every operation exact), computed independently in
 *     integer arithmetic, bit for bit; and the same comparison fails when a
 *     kernel input is perturbed (the check is not vacuous);
 *   - the gradient against central finite differences of the loss;
 *   - data: U*, V* orthonormal, ||X*||_2 = s_0 = 1, s linear to 1/kappa,
 *     y = A(X*); bit-identical for the same seed, different for another;
 *   - size validation rejects every bad size with one line;
 *   - the loss decreases over a short run from small init;
 *   - the "driver": the default problem for alpha = 1e-2, 1e-4
 *     reaches a relative error and sigma_{r+1} of the order of alpha. */
#include "audit/sensing/measure.h"
#include "kernels/sensing/problem.h"
#include "kernels/sensing/safe_box.h"
#include "kernels/sensing/sensing.h"
#include "kernels/sensing/step.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a hand-made problem with integer entries: n1 = 3, n2 = 2, k = 2, m = 4 */
static void small_problem(sg_sens_problem *p, double *theta)
{
    char msg[200];
    CU_ASSERT_FATAL(sg_sens_problem_init(p, 3, 2, 1, 2, 4, 1.0, msg, sizeof msg) == 0);
    CU_ASSERT_EQUAL(p->c, 0.5);
    for (long q = 0; q < (long)p->m * p->N; q++)
        p->A[q] = (double)((q * 7) % 5) - 2.0;
    for (int i = 0; i < p->m; i++)
        p->y[i] = (double)(i - 1);
    for (long q = 0; q < sg_sens_theta_len(p); q++)
        theta[q] = (double)((q * 3) % 7) - 3.0;
}

/* the same quantities in exact integer arithmetic (scaled by powers of 2:
   res = (s/2 - y), M = (sum res A) / 2 -- kept as 4 * value) */
static void small_expected(const sg_sens_problem *p, const double *theta, double *P,
                           double *res, double *M, double *grad, double *loss)
{
    int n1 = p->n1, n2 = p->n2, k = p->k, m = p->m, N = p->N;
    long iP[6], ir2[4], iM4[6];
    for (int a = 0; a < n1; a++)
        for (int b = 0; b < n2; b++) {
            long s = 0;
            for (int j = 0; j < k; j++)
                s += (long)theta[a * k + j] * (long)theta[n1 * k + b * k + j];
            iP[a * n2 + b] = s;
            P[a * n2 + b] = (double)s;
        }
    long l8 = 0;
    for (int i = 0; i < m; i++) {
        long s = 0;
        for (int q = 0; q < N; q++)
            s += (long)p->A[i * N + q] * iP[q];
        ir2[i] = s - 2 * (long)p->y[i];          /* 2 res_i */
        res[i] = (double)ir2[i] / 2.0;
        l8 += ir2[i] * ir2[i];                   /* 4 sum res^2 */
    }
    *loss = (double)l8 / 8.0;
    for (int q = 0; q < N; q++) {
        long s = 0;
        for (int i = 0; i < m; i++)
            s += ir2[i] * (long)p->A[i * N + q];  /* 2 sum res A */
        iM4[q] = s;                               /* 4 M */
        M[q] = (double)s / 4.0;
    }
    for (int a = 0; a < n1; a++)
        for (int j = 0; j < k; j++) {
            long s = 0;
            for (int b = 0; b < n2; b++)
                s += iM4[a * n2 + b] * (long)theta[n1 * k + b * k + j];
            grad[a * k + j] = (double)s / 4.0;
        }
    for (int b = 0; b < n2; b++)
        for (int j = 0; j < k; j++) {
            long s = 0;
            for (int a = 0; a < n1; a++)
                s += iM4[a * n2 + b] * (long)theta[a * k + j];
            grad[n1 * k + b * k + j] = (double)s / 4.0;
        }
}

static int same_bits(long n, const double *x, const double *y)
{
    return memcmp(x, y, (size_t)n * sizeof(double)) == 0;
}

static void test_exact_small_case(void)
{
    sg_sens_problem p;
    double theta[10], P[6], res[4], M[6], grad[10], loss;
    small_problem(&p, theta);
    small_expected(&p, theta, P, res, M, grad, &loss);
    sg_sens_work w;
    CU_ASSERT_FATAL(sg_sens_work_init(&w, &p) == 0);
    double L = sg_sens_loss_grad(&p, theta, &w);
    CU_ASSERT(same_bits(6, w.P, P));
    CU_ASSERT(same_bits(4, w.res, res));
    CU_ASSERT(same_bits(6, w.M, M));
    CU_ASSERT(same_bits(10, w.grad, grad));
    CU_ASSERT_EQUAL(L, loss);
    CU_ASSERT(loss > 0.0);
    /* the step from the old point: theta - mu grad, mu = 1/4 (exact) */
    double th2[10];
    memcpy(th2, theta, sizeof th2);
    sg_sens_gd_step(&p, 0.25, th2, &w);
    int ok = 1;
    for (int q = 0; q < 10; q++)
        ok &= th2[q] == theta[q] - 0.25 * grad[q];
    CU_ASSERT(ok);
    /* negative control: one changed entry of A changes the results */
    p.A[5] += 1.0;
    sg_sens_loss_grad(&p, theta, &w);
    CU_ASSERT(!same_bits(4, w.res, res) || !same_bits(6, w.M, M));
    sg_sens_work_free(&w);
    sg_sens_problem_free(&p);
}

static void test_finite_differences(void)
{
    sg_sens_problem p;
    char msg[200];
    CU_ASSERT_FATAL(sg_sens_problem_init(&p, 5, 4, 2, 3, 15, 3.0, msg, sizeof msg) == 0);
    sg_sens_problem_data(&p, 7);
    long len = sg_sens_theta_len(&p);
    double *th = malloc((size_t)len * sizeof(double));
    sg_sens_init_theta(&p, 7, 0.7, th);
    sg_sens_work w;
    CU_ASSERT_FATAL(sg_sens_work_init(&w, &p) == 0);
    sg_sens_loss_grad(&p, th, &w);
    double *g = malloc((size_t)len * sizeof(double));
    memcpy(g, w.grad, (size_t)len * sizeof(double));
    double worst = 0.0, gmax = 0.0, h = 1e-5;
    for (long q = 0; q < len; q++) {
        double t0 = th[q];
        th[q] = t0 + h;
        double Lp = sg_sens_loss_grad(&p, th, &w);
        th[q] = t0 - h;
        double Lm = sg_sens_loss_grad(&p, th, &w);
        th[q] = t0;
        double fd = (Lp - Lm) / (2 * h);
        if (fabs(fd - g[q]) > worst)
            worst = fabs(fd - g[q]);
        if (fabs(g[q]) > gmax)
            gmax = fabs(g[q]);
    }
    printf("\n    finite differences: max |fd - grad| = %.2e, max |grad| = %.2e\n", worst, gmax);
    CU_ASSERT(gmax > 1e-2);
    CU_ASSERT(worst < 1e-7 * (1.0 + gmax));
    /* negative control: the adjoint without its 1/sqrt(m) (c = 1) gives a
       gradient the finite differences reject */
    sg_sens_loss_grad(&p, th, &w);
    sg_sens_adjoint(p.m, p.N, p.A, w.res, 1.0, w.M);
    sg_sens_grad_U(p.n1, p.n2, p.k, w.M, th + (long)p.n1 * p.k, w.grad);
    double bad = 0.0;
    for (long q = 0; q < (long)p.n1 * p.k; q++)
        bad = fmax(bad, fabs(w.grad[q] - g[q]));
    CU_ASSERT(bad > 1e3 * 1e-7 * (1.0 + gmax));
    sg_sens_work_free(&w);
    free(th), free(g);
    sg_sens_problem_free(&p);
}

static void test_data(void)
{
    sg_sens_problem p, q;
    char msg[200];
    CU_ASSERT_FATAL(sg_sens_problem_init(&p, 12, 9, 4, 5, 30, 2.0, msg, sizeof msg) == 0);
    CU_ASSERT_FATAL(sg_sens_problem_init(&q, 12, 9, 4, 5, 30, 2.0, msg, sizeof msg) == 0);
    sg_sens_problem_data(&p, 3);
    sg_sens_problem_data(&q, 3);
    CU_ASSERT(same_bits((long)p.m * p.N, p.A, q.A));
    CU_ASSERT(same_bits(p.m, p.y, q.y));
    CU_ASSERT(same_bits(p.N, p.Xs, q.Xs));
    double worst = 0.0;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double su = 0, sv = 0;
            for (int a = 0; a < 12; a++)
                su += p.Us[a * 4 + i] * p.Us[a * 4 + j];
            for (int b = 0; b < 9; b++)
                sv += p.Vs[b * 4 + i] * p.Vs[b * 4 + j];
            double e = (i == j) ? 1.0 : 0.0;
            worst = fmax(worst, fmax(fabs(su - e), fabs(sv - e)));
        }
    CU_ASSERT(worst < 1e-14);
    CU_ASSERT_EQUAL(p.s[0], 1.0);
    CU_ASSERT(fabs(p.s[3] - 0.5) < 1e-15);
    CU_ASSERT(fabs(p.s[1] - (1.0 - 0.5 / 3.0)) < 1e-15);
    /* ||X*||_2 = 1 through LAPACK */
    sg_sens_meas_ws ws;
    CU_ASSERT_FATAL(sg_sens_meas_init(&ws, &p) == 0);
    double *th = calloc((size_t)sg_sens_theta_len(&p), sizeof(double));
    /* theta = [U* diag(s) padded | V* padded]: U V^T = X* */
    for (int a = 0; a < 12; a++)
        for (int l = 0; l < 4; l++)
            th[a * 5 + l] = p.Us[a * 4 + l] * p.s[l];
    for (int b = 0; b < 9; b++)
        for (int l = 0; l < 4; l++)
            th[12 * 5 + b * 5 + l] = p.Vs[b * 4 + l];
    sg_sens_meas mm;
    CU_ASSERT_FATAL(sg_sens_measure(&ws, &p, th, &mm) == 0);
    CU_ASSERT(fabs(mm.sigma[0] - 1.0) < 1e-14);
    CU_ASSERT(fabs(mm.sigma[3] - 0.5) < 1e-14);
    CU_ASSERT(mm.sigma[4] < 1e-14);
    CU_ASSERT(mm.rel_error < 1e-15);
    CU_ASSERT(mm.angle < 1e-7);
    /* y = A(X*): the residual at X* is zero */
    for (int i = 0; i < p.m; i++) {
        double t = 0;
        for (int e = 0; e < p.N; e++)
            t += p.A[(long)i * p.N + e] * p.Xs[e];
        CU_ASSERT(t * p.c == p.y[i]);
    }
    /* another seed: different data */
    sg_sens_problem_data(&q, 4);
    CU_ASSERT(!same_bits(p.N, p.Xs, q.Xs));
    /* init: deterministic, scale alpha / sqrt(k) */
    long len = sg_sens_theta_len(&p);
    double *t1 = malloc((size_t)len * 8), *t2 = malloc((size_t)len * 8);
    sg_sens_init_theta(&p, 5, 1e-3, t1);
    sg_sens_init_theta(&p, 5, 1e-3, t2);
    CU_ASSERT(same_bits(len, t1, t2));
    double ss = 0;
    for (long e = 0; e < len; e++)
        ss += t1[e] * t1[e];
    double rms = sqrt(ss / len);
    CU_ASSERT(rms > 0.5e-3 / sqrt(5.0) && rms < 2e-3 / sqrt(5.0));
    free(t1), free(t2), free(th);
    sg_sens_meas_free(&ws);
    sg_sens_problem_free(&p);
    sg_sens_problem_free(&q);
}

static void test_bad_sizes(void)
{
    char msg[200];
    struct { int n1, n2, r, k, m; double kappa; const char *word; } bad[] = {
        {0, 5, 1, 1, 5, 2, "n1"},       {5, 0, 1, 1, 5, 2, "n2"},
        {5, 4, 5, 6, 5, 2, "rank"},     {5, 4, 0, 6, 5, 2, "rank"},
        {5, 4, 3, 2, 5, 2, "k ="},      {5, 4, 1, 1, 0, 2, "m ="},
        {4096, 4096, 1, 1, 100, 2, "m * n1 * n2"},
        {5, 4, 1, 1, 5, 0.5, "kappa"},  {5, 4, 1, 1, 5, NAN, "kappa"},
        {5000, 4, 1, 1, 5, 2, "n1"},
    };
    for (size_t t = 0; t < sizeof bad / sizeof bad[0]; t++) {
        msg[0] = 0;
        CU_ASSERT_EQUAL(sg_sens_check_sizes(bad[t].n1, bad[t].n2, bad[t].r, bad[t].k, bad[t].m,
                                            bad[t].kappa, msg, sizeof msg), -1);
        CU_ASSERT(strstr(msg, bad[t].word) != NULL);
        CU_ASSERT(strchr(msg, '\n') == NULL);
    }
    CU_ASSERT_EQUAL(sg_sens_check_sizes(40, 30, 3, 10, 1050, 2.0, msg, sizeof msg), 0);
    /* the proved box */
    CU_ASSERT_EQUAL(sg_sens_safe_sizes(40, 30, 10, 1050, 0.2, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(sg_sens_safe_sizes(40, 30, 10, 1050, 1e3, msg, sizeof msg), -1);
    CU_ASSERT(strstr(msg, "mu") != NULL);
    CU_ASSERT_EQUAL(sg_sens_safe_sizes(40, 600, 10, 1050, 0.2, msg, sizeof msg), -1);
    double th[3] = {1.0, -2e4, 0.0}, A[2] = {1.0, 500.0}, y[1] = {0.0};
    CU_ASSERT_EQUAL(sg_sens_safe_state(3, th, msg, sizeof msg), -1);
    CU_ASSERT(strstr(msg, "theta[1]") != NULL);
    th[1] = NAN;
    CU_ASSERT_EQUAL(sg_sens_safe_state(3, th, msg, sizeof msg), -1);
    th[1] = 0.5;
    CU_ASSERT_EQUAL(sg_sens_safe_state(3, th, msg, sizeof msg), 0);
    CU_ASSERT_EQUAL(sg_sens_safe_data(1, 2, A, y, msg, sizeof msg), -1);
    A[1] = 5.0;
    CU_ASSERT_EQUAL(sg_sens_safe_data(1, 2, A, y, msg, sizeof msg), 0);
}

static void test_loss_decreases(void)
{
    sg_sens_problem p;
    char msg[200];
    CU_ASSERT_FATAL(sg_sens_problem_init(&p, 10, 8, 2, 4, 60, 2.0, msg, sizeof msg) == 0);
    sg_sens_problem_data(&p, 2);
    long len = sg_sens_theta_len(&p);
    double *th = malloc((size_t)len * 8), *th2 = malloc((size_t)len * 8);
    sg_sens_init_theta(&p, 2, 1e-3, th);
    memcpy(th2, th, (size_t)len * 8);
    sg_sens_work w;
    CU_ASSERT_FATAL(sg_sens_work_init(&w, &p) == 0);
    double L0 = sg_sens_gd_step(&p, 0.2, th, &w), Lprev = L0, L = L0;
    int up = 0;
    for (int t = 1; t < 600; t++) {
        L = sg_sens_gd_step(&p, 0.2, th, &w);
        up += L > Lprev;
        Lprev = L;
    }
    printf("\n    loss %.3e -> %.3e, %d increases in 600 steps\n", L0, L, up);
    CU_ASSERT(L < 1e-4 * L0);
    CU_ASSERT_EQUAL(up, 0);
    /* determinism: the same run again is bit-identical */
    for (int t = 0; t < 600; t++)
        sg_sens_gd_step(&p, 0.2, th2, &w);
    CU_ASSERT(same_bits(len, th, th2));
    sg_sens_work_free(&w);
    free(th), free(th2);
    sg_sens_problem_free(&p);
}

/* the default problem through the kernels alone */
static void run_default(double alpha, int steps, double *err, double *sr1, double *sr)
{
    sg_sens_problem p;
    char msg[200];
    CU_ASSERT_FATAL(sg_sens_problem_init(&p, 40, 30, 3, 10, 1050, 2.0, msg, sizeof msg) == 0);
    sg_sens_problem_data(&p, 1);
    long len = sg_sens_theta_len(&p);
    double *th = malloc((size_t)len * 8);
    sg_sens_init_theta(&p, 1, alpha, th);
    sg_sens_work w;
    sg_sens_meas_ws ws;
    CU_ASSERT_FATAL(sg_sens_work_init(&w, &p) == 0 && sg_sens_meas_init(&ws, &p) == 0);
    for (int t = 0; t < steps; t++)
        sg_sens_gd_step(&p, 0.2, th, &w);
    sg_sens_meas m;
    CU_ASSERT_FATAL(sg_sens_measure(&ws, &p, th, &m) == 0);
    *err = m.rel_error, *sr1 = m.sigma[3], *sr = m.sigma[2];
    printf("\n    alpha %.0e, %d steps: rel_error %.3e, sigma_4 %.3e, sigma_3 %.3e, "
           "imbalance %.3e, angle %.2e",
           alpha, steps, m.rel_error, m.sigma[3], m.sigma[2], m.imbalance, m.angle);
    sg_sens_work_free(&w);
    sg_sens_meas_free(&ws);
    free(th);
    sg_sens_problem_free(&p);
}

static void test_driver_default(void)
{
    double e2, s2, r2, e4, s4, r4;
    run_default(1e-2, 1500, &e2, &s2, &r2);
    run_default(1e-4, 2000, &e4, &s4, &r4);
    printf("\n");
    /* relative error of the order of alpha (within a factor 10) */
    CU_ASSERT(e2 > 1e-3 && e2 < 1e-1);
    CU_ASSERT(e4 > 1e-5 && e4 < 1e-3);
    CU_ASSERT(e4 < e2);
    /* sigma_{r+1} of the order of alpha, far below sigma_r ~ 1/kappa */
    CU_ASSERT(s2 < 10 * 1e-2 && s4 < 10 * 1e-4);
    CU_ASSERT(s4 < s2);
    CU_ASSERT(r2 > 0.4 && r4 > 0.4);
}

int register_sensing_suite(void)
{
    CU_pSuite s = CU_add_suite("sensing", NULL, NULL);
    if (!s)
        return -1;
    if (!CU_add_test(s, "kernels vs an exact small case", test_exact_small_case) ||
        !CU_add_test(s, "gradient vs central finite differences", test_finite_differences) ||
        !CU_add_test(s, "data: orthonormal, ||X*|| = 1, deterministic", test_data) ||
        !CU_add_test(s, "bad sizes and the proved box", test_bad_sizes) ||
        !CU_add_test(s, "loss decreases, run is deterministic", test_loss_decreases) ||
        !CU_add_test(s, "driver: default problem, alpha 1e-2 and 1e-4", test_driver_default))
        return -1;
    return 0;
}
