/* test_multi.c -- the multi-output network (issue 16):
 *  - at r = 1 the multi kernels return the scalar kernels' bits (Y, F, R, L,
 *    gV, gW; population L, gW, gV) on random data;
 *  - gradients against central differences (empirical and population, r = 3),
 *    with a negative control (a perturbed gradient is rejected);
 *  - the population closed form against Monte Carlo (the empirical loss and
 *    gradient at n = 400000), with a negative control (a wrong target);
 *  - the zero-loss point (pairs w_j = +-e_j, V_j = +-e_j): loss, gradient
 *    and |V W - 2A| vanish; a misplaced one is not stationary;
 *  - targets (e, random orthonormal) and the three initialisations' rules. */
#include "kernels/data.h"
#include "kernels/dot.h"
#include "kernels/geometry.h"
#include "kernels/relu/empirical.h"
#include "kernels/relu/multi_init.h"
#include "kernels/relu/multi_problem.h"
#include "audit/relu/multi_audit.h"
#include "models/relu/relu_multi.h"
#include "test_util.h"
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

/* a random r-output problem with A random orthonormal scaled by 1.3 and a
   theta from init at scale sigma; theta has k*d + r*k entries */
static double *mk_problem(sg_mproblem *p, sg_mworkspace *ws, sg_loss_kind loss, int n, int d,
                          int k, int r, sg_init_kind init, double sigma, uint64_t seed)
{
    sg_rng rng;
    if (sg_mproblem_alloc(p, loss, n, d, k, r) != 0 || sg_mworkspace_alloc(ws, p) != 0)
        abort();
    sg_rng_seed_stream(&rng, seed, SG_STREAM_TARGET);
    sg_mtarget_random(&rng, r, d, p->A);
    for (long q = 0; q < (long)r * d; q++)
        p->A[q] *= 1.3; /* |a_o| != 1 on purpose */
    if (loss == SG_LOSS_EMPIRICAL) {
        sg_rng_seed_stream(&rng, seed, SG_STREAM_DATA);
        sg_data_gaussian(&rng, n, d, p->X);
        sg_mproblem_labels(p);
    }
    double *theta = calloc((size_t)sg_mtheta_len(d, k, r), sizeof(double));
    double *g = calloc((size_t)d, sizeof(double)), *u = calloc((size_t)r * r, sizeof(double));
    sg_rng_seed_stream(&rng, seed, SG_STREAM_INIT);
    sg_minit_state(init, &rng, d, k, r, sigma, theta, theta + (long)k * d, g, u);
    free(g);
    free(u);
    return theta;
}

static void mk_free(sg_mproblem *p, sg_mworkspace *ws, double *theta)
{
    sg_mproblem_free(p);
    sg_mworkspace_free(ws);
    free(theta);
}

static int same_bits(long m, const double *x, const double *y)
{
    return memcmp(x, y, (size_t)m * sizeof(double)) == 0;
}

/* r = 1: every multi kernel against its scalar counterpart, bit for bit */
static void test_r1_bits(void)
{
    const int shapes[3][3] = {{50, 7, 3}, {200, 20, 2}, {31, 5, 9}};
    for (int s = 0; s < 3; s++) {
        int n = shapes[s][0], d = shapes[s][1], k = shapes[s][2];
        sg_problem p;
        sg_workspace ws;
        /* xavier at scale 1: activations of both signs, non-trivial sums */
        double *theta = tu_make(&p, &ws, SG_LOSS_EMPIRICAL, n, d, k, SG_INIT_XAVIER, 1.0,
                                100 + s);
        double L1 = sg_loss_grad(&p, theta, &ws);
        double *Y = calloc((size_t)n, sizeof(double)), *F = calloc((size_t)n, sizeof(double));
        double *R = calloc((size_t)n, sizeof(double)), *T = calloc((size_t)n * k, sizeof(double));
        double *Z = calloc((size_t)n * k, sizeof(double)), *H = calloc((size_t)n * k, sizeof(double));
        double *gW = calloc((size_t)k * d, sizeof(double)), *gV = calloc((size_t)k, sizeof(double));
        const double *W = theta, *v = theta + (long)k * d;
        sg_mlabels(n, d, 1, p.X, p.a, Y);
        CU_ASSERT(same_bits(n, Y, p.y));
        sg_forward(n, d, k, p.X, W, ws.Wt, Z, H);
        sg_moutput(n, k, 1, H, v, F);
        CU_ASSERT(same_bits(n, F, ws.f));
        sg_residual(n, F, Y, R);
        CU_ASSERT(same_bits(n, R, ws.r));
        double L = sg_mloss(n, 1, R);
        CU_ASSERT(memcmp(&L, &L1, sizeof L) == 0);
        sg_mgrad_V(n, k, 1, R, H, gV);
        CU_ASSERT(same_bits(k, gV, ws.grad + (long)k * d));
        sg_mbackprop(n, k, 1, R, v, T);
        sg_mgrad_W(n, d, k, p.X, Z, T, gW);
        CU_ASSERT(same_bits((long)k * d, gW, ws.grad));
        /* the composed multi problem at r = 1 */
        sg_mproblem mp;
        sg_mworkspace mws;
        CU_ASSERT_FATAL(sg_mproblem_alloc(&mp, SG_LOSS_EMPIRICAL, n, d, k, 1) == 0);
        CU_ASSERT_FATAL(sg_mworkspace_alloc(&mws, &mp) == 0);
        memcpy(mp.X, p.X, (size_t)n * d * sizeof(double));
        memcpy(mp.A, p.a, (size_t)d * sizeof(double));
        sg_mproblem_labels(&mp);
        double Lm = sg_mloss_grad(&mp, theta, &mws);
        CU_ASSERT(memcmp(&Lm, &L1, sizeof L) == 0);
        CU_ASSERT(same_bits(sg_theta_len(d, k), mws.grad, ws.grad));
        /* negative control: the comparison sees a one-ulp change */
        gW[0] = nextafter(gW[0], INFINITY);
        CU_ASSERT(!same_bits((long)k * d, gW, ws.grad));
        sg_mproblem_free(&mp);
        sg_mworkspace_free(&mws);
        free(Y); free(F); free(R); free(T); free(Z); free(H); free(gW); free(gV);
        tu_free(&p, &ws, theta);

        /* population at r = 1 */
        theta = tu_make(&p, &ws, SG_LOSS_POPULATION, 0, d, k, SG_INIT_XAVIER, 1.0, 200 + s);
        L1 = sg_loss_grad(&p, theta, &ws);
        CU_ASSERT_FATAL(sg_mproblem_alloc(&mp, SG_LOSS_POPULATION, 0, d, k, 1) == 0);
        CU_ASSERT_FATAL(sg_mworkspace_alloc(&mws, &mp) == 0);
        memcpy(mp.A, p.a, (size_t)d * sizeof(double));
        Lm = sg_mloss_grad(&mp, theta, &mws);
        CU_ASSERT(memcmp(&Lm, &L1, sizeof L) == 0);
        CU_ASSERT(same_bits(sg_theta_len(d, k), mws.grad, ws.grad));
        sg_mproblem_free(&mp);
        sg_mworkspace_free(&mws);
        tu_free(&p, &ws, theta);
    }
}

/* max over components of |g - fd| / (1 + |fd|), fd the central difference
   of the loss with step h */
static double fd_error(const sg_mproblem *p, sg_mworkspace *ws, double *theta,
                       const double *g, double h)
{
    long m = sg_mtheta_len(p->d, p->k, p->r);
    double worst = 0.0;
    for (long q = 0; q < m; q++) {
        double t = theta[q];
        theta[q] = t + h;
        double Lp = sg_mloss_grad(p, theta, ws);
        theta[q] = t - h;
        double Lm = sg_mloss_grad(p, theta, ws);
        theta[q] = t;
        double fd = (Lp - Lm) / (2.0 * h), e = fabs(g[q] - fd) / (1.0 + fabs(fd));
        worst = e > worst ? e : worst;
    }
    return worst;
}

static void check_fd(sg_loss_kind loss, int n, int d, int k, int r, uint64_t seed)
{
    sg_mproblem p;
    sg_mworkspace ws;
    double *theta = mk_problem(&p, &ws, loss, n, d, k, r, SG_INIT_XAVIER, 1.0, seed);
    long m = sg_mtheta_len(d, k, r);
    sg_mloss_grad(&p, theta, &ws);
    double *g = malloc((size_t)m * sizeof(double));
    memcpy(g, ws.grad, (size_t)m * sizeof(double));
    double e = fd_error(&p, &ws, theta, g, 1e-6);
    printf("\n    %s d=%d k=%d r=%d: max |g - fd|/(1+|fd|) = %.2e", sg_loss_name(loss), d, k, r,
           e);
    CU_ASSERT(e < 1e-6);
    /* negative control: one component of V's gradient off by 1e-4 */
    g[m - 1] += 1e-4;
    CU_ASSERT(fd_error(&p, &ws, theta, g, 1e-6) > 5e-5);
    free(g);
    mk_free(&p, &ws, theta);
}

static void test_fd(void)
{
    check_fd(SG_LOSS_EMPIRICAL, 40, 5, 6, 3, 11);
    check_fd(SG_LOSS_EMPIRICAL, 30, 4, 3, 2, 12);
    check_fd(SG_LOSS_POPULATION, 0, 5, 6, 3, 13);
    check_fd(SG_LOSS_POPULATION, 0, 7, 4, 5, 14);
}

/* the closed form against the empirical loss at large n (Monte Carlo):
   the same A and theta, X ~ N(0, I) */
static void test_monte_carlo(void)
{
    int n = 400000, d = 5, k = 6, r = 3;
    sg_mproblem pe, pp;
    sg_mworkspace we, wp;
    double *theta = mk_problem(&pe, &we, SG_LOSS_EMPIRICAL, n, d, k, r, SG_INIT_XAVIER, 1.0, 7);
    double *th2 = mk_problem(&pp, &wp, SG_LOSS_POPULATION, 0, d, k, r, SG_INIT_XAVIER, 1.0, 7);
    CU_ASSERT_FATAL(same_bits(sg_mtheta_len(d, k, r), theta, th2));
    CU_ASSERT_FATAL(same_bits((long)r * d, pe.A, pp.A));
    double Le = sg_mloss_grad(&pe, theta, &we), Lp = sg_mloss_grad(&pp, theta, &wp);
    long m = sg_mtheta_len(d, k, r);
    double gmax = tu_max_abs(m, wp.grad), gdiff = 0.0;
    for (long q = 0; q < m; q++)
        gdiff = fmax(gdiff, fabs(we.grad[q] - wp.grad[q]));
    printf("\n    n=%d: L_emp %.6f  L_pop %.6f  rel %.2e; max |g_emp - g_pop| / max|g| %.2e", n,
           Le, Lp, fabs(Le - Lp) / Lp, gdiff / gmax);
    /* sampling error ~ 1/sqrt(n) = 1.6e-3 relative */
    CU_ASSERT(fabs(Le - Lp) <= 1e-2 * Lp);
    CU_ASSERT(gdiff <= 2e-2 * gmax);
    /* negative control: the closed form with a wrong (scaled) target row */
    for (int l = 0; l < d; l++)
        pp.A[d + l] *= 1.2;
    double Lw = sg_mloss_grad(&pp, theta, &wp);
    printf("; wrong A: rel %.2e", fabs(Le - Lw) / Lw);
    CU_ASSERT(fabs(Le - Lw) > 1e-2 * Lw);
    mk_free(&pe, &we, theta);
    mk_free(&pp, &wp, th2);
}

/* the exact optimum for A = [e_1; ..; e_r], k = 2r: w_j = c e_j, V_j = e_j / c,
   w_{j+r} = -c e_j, V_{j+r} = -e_j / c (V_j ReLU(x_j) - V_j ReLU(-x_j) = e_j x_j) */
static void place_optimum(int d, int k, int r, double c, double *theta)
{
    double *V = theta + (long)k * d;
    memset(theta, 0, (size_t)sg_mtheta_len(d, k, r) * sizeof(double));
    for (int j = 0; j < r; j++) {
        theta[(long)j * d + j] = c;
        theta[(long)(j + r) * d + j] = -c;
        V[(long)j * k + j] = 1.0 / c;
        V[(long)j * k + j + r] = -1.0 / c;
    }
}

static void test_zero_loss(void)
{
    int d = 6, k = 6, r = 3;
    for (int e = 0; e < 2; e++) {
        sg_loss_kind loss = e ? SG_LOSS_POPULATION : SG_LOSS_EMPIRICAL;
        sg_mproblem p;
        sg_mworkspace ws;
        double *theta = mk_problem(&p, &ws, loss, 500, d, k, r, SG_INIT_THEORY, 1.0, 3);
        sg_mtarget_e(r, d, p.A);
        sg_mproblem_labels(&p);
        place_optimum(d, k, r, 2.0, theta); /* c = 2: powers of two, exact */
        double L = sg_mloss_grad(&p, theta, &ws);
        double g = tu_max_abs(sg_mtheta_len(d, k, r), ws.grad);
        double vw = sg_multi_vw_residual(d, k, r, p.A, theta);
        printf("\n    %s optimum: loss %.2e, max|grad| %.2e, |VW-2A| %.2e", sg_loss_name(loss),
               L, g, vw);
        CU_ASSERT(fabs(L) <= 1e-14 && g <= 1e-14 && vw == 0.0);
        /* negative control: unit 1's output scaled by 0.9 */
        theta[(long)k * d] *= 0.9;
        L = sg_mloss_grad(&p, theta, &ws);
        CU_ASSERT(L > 1e-4);
        CU_ASSERT(tu_max_abs(sg_mtheta_len(d, k, r), ws.grad) > 1e-3);
        CU_ASSERT(sg_multi_vw_residual(d, k, r, p.A, theta) > 0.1);
        mk_free(&p, &ws, theta);
    }
}

static void test_targets(void)
{
    int r = 4, d = 9;
    double A[36], B[36];
    sg_mtarget_e(r, d, A);
    for (int o = 0; o < r; o++)
        for (int l = 0; l < d; l++)
            CU_ASSERT(A[o * d + l] == (o == l ? 1.0 : 0.0));
    sg_rng rng;
    sg_rng_seed_stream(&rng, 5, SG_STREAM_TARGET);
    sg_mtarget_random(&rng, r, d, A);
    double worst = 0.0;
    for (int o = 0; o < r; o++)
        for (int p = 0; p < r; p++)
            worst = fmax(worst, fabs(sg_dot(d, A + o * d, A + p * d) - (o == p ? 1.0 : 0.0)));
    printf("\n    random A: max |A A^T - I| = %.2e", worst);
    CU_ASSERT(worst <= 1e-14);
    /* deterministic from the seed, and the seed matters */
    sg_rng_seed_stream(&rng, 5, SG_STREAM_TARGET);
    sg_mtarget_random(&rng, r, d, B);
    CU_ASSERT(same_bits(r * d, A, B));
    sg_rng_seed_stream(&rng, 6, SG_STREAM_TARGET);
    sg_mtarget_random(&rng, r, d, B);
    CU_ASSERT(!same_bits(r * d, A, B));
    /* r = d: a full orthonormal basis */
    double C[81];
    sg_rng_seed_stream(&rng, 5, SG_STREAM_TARGET);
    sg_mtarget_random(&rng, d, d, C);
    worst = 0.0;
    for (int o = 0; o < d; o++)
        for (int p = 0; p < d; p++)
            worst = fmax(worst, fabs(sg_dot(d, C + o * d, C + p * d) - (o == p ? 1.0 : 0.0)));
    CU_ASSERT(worst <= 1e-13);
}

/* column j of V */
static double col_dot(int k, int r, const double *V, int i, int j)
{
    double s = 0.0;
    for (int o = 0; o < r; o++)
        s += V[o * k + i] * V[o * k + j];
    return s;
}

static void test_inits(void)
{
    int d = 50, k = 8, r = 4;
    double sigma = 1e-2;
    double *theta = calloc((size_t)sg_mtheta_len(d, k, r), sizeof(double));
    double g[50], u[16];
    const double *V = theta + (long)k * d;
    sg_rng rng;
    /* theory: unit j and j + r have opposite output directions; |V_j| ~ sigma */
    sg_rng_seed_stream(&rng, 9, SG_STREAM_INIT);
    sg_minit_state(SG_INIT_THEORY, &rng, d, k, r, sigma, theta, theta + (long)k * d, g, u);
    for (int j = 0; j < r; j++) {
        double c = col_dot(k, r, V, j, j + r) /
                   sqrt(col_dot(k, r, V, j, j) * col_dot(k, r, V, j + r, j + r));
        CU_ASSERT(fabs(c + 1.0) <= 1e-15);
        CU_ASSERT(sqrt(col_dot(k, r, V, j, j)) > 0.3 * sigma &&
                  sqrt(col_dot(k, r, V, j, j)) < 3 * sigma);
        double wn = sg_norm(d, theta + (long)j * d);
        CU_ASSERT(wn > 0.5 * sigma && wn < 2 * sigma);
    }
    /* distinct pairs point in different directions */
    CU_ASSERT(fabs(col_dot(k, r, V, 0, 1)) < col_dot(k, r, V, 0, 0));
    /* balanced: |V_j| = |w_j| */
    sg_rng_seed_stream(&rng, 9, SG_STREAM_INIT);
    sg_minit_state(SG_INIT_BALANCED, &rng, d, k, r, sigma, theta, theta + (long)k * d, g, u);
    for (int j = 0; j < k; j++) {
        double wn = sg_norm(d, theta + (long)j * d), vn = sqrt(col_dot(k, r, V, j, j));
        CU_ASSERT(fabs(wn * wn - vn * vn) <= 4e-16 * wn * wn);
    }
    /* xavier: the sample variances of W and V near sigma^2 2/(k+d), 2/(r+k) */
    int kk = 40, dd = 200, rr = 30;
    double *big = calloc((size_t)sg_mtheta_len(dd, kk, rr), sizeof(double));
    double gg[200], uu[900];
    sg_rng_seed_stream(&rng, 9, SG_STREAM_INIT);
    sg_minit_state(SG_INIT_XAVIER, &rng, dd, kk, rr, 1.0, big, big + (long)kk * dd, gg, uu);
    double sw = sg_dot(kk * dd, big, big) / (kk * dd);
    double sv = sg_dot(rr * kk, big + kk * dd, big + kk * dd) / (rr * kk);
    printf("\n    xavier: var W %.4f (expect %.4f), var V %.4f (expect %.4f)", sw,
           2.0 / (kk + dd), sv, 2.0 / (rr + kk));
    CU_ASSERT(fabs(sw / (2.0 / (kk + dd)) - 1) < 0.05);
    CU_ASSERT(fabs(sv / (2.0 / (rr + kk)) - 1) < 0.15);
    free(big);
    free(theta);
}

/* training from the theory init at small scale reaches the optimum
   (population, r = 3, k = 6): loss below 1e-12 and |VW - 2A| small */
static void test_converges(void)
{
    int d = 10, k = 6, r = 3;
    sg_mproblem p;
    sg_mworkspace ws;
    double *theta = mk_problem(&p, &ws, SG_LOSS_POPULATION, 0, d, k, r, SG_INIT_THEORY, 1e-3, 1);
    sg_mtarget_e(r, d, p.A);
    long m = sg_mtheta_len(d, k, r);
    double L = 0.0, L0 = sg_mloss_grad(&p, theta, &ws);
    for (int t = 0; t < 3000; t++) {
        L = sg_mloss_grad(&p, theta, &ws);
        sg_gd_update((int)m, 0.1, ws.grad, theta);
    }
    double vw = sg_multi_vw_residual(d, k, r, p.A, theta);
    printf("\n    r=3 population, 3000 steps: loss %.3e -> %.3e, |VW-2A| %.2e", L0, L, vw);
    CU_ASSERT(L0 > 1.0 && L < 1e-12 && vw < 1e-5);
    mk_free(&p, &ws, theta);
}

/* checkpoints compare the config hash: r is in it when r > 1, and
   --outputs 1 leaves every r = 1 hash as it was */
static void test_config_hash(void)
{
    sg_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.model = &sg_model_relu;
    sg_relu_defaults(&cfg);
    uint64_t h0 = sg_relu_config_hash(&cfg);
    RC(&cfg)->outputs = 1;
    CU_ASSERT(sg_relu_config_hash(&cfg) == h0);
    RC(&cfg)->k = 6;
    uint64_t hk = sg_relu_config_hash(&cfg);
    RC(&cfg)->outputs = 3;
    uint64_t h3 = sg_relu_config_hash(&cfg);
    RC(&cfg)->outputs = 2;
    uint64_t h2 = sg_relu_config_hash(&cfg);
    CU_ASSERT(h3 != hk && h3 != h2 && h2 != hk);
    CU_ASSERT(sg_relu_theta_len(&cfg) == 6 * 100 + 2 * 6);
}

/* the r > 1 audit holds along a real run (both losses) and each check is
   violated on a broken input */
static void test_audit(void)
{
    int d = 8, k = 6, r = 3;
    for (int e = 0; e < 2; e++) {
        sg_loss_kind loss = e ? SG_LOSS_POPULATION : SG_LOSS_EMPIRICAL;
        sg_mproblem p;
        sg_mworkspace ws;
        double *theta = mk_problem(&p, &ws, loss, 300, d, k, r, SG_INIT_THEORY, 1e-2, 21);
        long m = sg_mtheta_len(d, k, r);
        double mu = 0.1;
        sg_multi_audit a;
        CU_ASSERT_FATAL(sg_multi_audit_init(&a, &p, &ws, mu, 0) == 0);
        for (long t = 0; t <= 300; t++) {
            double L = sg_mloss_grad(&p, theta, &ws);
            sg_multi_audit_observe(&a, t, theta, ws.grad, L);
            if (t == 300)
                break;
            sg_gd_update((int)m, mu, ws.grad, theta);
            sg_multi_audit_step(&a, t, theta);
        }
        printf("\n    %s: margins HOMOG %.3g IMBAL %.3g DESCENT %.3g ODDPART %.3g",
               sg_loss_name(loss), a.res[0].worst_margin, a.res[1].worst_margin,
               a.res[2].worst_margin, a.res[3].worst_margin);
        CU_ASSERT(a.res[SG_MINV_HOMOG].verdict == SG_HELD && a.res[SG_MINV_HOMOG].checked == 301);
        CU_ASSERT(a.res[SG_MINV_IMBAL].verdict == SG_HELD && a.res[SG_MINV_IMBAL].checked == 300);
        CU_ASSERT(a.res[SG_MINV_DESCENT].verdict == SG_HELD);
        CU_ASSERT(a.res[SG_MINV_ODDPART].verdict == (e ? SG_HELD : SG_NOT_APPLICABLE));
        sg_multi_audit_free(&a);

        /* broken inputs, one per check */
        double *g = malloc((size_t)m * sizeof(double)), *next = malloc((size_t)m * sizeof(double));
        double L = sg_mloss_grad(&p, theta, &ws);
        memcpy(g, ws.grad, (size_t)m * sizeof(double));
        CU_ASSERT_FATAL(sg_multi_audit_init(&a, &p, &ws, mu, 0) == 0);
        g[2] += 1e-3; /* a wrong dL/dW entry: HOMOG */
        sg_multi_audit_observe(&a, 0, theta, g, L);
        CU_ASSERT(a.res[SG_MINV_HOMOG].verdict == SG_VIOLATED);
        g[2] -= 1e-3;
        sg_multi_audit_observe(&a, 1, theta, g, L * 1.01); /* the loss went up: DESCENT */
        CU_ASSERT(a.res[SG_MINV_DESCENT].verdict == SG_VIOLATED);
        for (long q = 0; q < m; q++) /* a step not taken with mu: IMBAL */
            next[q] = theta[q] - 2.0 * mu * g[q];
        sg_multi_audit_step(&a, 1, next);
        CU_ASSERT(a.res[SG_MINV_IMBAL].verdict == SG_VIOLATED);
        if (e) { /* at theta = 0 (V W - 2A = -2A), a loss of 0.1 reported: ODDPART */
            memset(next, 0, (size_t)m * sizeof(double));
            sg_multi_audit_observe(&a, 2, next, g, 0.1);
            CU_ASSERT(a.res[SG_MINV_ODDPART].verdict == SG_VIOLATED);
        }
        sg_multi_audit_free(&a);
        free(g);
        free(next);
        mk_free(&p, &ws, theta);
    }
}

int register_multi_suite(void)
{
    CU_pSuite s = CU_add_suite("multi", NULL, NULL);
    if (!s)
        return -1;
    if (!CU_add_test(s, "r = 1: the multi kernels give the scalar bits", test_r1_bits) ||
        !CU_add_test(s, "gradients vs finite differences (r = 2, 3, 5)", test_fd) ||
        !CU_add_test(s, "population closed form vs Monte Carlo", test_monte_carlo) ||
        !CU_add_test(s, "zero-loss point: loss, gradient, VW - 2A vanish", test_zero_loss) ||
        !CU_add_test(s, "targets e and random orthonormal", test_targets) ||
        !CU_add_test(s, "initialisations theory, balanced, xavier", test_inits) ||
        !CU_add_test(s, "population r = 3 training converges", test_converges) ||
        !CU_add_test(s, "r is in the checkpoints' config hash", test_config_hash) ||
        !CU_add_test(s, "r > 1 audit: holds on a run, fails on broken inputs", test_audit))
        return -1;
    return 0;
}
