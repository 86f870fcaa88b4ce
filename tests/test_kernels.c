/* test_kernels.c -- the empirical kernels: exact small cases, gradients vs
 * central finite differences, the homogeneity identity and the one-step
 * imbalance identity of design section 2.  Every identity check is paired
 * with a negative control showing the same tolerance rejects a broken input. */
#include "kernels/dot.h"
#include "kernels/relu/empirical.h"
#include "test_util.h"
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

/* Hand-computed case with small integers: every operation is exact. */
static void test_exact_small(void)
{
    /* n = 3 samples, d = 2, k = 2 */
    const double X[6] = {1, 2, -1, 1, 3, -2};
    const double W[4] = {1, 1, 2, -1};       /* w_1 = (1,1), w_2 = (2,-1) */
    const double v[2] = {2, -1};
    const double y[3] = {1, 0, -1};
    double Z[6], H[6], f[3], r[3], gv[2], gW[4], Wt[SG_FWD_SCRATCH(2, 2)];
    sg_forward(3, 2, 2, X, W, Wt, Z, H);
    const double Zw[6] = {3, 0, 0, -3, 1, 8};
    const double Hw[6] = {3, 0, 0, 0, 1, 8};
    for (int q = 0; q < 6; q++) {
        CU_ASSERT_EQUAL(Z[q], Zw[q]);
        CU_ASSERT_EQUAL(H[q], Hw[q]);
    }
    sg_output(3, 2, H, v, f);
    CU_ASSERT_EQUAL(f[0], 6);
    CU_ASSERT_EQUAL(f[1], 0);
    CU_ASSERT_EQUAL(f[2], -6);
    sg_residual(3, f, y, r); /* r = (5, 0, -5) */
    CU_ASSERT_EQUAL(r[0], 5);
    CU_ASSERT_EQUAL(r[1], 0);
    CU_ASSERT_EQUAL(r[2], -5);
    CU_ASSERT_EQUAL(sg_loss(3, r), 50.0 / 6.0);
    sg_grad_v(3, 2, r, H, gv); /* gv_1 = (5*3 + 0 - 5*1)/3, gv_2 = (0+0-40)/3 */
    CU_ASSERT_EQUAL(gv[0], 10.0 / 3.0);
    CU_ASSERT_EQUAL(gv[1], -40.0 / 3.0);
    sg_grad_W(3, 2, 2, X, Z, r, v, gW);
    /* neuron 1 active on samples 1, 3: (5*2*(1,2) + (-5)*2*(3,-2))/3 */
    CU_ASSERT_EQUAL(gW[0], (10.0 - 30.0) / 3.0);
    CU_ASSERT_EQUAL(gW[1], (20.0 + 20.0) / 3.0);
    /* neuron 2 active on sample 3 only: (-5)*(-1)*(3,-2)/3 */
    CU_ASSERT_EQUAL(gW[2], 15.0 / 3.0);
    CU_ASSERT_EQUAL(gW[3], -10.0 / 3.0);
    double theta[2] = {1.0, -2.0};
    const double g[2] = {10.0, -4.0};
    sg_gd_update(2, 0.5, g, theta);
    CU_ASSERT_EQUAL(theta[0], -4.0);
    CU_ASSERT_EQUAL(theta[1], 0.0);
    /* n = 0 sums are empty, d = 0 dots are zero */
    CU_ASSERT_EQUAL(sg_dot(0, X, X), 0.0);
}

/* relative error between a gradient and a finite-difference gradient */
static double rel_err(long len, const double *g, const double *fd, double floor_)
{
    double worst = 0.0;
    for (long q = 0; q < len; q++) {
        double e = fabs(g[q] - fd[q]) / (fabs(g[q]) + fabs(fd[q]) + floor_);
        worst = e > worst ? e : worst;
    }
    return worst;
}

/* central differences of the loss, step h max(1, |theta_q|) */
static void fd_grad(const sg_problem *p, sg_workspace *ws, double *theta, double h, double *fd)
{
    long len = sg_theta_len(p->d, p->k);
    for (long q = 0; q < len; q++) {
        double t = theta[q], s = h * (fabs(t) > 1.0 ? fabs(t) : 1.0);
        theta[q] = t + s;
        double lp = sg_loss_grad(p, theta, ws);
        theta[q] = t - s;
        double lm = sg_loss_grad(p, theta, ws);
        theta[q] = t;
        fd[q] = (lp - lm) / (2.0 * s);
    }
}

/* Componentwise check with a floor of 1e-4 |g|_max: the central difference
 * of a loss computed to ~1e-16 absolute has ~1e-11 absolute noise at
 * h = 1e-5, which would swamp a purely relative test of tiny components. */
void tk_check_fd(sg_loss_kind loss, int n, int d, int k, uint64_t seed)
{
    sg_problem p;
    sg_workspace ws;
    double *theta = tu_make(&p, &ws, loss, n, d, k, SG_INIT_XAVIER, 1.0, seed);
    long len = sg_theta_len(d, k);
    double *g = malloc((size_t)len * sizeof(double)), *fd = malloc((size_t)len * sizeof(double));
    sg_loss_grad(&p, theta, &ws);
    memcpy(g, ws.grad, (size_t)len * sizeof(double));
    fd_grad(&p, &ws, theta, 1e-5, fd);
    double gmax = tu_max_abs(len, g);
    double e = rel_err(len, g, fd, 1e-4 * gmax);
    printf("\n    %s n=%d d=%d k=%d seed=%llu: max |g - g_fd|/(|g|+|g_fd|+1e-4|g|max) = %.2e",
           loss == SG_LOSS_EMPIRICAL ? "empirical" : "population", n, d, k,
           (unsigned long long)seed, e);
    CU_ASSERT(gmax > 0.0);
    CU_ASSERT(e < 1e-6);
    /* negative control: the largest component wrong by 1e-4 relative */
    long qmax = 0;
    for (long q = 0; q < len; q++)
        qmax = fabs(g[q]) > fabs(g[qmax]) ? q : qmax;
    g[qmax] *= 1.0 + 1e-4;
    CU_ASSERT(rel_err(len, g, fd, 1e-4 * gmax) > 1e-6);
    free(g);
    free(fd);
    tu_free(&p, &ws, theta);
}

static void test_fd_empirical(void)
{
    tk_check_fd(SG_LOSS_EMPIRICAL, 40, 6, 3, 11);
    tk_check_fd(SG_LOSS_EMPIRICAL, 25, 1, 1, 12);
    tk_check_fd(SG_LOSS_EMPIRICAL, 60, 10, 4, 13);
}

/* Homogeneity w_j . dL/dw_j = v_j dL/dv_j (design section 2).  Both sides
 * use the same computed residual r, so they differ only by the rounding of
 * z (gamma_d), of the two sums over i (gamma_n) and of the sum over l
 * (gamma_d):  |lhs - rhs| <= 2 gamma_{n+d+2} S,
 * S = (1/n) sum_{i active} |r_i v_j| sum_l |w_jl x_il|. */
static void homog_residuals(const sg_problem *p, const sg_workspace *ws, const double *theta,
                            int j, double *diff, double *tol)
{
    int n = p->n, d = p->d, k = p->k;
    const double *w = theta + (long)j * d, *gw = ws->grad + (long)j * d;
    double vj = theta[(long)k * d + j], gvj = ws->grad[(long)k * d + j];
    long double lhs = 0.0L, S = 0.0L;
    for (int l = 0; l < d; l++)
        lhs += (long double)w[l] * gw[l];
    for (int i = 0; i < n; i++) {
        if (ws->Z[(long)i * k + j] > 0.0) {
            long double s = 0.0L;
            for (int l = 0; l < d; l++)
                s += fabsl((long double)w[l] * p->X[(long)i * d + l]);
            S += fabsl((long double)ws->r[i] * vj) * s;
        }
    }
    S /= n;
    long double rhs = (long double)vj * gvj;
    double m = (double)(n + d + 2) * U_ROUND;
    *diff = (double)fabsl(lhs - rhs);
    *tol = 2.0 * m / (1.0 - m) * (double)S + 1e-300;
}

static void test_homogeneity(void)
{
    for (uint64_t seed = 1; seed <= 5; seed++) {
        sg_problem p;
        sg_workspace ws;
        int n = 50 + 30 * (int)seed, d = 3 + (int)seed, k = 1 + (int)seed % 4;
        double *theta = tu_make(&p, &ws, SG_LOSS_EMPIRICAL, n, d, k, SG_INIT_XAVIER,
                                seed % 2 ? 1.0 : 1e-3, seed);
        sg_loss_grad(&p, theta, &ws);
        double worst = 0.0;
        for (int j = 0; j < k; j++) {
            double diff, tol;
            homog_residuals(&p, &ws, theta, j, &diff, &tol);
            CU_ASSERT(diff <= tol);
            worst = diff / tol > worst ? diff / tol : worst;
            /* negative control: dL/dv_j off by 1e-9 relative */
            ws.grad[(long)k * d + j] *= 1.0 + 1e-9;
            homog_residuals(&p, &ws, theta, j, &diff, &tol);
            CU_ASSERT(diff > tol);
            ws.grad[(long)k * d + j] /= 1.0 + 1e-9;
        }
        printf("\n    seed %llu n=%d d=%d k=%d: homogeneity |lhs-rhs|/tol = %.3f",
               (unsigned long long)seed, n, d, k, worst);
        tu_free(&p, &ws, theta);
    }
}

/* One-step imbalance b_j+ - b_j = mu^2 (|gw_j|^2 - gv_j^2), b = |w|^2 - v^2,
 * with g the computed gradient.  The update rounds twice per component:
 * w+ = w - mu g + delta, |delta| <= u |mu g| + u |w+|, so |w+|^2 moves by at
 * most 2.01 u sum |w+_l| (|mu g_l| + |w+_l|) (+ the same for v).  The test's
 * own sums are in long double (64-bit mantissa), 2^11 times finer. */
static void imbal_check(const double *w, const double *wp, const double *gw, double v,
                        double vp, double gv, int d, double mu, double *diff,
                        double *tol)
{
    long double b = 0.0L, bp = 0.0L, g2 = 0.0L, bound = 0.0L;
    for (int l = 0; l < d; l++) {
        b += (long double)w[l] * w[l];
        bp += (long double)wp[l] * wp[l];
        g2 += (long double)gw[l] * gw[l];
        bound += fabsl((long double)wp[l]) * (fabsl((long double)mu * gw[l]) + fabsl(wp[l]));
    }
    b -= (long double)v * v;
    bp -= (long double)vp * vp;
    bound += fabsl((long double)vp) * (fabsl((long double)mu * gv) + fabsl(vp));
    long double lhs = bp - b, rhs = (long double)mu * mu * (g2 - (long double)gv * gv);
    *diff = (double)fabsl(lhs - rhs);
    *tol = (double)(2.01L * U_ROUND * bound + 1e-17L * (fabsl(b) + fabsl(bp) + fabsl(rhs)));
}

static void test_imbalance(void)
{
    for (uint64_t seed = 1; seed <= 5; seed++) {
        sg_problem p;
        sg_workspace ws;
        int n = 80, d = 5, k = 3;
        double mu = 0.1;
        double *theta = tu_make(&p, &ws, SG_LOSS_EMPIRICAL, n, d, k, SG_INIT_XAVIER, 1.0,
                                seed);
        long len = sg_theta_len(d, k);
        double *old = malloc((size_t)len * sizeof(double));
        double *bad = malloc((size_t)len * sizeof(double));
        memcpy(old, theta, (size_t)len * sizeof(double));
        sg_loss_grad(&p, theta, &ws);
        sg_gd_update((int)len, mu, ws.grad, theta);
        /* broken step: the output layer uses a step 1e-6 larger */
        memcpy(bad, old, (size_t)len * sizeof(double));
        sg_gd_update((int)len - k, mu, ws.grad, bad);
        sg_gd_update(k, mu * (1.0 + 1e-6), ws.grad + (long)k * d, bad + (long)k * d);
        double worst = 0.0;
        for (int j = 0; j < k; j++) {
            const double *gw = ws.grad + (long)j * d;
            double gv = ws.grad[(long)k * d + j], diff, tol;
            imbal_check(old + (long)j * d, theta + (long)j * d, gw, old[(long)k * d + j],
                        theta[(long)k * d + j], gv, d, mu, &diff, &tol);
            CU_ASSERT(diff <= tol);
            worst = diff / tol > worst ? diff / tol : worst;
            imbal_check(old + (long)j * d, bad + (long)j * d, gw, old[(long)k * d + j],
                        bad[(long)k * d + j], gv, d, mu, &diff, &tol);
            CU_ASSERT(diff > tol);
        }
        printf("\n    seed %llu: imbalance identity |lhs-rhs|/tol = %.3f",
               (unsigned long long)seed, worst);
        free(old);
        free(bad);
        tu_free(&p, &ws, theta);
    }
}

/* The global optimum v_1 w_1 = a, v_2 w_2 = a (signed v_2 < 0, w_2 along -a)
 * has residuals and gradient at round-off level. */
static void test_optimum_empirical(void)
{
    sg_problem p;
    sg_workspace ws;
    int n = 200, d = 7, k = 2;
    double *theta = tu_make(&p, &ws, SG_LOSS_EMPIRICAL, n, d, k, SG_INIT_THEORY, 1.0, 5);
    double na = sqrt(sg_dot(d, p.a, p.a)), s = sqrt(na);
    for (int l = 0; l < d; l++) {
        theta[l] = p.a[l] / s;
        theta[d + l] = -p.a[l] / s;
    }
    theta[2 * d] = s;
    theta[2 * d + 1] = -s;
    double L = sg_loss_grad(&p, theta, &ws);
    double g = tu_max_abs(sg_theta_len(d, k), ws.grad);
    printf("\n    optimum: loss %.3e, max |grad| %.3e", L, g);
    CU_ASSERT(L < 1e-28);
    CU_ASSERT(g < 1e-13);
    /* and one step away from it the loss is clearly positive */
    theta[0] += 1e-3;
    CU_ASSERT(sg_loss_grad(&p, theta, &ws) > 1e-8);
    tu_free(&p, &ws, theta);
}

int register_kernels_suite(void)
{
    CU_pSuite s = CU_add_suite("kernels", NULL, NULL);
    if (!s)
        return -1;
    return !CU_add_test(s, "exact small case", test_exact_small) ||
           !CU_add_test(s, "empirical gradient vs finite differences", test_fd_empirical) ||
           !CU_add_test(s, "homogeneity identity", test_homogeneity) ||
           !CU_add_test(s, "one-step imbalance identity", test_imbalance) ||
           !CU_add_test(s, "global optimum (empirical)", test_optimum_empirical);
}
