/* test_sensing_audit.c -- Model B's MPFR shadow, round-off bounds, BALANCE
 * and measurements (issue 10, items 3, 4).  Each checker has a failing case:
 *   - the step audit's bounds hold (0 violations) over seeds, shapes (down
 *     to 1 x 1 x 1) and scales, at init and along a run -- and are violated
 *     when the double model's u is replaced by u/16;
 *   - BALANCE holds on double steps and on MPFR steps within the derived
 *     tolerances, and a broken step (V+ from the NEW U) violates it;
 *   - the principal angle is 0 for col(U*) itself and pi/2 for an
 *     orthogonal complement; singular values of a known diagonal case;
 *   - the MPFR trajectory stays close to the double one over a short run
 *     and its divergence grows when the double is perturbed. */
#include "audit/sensing/balance.h"
#include "audit/sensing/measure.h"
#include "kernels/relu/empirical.h"
#include "kernels/sensing/sensing.h"
#include "kernels/sensing/step.h"
#include "shadow/sensing/step_audit.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int n1, n2, r, k, m;
    double alpha;
} shape;

static const shape shapes[] = {
    {1, 1, 1, 1, 1, 1.0},    {3, 2, 1, 2, 4, 0.5},     {6, 5, 2, 4, 20, 1e-3},
    {8, 7, 3, 5, 40, 0.3},   {12, 10, 2, 6, 90, 1e-6}, {5, 9, 4, 4, 30, 2.0},
    {20, 15, 3, 10, 200, 1e-2},
};

/* run STEPS double steps from a fresh instance, auditing each; returns the
   summed violations and the largest ratio, with model f64 */
static long audit_run(const shape *sh, uint64_t seed, int steps, const sg_fp_model *f64,
                      double *max_ratio, long *bal_viol, double *bal_ratio)
{
    sg_sens_problem p;
    char msg[200];
    CU_ASSERT_FATAL(sg_sens_problem_init(&p, sh->n1, sh->n2, sh->r, sh->k, sh->m, 2.0, msg,
                                         sizeof msg) == 0);
    sg_sens_problem_data(&p, seed);
    long len = sg_sens_theta_len(&p);
    double *th = malloc((size_t)len * 8), *old = malloc((size_t)len * 8);
    sg_sens_init_theta(&p, seed, sh->alpha, th);
    sg_sens_work w;
    sg_sens_auditor au;
    CU_ASSERT_FATAL(sg_sens_work_init(&w, &p) == 0 && sg_sens_auditor_init(&au, &p, 128) == 0);
    long viol = 0;
    *max_ratio = 0.0, *bal_viol = 0, *bal_ratio = 0.0;
    sg_fp_model b64 = sg_fp_binary64();
    for (int t = 0; t < steps; t++) {
        memcpy(old, th, (size_t)len * 8);
        double L = sg_sens_gd_step(&p, 0.2, th, &w);
        sg_sens_audit_result r;
        viol += sg_sens_audit_step(&au, &p, f64, old, 0.2, &w, L, th, &r);
        CU_ASSERT_EQUAL(r.range_errors, 0);
        CU_ASSERT_EQUAL(r.cls[SG_SENS_CLASS_RES].count, p.m);
        CU_ASSERT_EQUAL(r.cls[SG_SENS_CLASS_THETA].count, len);
        if (r.max_ratio > *max_ratio)
            *max_ratio = r.max_ratio;
        sg_sens_balance b;
        *bal_viol += sg_sens_balance_double(&p, &b64, 0.2, old, th, w.grad, w.M, &b);
        if (b.max_ratio > *bal_ratio)
            *bal_ratio = b.max_ratio;
    }
    sg_sens_auditor_free(&au);
    sg_sens_work_free(&w);
    free(th), free(old);
    sg_sens_problem_free(&p);
    return viol;
}

static void test_bounds_hold(void)
{
    sg_fp_model f64 = sg_fp_binary64();
    long total = 0, bal = 0;
    double worst = 0.0, bworst = 0.0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (uint64_t seed = 1; seed <= 4; seed++) {
            double ratio, bratio;
            long bv;
            total += audit_run(&shapes[s], seed, 6, &f64, &ratio, &bv, &bratio);
            bal += bv;
            worst = fmax(worst, ratio), bworst = fmax(bworst, bratio);
        }
    printf("\n    step audit: %ld violations, max error/bound %.3f; BALANCE: %ld violations, "
           "max ratio %.3f (seeds 1-4, %zu shapes, 6 steps)\n",
           total, worst, bal, bworst, sizeof shapes / sizeof shapes[0]);
    CU_ASSERT_EQUAL(total, 0);
    CU_ASSERT_EQUAL(bal, 0);
    CU_ASSERT(worst > 0.0 && worst <= 1.0);
}

static void test_bounds_sharp(void)
{
    sg_fp_model shrunk = sg_fp_binary64();
    shrunk.u /= 16;
    long total = 0;
    for (size_t s = 1; s < sizeof shapes / sizeof shapes[0]; s++) {
        double ratio, bratio;
        long bv;
        total += audit_run(&shapes[s], 1, 3, &shrunk, &ratio, &bv, &bratio);
    }
    printf("\n    with u/16: %ld violations\n", total);
    CU_ASSERT(total > 0);
}

/* V+ computed from the NEW U: the first-order terms no longer cancel */
static void test_balance_broken_step(void)
{
    sg_sens_problem p;
    char msg[200];
    CU_ASSERT_FATAL(sg_sens_problem_init(&p, 12, 10, 2, 5, 80, 2.0, msg, sizeof msg) == 0);
    sg_sens_problem_data(&p, 9);
    long len = sg_sens_theta_len(&p), lu = (long)p.n1 * p.k;
    double *th = malloc((size_t)len * 8), *nw = malloc((size_t)len * 8);
    sg_sens_init_theta(&p, 9, 0.3, th);
    sg_sens_work w;
    CU_ASSERT_FATAL(sg_sens_work_init(&w, &p) == 0);
    sg_fp_model b64 = sg_fp_binary64();
    sg_sens_balance good, bad;
    memcpy(nw, th, (size_t)len * 8);
    sg_sens_gd_step(&p, 0.2, nw, &w);
    CU_ASSERT_EQUAL(sg_sens_balance_double(&p, &b64, 0.2, th, nw, w.grad, w.M, &good), 0);
    /* broken: GV from U+ instead of U */
    sg_sens_grad_V(p.n1, p.n2, p.k, w.M, nw, w.grad + lu);
    memcpy(nw + lu, th + lu, (size_t)(len - lu) * 8);
    sg_gd_update((int)(len - lu), 0.2, w.grad + lu, nw + lu);
    long v = sg_sens_balance_double(&p, &b64, 0.2, th, nw, w.grad, w.M, &bad);
    printf("\n    BALANCE: correct step max|R| %.2e (ratio %.3f), broken step max|R| %.2e "
           "(ratio %.2e, %ld violations); mu^2 drift %.2e\n",
           good.max_abs, good.max_ratio, bad.max_abs, bad.max_ratio, v, good.drift);
    CU_ASSERT(v > 0);
    CU_ASSERT(good.drift > 0.0);
    sg_sens_work_free(&w);
    free(th), free(nw);
    sg_sens_problem_free(&p);
}

/* the MPFR trajectory: BALANCE at precision p, divergence from the double */
static void test_mp_trajectory(void)
{
    sg_sens_problem p;
    char msg[200];
    CU_ASSERT_FATAL(sg_sens_problem_init(&p, 10, 8, 2, 4, 60, 2.0, msg, sizeof msg) == 0);
    sg_sens_problem_data(&p, 5);
    long len = sg_sens_theta_len(&p);
    double *th = malloc((size_t)len * 8);
    sg_sens_init_theta(&p, 5, 1e-2, th);
    sg_sens_work w;
    sg_sens_mp s;
    CU_ASSERT_FATAL(sg_sens_work_init(&w, &p) == 0 && sg_sens_mp_init(&s, &p, 128) == 0);
    sg_sens_mp_set_theta(&s, th);
    long bv = 0;
    double bratio = 0.0, div = 0.0;
    for (int t = 0; t < 50; t++) {
        sg_sens_gd_step(&p, 0.2, th, &w);
        sg_sens_mp_step(&s, &p, 0.2);
        sg_sens_balance b;
        bv += sg_sens_balance_mp(&p, &s, 0.2, &b);
        bratio = fmax(bratio, b.max_ratio);
        sg_sens_mp_advance(&s);
        div = sg_sens_mp_divergence(&s, th);
    }
    printf("\n    MPFR trajectory: BALANCE %ld violations (max ratio %.3f), divergence %.2e "
           "after 50 steps\n", bv, bratio, div);
    CU_ASSERT_EQUAL(bv, 0);
    CU_ASSERT(div < 1e-12);
    CU_ASSERT_EQUAL(s.range_errors, 0);
    /* negative control: a perturbed double state diverges */
    th[0] += 1e-6;
    CU_ASSERT(sg_sens_mp_divergence(&s, th) > 1e-8);
    /* and a broken MPFR step (GV from the new U) fails BALANCE at p bits */
    sg_sens_mp_step(&s, &p, 0.2);
    long lu = (long)p.n1 * p.k;
    mpfr_t acc;
    mpfr_init2(acc, 128);
    for (int b = 0; b < p.n2; b++)
        for (int j = 0; j < p.k; j++) {
            mpfr_set_zero(acc, 1);
            for (int a = 0; a < p.n1; a++)
                mpfr_fma(acc, s.M[(long)a * p.n2 + b], s.theta_new[(long)a * p.k + j], acc,
                         MPFR_RNDN);
            mpfr_set(s.grad[lu + (long)b * p.k + j], acc, MPFR_RNDN);
            mpfr_mul_d(acc, acc, 0.2, MPFR_RNDN);
            mpfr_sub(s.theta_new[lu + (long)b * p.k + j], s.theta[lu + (long)b * p.k + j], acc,
                     MPFR_RNDN);
        }
    mpfr_clear(acc);
    sg_sens_balance b;
    CU_ASSERT(sg_sens_balance_mp(&p, &s, 0.2, &b) > 0);
    sg_sens_mp_free(&s);
    sg_sens_work_free(&w);
    free(th);
    sg_sens_problem_free(&p);
}

static void test_angles_and_svals(void)
{
    /* Us = first 2 columns of I_5, a complement = columns 3, 4 */
    double Us[10] = {0}, Qc[10] = {0}, scratch[64];
    Us[0 * 2 + 0] = 1, Us[1 * 2 + 1] = 1;
    Qc[2 * 2 + 0] = 1, Qc[3 * 2 + 1] = 1;
    double a0 = sg_sens_principal_angle(5, 2, Us, Us, scratch);
    double a1 = sg_sens_principal_angle(5, 2, Qc, Us, scratch);
    /* a rotation by 0.3 of one direction towards the complement */
    double Qr[10] = {0};
    Qr[0 * 2 + 0] = cos(0.3), Qr[2 * 2 + 0] = sin(0.3), Qr[1 * 2 + 1] = 1;
    double a2 = sg_sens_principal_angle(5, 2, Qr, Us, scratch);
    printf("\n    angles: %.3e, %.15f (pi/2 = %.15f), %.15f (0.3)\n", a0, a1, M_PI / 2, a2);
    CU_ASSERT(a0 < 1e-15);
    CU_ASSERT(fabs(a1 - M_PI / 2) < 1e-15);
    CU_ASSERT(fabs(a2 - 0.3) < 1e-15);
    /* singular values of a diagonal U V^T: U = diag(3, 2, 1) padded, V = I */
    sg_sens_problem p;
    char msg[200];
    CU_ASSERT_FATAL(sg_sens_problem_init(&p, 4, 3, 2, 3, 5, 2.0, msg, sizeof msg) == 0);
    sg_sens_problem_data(&p, 1);
    double th[21] = {0};
    th[0 * 3 + 0] = 3, th[1 * 3 + 1] = -2, th[2 * 3 + 2] = 1;   /* U 4 x 3 */
    for (int b = 0; b < 3; b++)
        th[12 + b * 3 + b] = 1;                                 /* V 3 x 3 */
    sg_sens_meas_ws ws;
    sg_sens_meas m;
    CU_ASSERT_FATAL(sg_sens_meas_init(&ws, &p) == 0);
    CU_ASSERT_FATAL(sg_sens_measure(&ws, &p, th, &m) == 0);
    CU_ASSERT_EQUAL(m.nsigma, 3);
    CU_ASSERT(fabs(m.sigma[0] - 3) < 1e-14 && fabs(m.sigma[1] - 2) < 1e-14 &&
              fabs(m.sigma[2] - 1) < 1e-14);
    /* imbalance U^T U - V^T V = diag(8, 3, 0): norm 8 */
    CU_ASSERT(fabs(m.imbalance - 8) < 1e-13);
    sg_sens_meas_free(&ws);
    sg_sens_problem_free(&p);
}

int register_sensing_audit_suite(void)
{
    CU_pSuite s = CU_add_suite("sensing_audit", NULL, NULL);
    if (!s)
        return -1;
    if (!CU_add_test(s, "step audit bounds and BALANCE hold", test_bounds_hold) ||
        !CU_add_test(s, "bounds are sharp: u/16 is violated", test_bounds_sharp) ||
        !CU_add_test(s, "BALANCE: broken step (V+ from new U)", test_balance_broken_step) ||
        !CU_add_test(s, "MPFR trajectory: BALANCE, divergence", test_mp_trajectory) ||
        !CU_add_test(s, "principal angles, singular values", test_angles_and_svals))
        return -1;
    return 0;
}
