/* test_multi_traj.c -- the r > 1 MPFR trajectory and DIVERGE
 * (shadow/relu/multi_traj.h), FLIPS (audit/relu/multi_shadow_verdicts.c) and
 * EVENPART (audit/relu/multi_evenpart.c): each holds on a real input and
 * fails on a deliberately broken one. */
#include "audit/relu/multi_audit.h"
#include "kernels/data.h"
#include "kernels/relu/empirical.h"
#include "kernels/relu/multi_init.h"
#include "kernels/relu/multi_problem.h"
#include "shadow/relu/multi_traj.h"
#include "shadow/relu/shadow.h"
#include "test_util.h"
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

/* an r-output problem (A random orthonormal rows), theory init at sigma */
static double *mk(sg_mproblem *p, sg_mworkspace *ws, sg_loss_kind loss, int n, int d, int k,
                  int r, double sigma, uint64_t seed)
{
    sg_rng rng;
    if (sg_mproblem_alloc(p, loss, n, d, k, r) != 0 || sg_mworkspace_alloc(ws, p) != 0)
        abort();
    sg_rng_seed_stream(&rng, seed, SG_STREAM_TARGET);
    sg_mtarget_random(&rng, r, d, p->A);
    if (loss == SG_LOSS_EMPIRICAL) {
        sg_rng_seed_stream(&rng, seed, SG_STREAM_DATA);
        sg_data_gaussian(&rng, n, d, p->X);
        sg_mproblem_labels(p);
    }
    double *theta = calloc((size_t)sg_mtheta_len(d, k, r), sizeof(double));
    double *g = calloc((size_t)d, sizeof(double)), *u = calloc((size_t)r * r, sizeof(double));
    sg_rng_seed_stream(&rng, seed, SG_STREAM_INIT);
    sg_minit_state(SG_INIT_THEORY, &rng, d, k, r, sigma, theta, theta + (long)k * d, g, u);
    free(g);
    free(u);
    return theta;
}

/* steps double GD steps with the trajectory observing each state; at step
   kick (>= 0) one MPFR component is moved by a relative 1e-4 */
static void run(const sg_mproblem *p, sg_mworkspace *ws, double *theta, sg_mtraj *t, long steps,
                double mu, long kick)
{
    long m = sg_mtheta_len(p->d, p->k, p->r);
    for (long s = 0; s <= steps; s++) {
        sg_mtraj_observe(t, s, theta);
        if (s == kick)
            mpfr_mul_d(t->theta[3], t->theta[3], 1.0001, MPFR_RNDN);
        sg_mloss_grad(p, theta, ws);
        sg_gd_update((int)m, mu, ws->grad, theta);
    }
}

static void test_diverge(void)
{
    int d = 6, k = 6, r = 3;
    double mu = 0.1;
    for (int e = 0; e < 2; e++) {
        sg_loss_kind loss = e ? SG_LOSS_POPULATION : SG_LOSS_EMPIRICAL;
        for (int broken = 0; broken < 2; broken++) {
            sg_mproblem p;
            sg_mworkspace ws;
            double *theta = mk(&p, &ws, loss, 200, d, k, r, 1e-2, 5);
            long m = sg_mtheta_len(d, k, r);
            sg_mtraj t;
            CU_ASSERT_FATAL(sg_mtraj_init(&t, &p, theta, 128, mu, m) == 0);
            run(&p, &ws, theta, &t, 300, mu, broken ? 100 : -1);
            sg_multi_audit a;
            CU_ASSERT_FATAL(sg_multi_audit_init(&a, &p, &ws, mu, 0) == 0);
            a.traj = &t;
            a.diverge_max = 1e-6;
            sg_multi_audit_diverge(&a);
            printf("\n    %s%s: 301 states, max divergence %.3g (step %ld): %s",
                   sg_loss_name(loss), broken ? ", MPFR kicked at step 100" : "", t.max_div,
                   t.max_div_step, sg_verdict_name(a.diverge_res.verdict));
            CU_ASSERT(t.steps == 301);
            if (!broken) {
                CU_ASSERT(t.max_div > 0.0 && t.max_div < 1e-12); /* it is measured */
                CU_ASSERT(a.diverge_res.verdict == SG_HELD);
                a.diverge_max = t.max_div / 2; /* the threshold decides */
                sg_multi_audit_diverge(&a);
                CU_ASSERT(a.diverge_res.verdict == SG_VIOLATED);
            } else {
                CU_ASSERT(t.max_div > 1e-6 && t.max_div_step >= 101);
                CU_ASSERT(a.diverge_res.verdict == SG_VIOLATED &&
                          a.diverge_res.first_violation == t.max_div_step);
            }
            a.traj = NULL; /* --no-shadow-trajectory */
            sg_multi_audit_diverge(&a);
            CU_ASSERT(a.diverge_res.verdict == SG_NOT_APPLICABLE);
            sg_multi_audit_free(&a);
            sg_mtraj_free(&t);
            sg_mproblem_free(&p);
            sg_mworkspace_free(&ws);
            free(theta);
        }
    }
}

/* r = 1: the population trajectory is the scalar shadow's, exactly; the
   empirical one agrees with it (exact Z there, p-bit Z here) to ~2^-110 */
static void test_scalar_case(void)
{
    int d = 5, k = 4;
    double mu = 0.1;
    for (int e = 0; e < 2; e++) {
        sg_loss_kind loss = e ? SG_LOSS_POPULATION : SG_LOSS_EMPIRICAL;
        sg_mproblem p;
        sg_mworkspace ws;
        double *theta = mk(&p, &ws, loss, 50, d, k, 1, 0.5, 9);
        long m = sg_mtheta_len(d, k, 1);
        sg_problem sp = {loss, loss == SG_LOSS_EMPIRICAL ? 50 : 0, d, k, p.X, p.Y, p.A};
        sg_shadow sh;
        sg_mtraj t;
        CU_ASSERT_FATAL(sg_shadow_init(&sh, &sp, 128) == 0);
        CU_ASSERT_FATAL(sg_mtraj_init(&t, &p, theta, 128, mu, m) == 0);
        sg_shadow_set_theta(&sh, theta);
        for (int s = 0; s < 50; s++) {
            sg_mtraj_observe(&t, s, theta);
            sg_shadow_step(&sh, &sp, mu);
        }
        double worst = 0.0;
        int equal = 1;
        mpfr_t x;
        mpfr_init2(x, 128);
        for (long q = 0; q < m; q++) {
            equal &= mpfr_equal_p(t.theta[q], sh.theta[q]) != 0;
            mpfr_sub(x, t.theta[q], sh.theta[q], MPFR_RNDN);
            double rel = fabs(mpfr_get_d(x, MPFR_RNDN)) / fabs(mpfr_get_d(sh.theta[q], MPFR_RNDN));
            worst = rel > worst ? rel : worst;
        }
        mpfr_clear(x);
        printf("\n    r = 1 %s: after 50 MPFR steps, max relative difference from the scalar "
               "shadow %.3g%s", sg_loss_name(loss), worst, equal ? " (identical)" : "");
        CU_ASSERT(e ? equal : worst < 0x1p-100);
        sg_shadow_free(&sh);
        sg_mtraj_free(&t);
        sg_mproblem_free(&p);
        sg_mworkspace_free(&ws);
        free(theta);
    }
    mpfr_free_cache();
}

/* FLIPS from the step audit's totals: the scalar row's meaning */
static void test_flips(void)
{
    sg_mproblem p;
    sg_mworkspace ws;
    double *theta = mk(&p, &ws, SG_LOSS_EMPIRICAL, 20, 4, 4, 2, 0.1, 1);
    sg_multi_audit a;
    CU_ASSERT_FATAL(sg_multi_audit_init(&a, &p, &ws, 0.1, 0) == 0);
    sg_mshadow_obs o;
    memset(&o, 0, sizeof o);
    o.s.steps = 10;
    o.s.ambiguous = 5;
    o.s.flips = 2;
    a.msh = &o;
    sg_multi_audit_flips(&a);
    CU_ASSERT(a.flips_res.verdict == SG_HELD && a.flips_res.worst_margin == -2.0);
    o.s.violations = 1; /* a flip (or anything) beyond its bound */
    o.s.first_step = 7;
    sg_multi_audit_flips(&a);
    CU_ASSERT(a.flips_res.verdict == SG_VIOLATED && a.flips_res.first_violation == 7);
    o.s.pop = (struct sg_mpop *)&o; /* any non-NULL: the population loss */
    sg_multi_audit_flips(&a);
    CU_ASSERT(a.flips_res.verdict == SG_NOT_APPLICABLE);
    a.msh = NULL;
    sg_multi_audit_flips(&a);
    CU_ASSERT(a.flips_res.verdict == SG_NOT_APPLICABLE);
    sg_multi_audit_free(&a);
    sg_mproblem_free(&p);
    sg_mworkspace_free(&ws);
    free(theta);
}

/* EVENPART: the closed form is the even half of the loss (Pythagoras
   against the kernel's loss on random states); an optimum plus two units
   w_b = -w_a, V_b = V_a (even part V_a |w_a.x|, nothing in V W) claimed
   at zero loss passes ODDPART and fails EVENPART */
static void test_evenpart(void)
{
    int d = 6, k = 8, r = 3;
    sg_mproblem p;
    sg_mworkspace ws;
    double *theta = mk(&p, &ws, SG_LOSS_POPULATION, 0, d, k, r, 0.7, 4);
    long m = sg_mtheta_len(d, k, r);
    double *G = malloc((size_t)k * k * sizeof(double)), line[3], worst = 0.0;
    sg_rng rng;
    sg_rng_seed_stream(&rng, 77, SG_STREAM_INIT);
    for (int s = 0; s < 20; s++) {
        sg_data_gaussian(&rng, 1, (int)m, theta);
        double L = sg_mloss_grad(&p, theta, &ws);
        double ev = sg_multi_even_norm(d, k, r, theta, G, line);
        double od = sg_multi_vw_residual(d, k, r, p.A, theta) / 2.0;
        double rel = fabs(2.0 * L - (od * od + ev * ev)) / (2.0 * L);
        worst = rel > worst ? rel : worst;
    }
    printf("\n    2L = |VW/2 - A|^2 + sum_o |e_o|^2 on 20 random states: max relative "
           "difference %.3g", worst);
    CU_ASSERT(worst < 1e-12);
    /* the optimum (A = e rows) plus an even pair on units 7, 8 */
    sg_mtarget_e(r, d, p.A);
    double *V = theta + (long)k * d;
    memset(theta, 0, (size_t)m * sizeof(double));
    for (int j = 0; j < r; j++) {
        theta[(long)j * d + j] = 2.0;
        theta[(long)(j + r) * d + j] = -2.0;
        V[(long)j * k + j] = 0.5;
        V[(long)j * k + j + r] = -0.5;
    }
    theta[(long)6 * d + 4] = 0.5;
    theta[(long)7 * d + 4] = -0.5;
    V[6] = V[7] = 0.25; /* line 1 */
    double L = sg_mloss_grad(&p, theta, &ws);
    double ev = sg_multi_even_norm(d, k, r, theta, G, line);
    printf("\n    optimum + even pair: loss %.4g, |e| per line %.3g %.3g %.3g, |VW - 2A| %.3g", L,
           line[0], line[1], line[2], sg_multi_vw_residual(d, k, r, p.A, theta));
    CU_ASSERT(line[1] == 0.0 && line[2] == 0.0 && fabs(line[0] - 0.125) < 1e-15);
    CU_ASSERT(fabs(2.0 * L - ev * ev) < 1e-15);
    for (int claimed = 0; claimed < 2; claimed++) {
        sg_multi_audit a;
        CU_ASSERT_FATAL(sg_multi_audit_init(&a, &p, &ws, 0.1, 0) == 0);
        sg_multi_audit_observe(&a, 0, theta, ws.grad, claimed ? 0.0 : L);
        CU_ASSERT(a.res[SG_MINV_ODDPART].verdict == SG_HELD);
        CU_ASSERT(a.res[SG_MINV_EVENPART].verdict == (claimed ? SG_VIOLATED : SG_HELD));
        sg_multi_audit_free(&a);
    }
    /* the exact optimum itself: both hold at zero loss */
    V[6] = V[7] = 0.0;
    L = sg_mloss_grad(&p, theta, &ws);
    CU_ASSERT(sg_multi_even_norm(d, k, r, theta, G, NULL) == 0.0);
    sg_multi_audit a;
    CU_ASSERT_FATAL(sg_multi_audit_init(&a, &p, &ws, 0.1, 0) == 0);
    sg_multi_audit_observe(&a, 0, theta, ws.grad, 0.0);
    CU_ASSERT(a.res[SG_MINV_EVENPART].verdict == SG_HELD);
    sg_multi_audit_free(&a);
    free(G);
    sg_mproblem_free(&p);
    sg_mworkspace_free(&ws);
    free(theta);
}

int register_multi_traj_suite(void)
{
    CU_pSuite s = CU_add_suite("multi_traj", NULL, NULL);
    if (!s)
        return -1;
    if (!CU_add_test(s, "r > 1 MPFR trajectory: DIVERGE holds, fails when kicked", test_diverge) ||
        !CU_add_test(s, "r = 1: the trajectory is the scalar shadow's", test_scalar_case) ||
        !CU_add_test(s, "FLIPS from the step audit's totals", test_flips) ||
        !CU_add_test(s, "EVENPART: closed form, fails on an even pair", test_evenpart))
        return -1;
    return 0;
}
