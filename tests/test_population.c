/* test_population.c -- the closed-form population loss and gradients:
 * finite differences, Theorem 1's saddles, global optima (k = 2 and k = 4),
 * agreement with the empirical gradient at large n, the w = 0 convention. */
#include "kernels/dot.h"
#include "kernels/relu/population.h"
#include "test_util.h"
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

static void test_fd_population(void)
{
    tk_check_fd(SG_LOSS_POPULATION, 0, 6, 3, 21);
    tk_check_fd(SG_LOSS_POPULATION, 0, 2, 5, 22);
    tk_check_fd(SG_LOSS_POPULATION, 0, 30, 2, 23);
}

/* Put neuron j at v_j w_j = c a with the given sign of v_j (|v_j| = |w_j|). */
static void place(double *theta, int d, int k, int j, const double *a, double na, double c,
                  double vsign)
{
    double m = sqrt(fabs(c) * na); /* |v_j| = |w_j| = sqrt(|c| |a|) */
    theta[(long)k * d + j] = vsign * m;
    for (int l = 0; l < d; l++)
        theta[(long)j * d + l] = c * a[l] / (vsign * m);
}

/* Theorem 1: v_1 w_1 = (c+1) a, v_2 w_2 = c a in the paper's convention
 * v = (v_1, -v_2), i.e. signed output weights (+|v_1|, -|v_2|) with
 * (signed) v_2 w_2 = -c a.  For c > 0 or c < -1 both neurons lie on one ray
 * and the network computes ReLU(a.x) or -ReLU(-a.x): loss |a|^2/4, zero
 * gradient. */
static void test_saddles(void)
{
    const double cs[4] = {0.5, 2.0, -1.5, -3.0};
    sg_problem p;
    sg_workspace ws;
    int d = 5, k = 2;
    double *theta = tu_make(&p, &ws, SG_LOSS_POPULATION, 0, d, k, SG_INIT_THEORY, 1.0, 31);
    double aa = sg_dot(d, p.a, p.a), na = sqrt(aa);
    for (int q = 0; q < 4; q++) {
        double c = cs[q];
        place(theta, d, k, 0, p.a, na, c + 1.0, +1.0);
        place(theta, d, k, 1, p.a, na, -c, -1.0);
        double L = sg_loss_grad(&p, theta, &ws);
        double g = tu_max_abs(sg_theta_len(d, k), ws.grad);
        printf("\n    c=%g: loss/(|a|^2/4) - 1 = %.2e, max |grad| = %.2e", c, L / (aa / 4) - 1,
               g);
        CU_ASSERT(fabs(L - aa / 4.0) <= 1e-14 * aa);
        CU_ASSERT(g <= 1e-14 * (1.0 + fabs(c)) * aa);
    }
    /* negative control: c in (-1, 0) is not a saddle of this family */
    place(theta, d, k, 0, p.a, na, 0.5, +1.0);
    place(theta, d, k, 1, p.a, na, 0.5, -1.0);
    sg_loss_grad(&p, theta, &ws);
    CU_ASSERT(tu_max_abs(sg_theta_len(d, k), ws.grad) > 1e-3);
    tu_free(&p, &ws, theta);
}

static void check_zero(const sg_problem *p, sg_workspace *ws, double *theta, const char *what)
{
    double L = sg_loss_grad(p, theta, ws);
    double g = tu_max_abs(sg_theta_len(p->d, p->k), ws->grad);
    printf("\n    %s: loss %.2e, max |grad| %.2e", what, L, g);
    CU_ASSERT(fabs(L) <= 1e-14);
    CU_ASSERT(g <= 1e-14);
}

static void test_optima(void)
{
    sg_problem p;
    sg_workspace ws;
    int d = 6;
    double *theta = tu_make(&p, &ws, SG_LOSS_POPULATION, 0, d, 2, SG_INIT_THEORY, 1.0, 41);
    double na = sqrt(sg_dot(d, p.a, p.a));
    /* k = 2: v_1 w_1 = a, (signed) v_2 w_2 = a with v_2 < 0 */
    place(theta, d, 2, 0, p.a, na, 1.0, +1.0);
    place(theta, d, 2, 1, p.a, na, 1.0, -1.0);
    check_zero(&p, &ws, theta, "k=2 optimum");
    /* a misplaced optimum (v_2 w_2 = 0.9 a) is not stationary */
    place(theta, d, 2, 1, p.a, na, 0.9, -1.0);
    sg_loss_grad(&p, theta, &ws);
    CU_ASSERT(ws.loss > 1e-4);
    tu_free(&p, &ws, theta);
    /* k = 4: two antipodal pairs, 0.3 a and 0.7 a: sum v_j w_j = 2a and each
       line's v_j |w_j| sum to 0 */
    theta = tu_make(&p, &ws, SG_LOSS_POPULATION, 0, d, 4, SG_INIT_THEORY, 1.0, 42);
    na = sqrt(sg_dot(d, p.a, p.a));
    place(theta, d, 4, 0, p.a, na, 0.3, +1.0);
    place(theta, d, 4, 1, p.a, na, 0.3, -1.0);
    place(theta, d, 4, 2, p.a, na, 0.7, +1.0);
    place(theta, d, 4, 3, p.a, na, 0.7, -1.0);
    check_zero(&p, &ws, theta, "k=4 optimum");
    tu_free(&p, &ws, theta);
}

/* Empirical vs population gradient at n = 10^5: each component of the
 * empirical gradient is a mean of n i.i.d. terms c_i; it must lie within six
 * standard errors sqrt(mean(c_i^2)/n) of the population value. */
static void test_population_vs_empirical(void)
{
    int n = 100000, d = 4, k = 3;
    sg_problem pe, pp;
    sg_workspace we, wp;
    double *theta = tu_make(&pe, &we, SG_LOSS_EMPIRICAL, n, d, k, SG_INIT_XAVIER, 1.0, 51);
    double *t2 = tu_make(&pp, &wp, SG_LOSS_POPULATION, 0, d, k, SG_INIT_XAVIER, 1.0, 51);
    memcpy(pp.a, pe.a, (size_t)d * sizeof(double));
    sg_loss_grad(&pe, theta, &we);
    sg_loss_grad(&pp, theta, &wp);
    double worst = 0.0;
    for (int j = 0; j < k; j++) {
        double vj = theta[(long)k * d + j];
        for (int l = 0; l <= d; l++) { /* l = d: the v_j component */
            long double s2 = 0.0L;
            for (int i = 0; i < n; i++) {
                double c = l < d ? (we.Z[(long)i * k + j] > 0 ? we.r[i] * vj * pe.X[(long)i * d + l] : 0)
                                 : we.r[i] * we.H[(long)i * k + j];
                s2 += (long double)c * c;
            }
            double se = sqrt((double)(s2 / n) / n);
            long q = l < d ? (long)j * d + l : (long)k * d + j;
            double z = fabs(we.grad[q] - wp.grad[q]) / se;
            worst = z > worst ? z : worst;
            CU_ASSERT(z < 6.0);
        }
    }
    printf("\n    n=%d: max |g_emp - g_pop| / stderr = %.2f", n, worst);
    CU_ASSERT(fabs(we.loss - wp.loss) < 0.05 * wp.loss + 1e-3);
    free(t2);
    sg_problem_free(&pe);
    sg_problem_free(&pp);
    sg_workspace_free(&we);
    sg_workspace_free(&wp);
    free(theta);
}

/* w_i = 0: the documented convention dL/dw_i = (1/4) v_i sum_{j != i} v_j w_j
 * - (1/2) v_i a, dL/dv_i = -(1/2) a.w_i = 0, everything finite. */
static void test_zero_neuron(void)
{
    sg_problem p;
    sg_workspace ws;
    int d = 4, k = 3;
    double *theta = tu_make(&p, &ws, SG_LOSS_POPULATION, 0, d, k, SG_INIT_XAVIER, 1.0, 61);
    for (int l = 0; l < d; l++)
        theta[l] = 0.0; /* w_1 = 0 */
    sg_loss_grad(&p, theta, &ws);
    double v0 = theta[(long)k * d];
    for (int l = 0; l < d; l++) {
        double want = 0.0;
        for (int j = 1; j < k; j++)
            want += theta[(long)k * d + j] * theta[(long)j * d + l];
        want = 0.25 * v0 * want - 0.5 * v0 * p.a[l];
        CU_ASSERT(fabs(ws.grad[l] - want) <= 1e-14 * (1.0 + fabs(want)));
    }
    CU_ASSERT_EQUAL(ws.grad[(long)k * d], 0.0);
    CU_ASSERT(isfinite(ws.loss));
    tu_free(&p, &ws, theta);
}

int register_population_suite(void)
{
    CU_pSuite s = CU_add_suite("population", NULL, NULL);
    if (!s)
        return -1;
    return !CU_add_test(s, "population gradient vs finite differences", test_fd_population) ||
           !CU_add_test(s, "Theorem 1 saddles", test_saddles) ||
           !CU_add_test(s, "global optima k=2, k=4", test_optima) ||
           !CU_add_test(s, "population vs empirical at n=1e5", test_population_vs_empirical) ||
           !CU_add_test(s, "w_i = 0 convention", test_zero_neuron);
}
