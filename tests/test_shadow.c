/* test_shadow.c -- the MPFR shadow, the round-off bounds and the audit
 * (issue 4).  Every check has a case that makes it fail:
 *   - exact accumulator: against a 4000-bit MPFR sum; the overflow flag;
 *   - bounds hold over seeds, shapes (n, d, k down to 1), sigma 1e-8..1,
 *     three inits, both losses, and 250 random configurations (data scales
 *     2^+-300, large steps, overflow) -- and are violated when the audited
 *     model's unit roundoff is shrunk to u/16 (so the check is not vacuous);
 *   - ambiguous activations and a real activation flip are counted, and the
 *     bound still holds;
 *   - subnormal pre-activations: the bounds hold, and fail without their
 *     underflow (eta) terms; population with a zero and a parallel neuron;
 *   - broken double kernels (float32 accumulator, skipped term, a
 *     perturbation a few ulps beyond the bound) give violations, their
 *     correct counterparts none;
 *   - the MPFR trajectory agrees with exact rational (mpq_t) GD to
 *     2^-(p-10), the double trajectory does not;
 *   - imbalance and homogeneity identities of design section 2 hold on the
 *     MPFR trajectory to 2^-(p-10) times the data scale, not on the double;
 *   - the shadow's own error bound holds for a 64-bit shadow against a
 *     600-bit one, and fails with the bound of a 128-bit model;
 *   - checkpoint save/load round-trips and rejects malformed input.
 * Seeds are printed. */
#include "shadow/relu/bounds.h"
#include "kernels/dot.h"
#include "kernels/relu/empirical.h"
#include "shadow/relu/shadow.h"
#include "shadow/relu/shadow_audit.h"
#include "test_util.h"
#include "shadow/xacc.h"
#include <CUnit/CUnit.h>
#include <gmp.h>
#include <mpfr.h>
#include <stdio.h>
#include <string.h>

/* ---------------- exact accumulator ---------------- */

static double rand_wide(sg_rng *r, int emin, int emax)
{
    double m = sg_rng_normal(r);
    int e = emin + (int)(sg_rng_next(r) % (uint64_t)(emax - emin + 1));
    return ldexp(m, e);
}

static void test_xacc_exact(void)
{
    sg_rng r;
    sg_rng_seed(&r, 11);
    printf("\n    xacc seed 11\n");
    sg_xacc *acc = malloc(sizeof *acc);
    sg_xacc_init(acc);
    mpfr_t exact, got, want, t, w128;
    mpfr_inits2(8000, exact, t, (mpfr_ptr)0);
    mpfr_inits2(128, got, want, w128, (mpfr_ptr)0);
    mpz_t z;
    mpz_init(z);
    sg_xnum xn;
    uint64_t limbs[2];
    xn.limb = limbs;
    int bad = 0;
    for (int rep = 0; rep < 200; rep++) {
        sg_xacc_clear(acc);
        mpfr_set_zero(exact, 1);
        int m = 1 + (int)(sg_rng_next(&r) % 300);
        int range = rep % 3 == 0 ? 600 : 60;
        for (int q = 0; q < m; q++) {
            double b = rand_wide(&r, -range, range);
            if (q % 2) {
                double c = rand_wide(&r, -range, range);
                sg_xacc_add_dd(acc, b, c);
                mpfr_set_d(t, b, MPFR_RNDN);
                mpfr_mul_d(t, t, c, MPFR_RNDN); /* exact at 8000 bits */
            } else {
                /* a 128-bit number times a double */
                mpfr_set_d(w128, rand_wide(&r, -range, range), MPFR_RNDN);
                mpfr_div_ui(w128, w128, 3, MPFR_RNDN);
                CU_ASSERT_EQUAL_FATAL(sg_xnum_from_mpfr(&xn, w128, z), 0);
                sg_xacc_add_xd(acc, &xn, b);
                mpfr_mul_d(t, w128, b, MPFR_RNDN);
            }
            mpfr_add(exact, exact, t, MPFR_RNDN);
        }
        /* a cancellation to exactly the tail */
        sg_xacc_add_dd(acc, 1e200, 3.0);
        sg_xacc_add_dd(acc, -1e200, 3.0);
        sg_xacc_get(acc, got, MPFR_RNDN, z);
        mpfr_set(want, exact, MPFR_RNDN);
        bad += !mpfr_equal_p(got, want) && !(mpfr_zero_p(got) && mpfr_zero_p(want));
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* sign of an exactly cancelling sum: 1 + 2^-60 - 1 = 2^-60 > 0 */
    sg_xacc_clear(acc);
    sg_xacc_add_dd(acc, 1.0, 1.0);
    sg_xacc_add_dd(acc, 0x1p-60, 1.0);
    sg_xacc_add_dd(acc, -1.0, 1.0);
    sg_xacc_get(acc, got, MPFR_RNDN, z);
    CU_ASSERT(mpfr_cmp_d(got, 0x1p-60) == 0);
    /* out of range: NaN and the flag */
    sg_xacc_clear(acc);
    mpfr_set_ui_2exp(w128, 1, 4000, MPFR_RNDN);
    CU_ASSERT_EQUAL(sg_xnum_from_mpfr(&xn, w128, z), 0);
    sg_xacc_add_xd(acc, &xn, 0x1p1000);
    CU_ASSERT(acc->overflow);
    sg_xacc_get(acc, got, MPFR_RNDN, z);
    CU_ASSERT(mpfr_nan_p(got));
    mpfr_clears(exact, t, got, want, w128, (mpfr_ptr)0);
    mpz_clear(z);
    free(acc);
}

/* ---------------- audit harness ---------------- */

typedef enum { K_OK = 0, K_FLOAT_ACC, K_SKIP_TERM } kernel_kind;

/* the double step from theta: ws and theta_new, by the kernel under test */
static void kernel_step(kernel_kind kk, const sg_problem *p, const double *theta, double mu,
                        sg_workspace *ws, double *theta_new)
{
    int n = p->n, d = p->d, k = p->k;
    long len = sg_theta_len(d, k);
    sg_loss_grad(p, theta, ws);
    if (kk != K_OK && p->loss == SG_LOSS_EMPIRICAL) {
        const double *v = theta + (long)k * d;
        for (int j = 0; j < k; j++)
            for (int l = 0; l < d; l++) {
                float facc = 0.0f;   /* K_FLOAT_ACC: binary32 accumulator */
                double dacc = 0.0;
                int skipped = 0;
                for (int i = 0; i < n; i++) {
                    if (!(ws->Z[(long)i * k + j] > 0.0))
                        continue;
                    double t = ws->r[i] * v[j];
                    double pr = t * p->X[(long)i * d + l];
                    if (kk == K_SKIP_TERM && !skipped) { /* drop the first active term */
                        skipped = 1;
                        continue;
                    }
                    facc = facc + (float)pr;
                    dacc = dacc + pr;
                }
                ws->grad[(long)j * d + l] = (kk == K_FLOAT_ACC ? (double)facc : dacc) / (double)n;
            }
    }
    memcpy(theta_new, theta, (size_t)len * sizeof(double));
    sg_gd_update((int)len, mu, ws->grad, theta_new);
}

typedef struct {
    long violations, checked, ambiguous, flips, mismatch, libm_violations;
    double max_ratio;
} audit_result;

/* GD for `steps` steps with the audit on every step (no trajectory) */
static audit_result run_audit(sg_loss_kind loss, int n, int d, int k, sg_init_kind init,
                              double sigma, double mu, uint64_t seed, int steps,
                              kernel_kind kk, double u_scale)
{
    sg_problem p;
    sg_workspace ws;
    double *theta = tu_make(&p, &ws, loss, n, d, k, init, sigma, seed);
    long len = sg_theta_len(d, k);
    double *tn = calloc((size_t)len, sizeof(double));
    sg_shadow_audit *a = malloc(sizeof *a);
    audit_result res = {0, 0, 0, 0, 0, 0, 0.0};
    if (!tn || !a || sg_shadow_audit_init(a, &p, theta, mu, 128, 1, 0) != 0) {
        CU_FAIL("audit init");
        return res;
    }
    a->f64.u *= u_scale;
    for (int t = 0; t < steps; t++) {
        kernel_step(kk, &p, theta, mu, &ws, tn);
        sg_shadow_audit_step(a, t, theta, &ws, tn);
        memcpy(theta, tn, (size_t)len * sizeof(double));
    }
    res.violations = a->violations;
    res.checked = a->components_checked;
    res.ambiguous = a->ambiguous;
    res.flips = a->flips;
    res.mismatch = a->prediction_mismatch + a->replica_mismatch;
    res.libm_violations = a->libm_violations;
    res.max_ratio = a->max_ratio;
    sg_shadow_audit_free(a);
    free(a);
    free(tn);
    tu_free(&p, &ws, theta);
    return res;
}

static const int shapes[][3] = {/* n, d, k */
    {1, 1, 1}, {1, 3, 2}, {5, 1, 1}, {4, 2, 3}, {64, 10, 2}, {37, 7, 5}, {200, 20, 4}};
static const double sigmas[] = {1e-8, 1e-4, 1e-2, 1.0};
static const sg_init_kind inits[] = {SG_INIT_THEORY, SG_INIT_XAVIER, SG_INIT_BALANCED};

static void bounds_sweep(sg_loss_kind loss)
{
    long configs = 0, checked = 0, viol = 0, mism = 0, libm = 0;
    double worst = 0.0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (size_t g = 0; g < sizeof sigmas / sizeof sigmas[0]; g++)
            for (size_t in = 0; in < 3; in++)
                for (uint64_t seed = 1; seed <= 4; seed++) {
                    double mu = seed % 2 ? 0.1 : 0.5;
                    audit_result r = run_audit(loss, shapes[s][0], shapes[s][1], shapes[s][2],
                                               inits[in], sigmas[g], mu, seed + 100 * s, 5,
                                               K_OK, 1.0);
                    configs++;
                    checked += r.checked;
                    if (r.violations || r.mismatch)
                        printf("\n    VIOLATION n=%d d=%d k=%d sigma=%g init=%d seed=%llu: %ld\n",
                               shapes[s][0], shapes[s][1], shapes[s][2], sigmas[g], (int)in,
                               (unsigned long long)(seed + 100 * s), r.violations);
                    viol += r.violations;
                    mism += r.mismatch;
                    libm += r.libm_violations;
                    worst = r.max_ratio > worst ? r.max_ratio : worst;
                }
    printf("\n    %s: %ld configurations (seeds 1..4 +100*shape), %ld components, "
           "%ld violations, max error/bound %.3g\n",
           sg_loss_name(loss), configs, checked, viol, worst);
    CU_ASSERT(checked > 0);
    CU_ASSERT_EQUAL(viol, 0);
    CU_ASSERT_EQUAL(mism, 0);
    CU_ASSERT_EQUAL(libm, 0);
    CU_ASSERT(worst > 0.0 && worst <= 1.0);
}

static void test_bounds_hold_empirical(void) { bounds_sweep(SG_LOSS_EMPIRICAL); }
static void test_bounds_hold_population(void) { bounds_sweep(SG_LOSS_POPULATION); }

/* random configurations: n <= 200, d <= 30, k <= 6, sigma in [1e-8, 1],
   mu in [1e-3, 2], |a| in [1e-2, 1e2], X scaled by 2^e, e in [-300, 300],
   precision 64..263, 15 steps or until the state overflows.  Overflowed
   components are outside the model and counted apart (nonfinite). */
static void test_bounds_random(void)
{
    sg_rng R;
    sg_rng_seed(&R, 20261122);
    long cases = 250, checked = 0, viol = 0, mism = 0, libm = 0, nonfinite = 0;
    for (long c = 0; c < cases; c++) {
        sg_loss_kind loss = sg_rng_next(&R) % 3 == 0 ? SG_LOSS_POPULATION : SG_LOSS_EMPIRICAL;
        int n = 1 + (int)(sg_rng_next(&R) % 200), d = 1 + (int)(sg_rng_next(&R) % 30);
        int k = 1 + (int)(sg_rng_next(&R) % 6);
        sg_init_kind init = (sg_init_kind)(sg_rng_next(&R) % 3);
        double sigma = pow(10.0, -8.0 + 8.0 * sg_rng_uniform(&R));
        double mu = pow(10.0, -3.0 + 3.3 * sg_rng_uniform(&R));
        double ascale = pow(10.0, -2.0 + 4.0 * sg_rng_uniform(&R));
        int ex = (int)(sg_rng_next(&R) % 601) - 300;
        long prec = 64 + (long)(sg_rng_next(&R) % 200);
        sg_problem p;
        sg_workspace ws;
        double *th = tu_make(&p, &ws, loss, n, d, k, init, sigma, 1000 + (uint64_t)c);
        for (int l = 0; l < d; l++)
            p.a[l] *= ascale;
        if (loss == SG_LOSS_EMPIRICAL) {
            for (long q = 0; q < (long)n * d; q++)
                p.X[q] = ldexp(p.X[q], ex);
            for (int i = 0; i < n; i++)
                p.y[i] = sg_dot(d, p.X + (long)i * d, p.a);
        }
        long len = sg_theta_len(d, k);
        double *tn = calloc((size_t)len, sizeof(double));
        sg_shadow_audit *a = malloc(sizeof *a);
        CU_ASSERT_FATAL(sg_shadow_audit_init(a, &p, th, mu, (mpfr_prec_t)prec, 1, 0) == 0);
        for (int t = 0; t < 15; t++) {
            kernel_step(K_OK, &p, th, mu, &ws, tn);
            sg_shadow_audit_step(a, t, th, &ws, tn);
            int finite = 1;
            for (long q = 0; q < len; q++)
                finite &= isfinite(tn[q]) != 0;
            memcpy(th, tn, (size_t)len * sizeof(double));
            if (!finite)
                break;
        }
        if (a->violations)
            printf("\n    VIOLATION case %ld: %s[%ld] step %ld error %g bound %g", c,
                   sg_sa_class_name(a->first_class), a->first_index, a->first_step,
                   a->first_err, a->first_bound);
        checked += a->components_checked;
        viol += a->violations;
        mism += a->replica_mismatch;
        libm += a->libm_violations;
        nonfinite += a->nonfinite;
        sg_shadow_audit_free(a);
        free(a);
        free(tn);
        tu_free(&p, &ws, th);
    }
    printf("\n    random (seed 20261122): %ld cases, %ld components, %ld violations, "
           "%ld overflowed components\n", cases, checked, viol, nonfinite);
    CU_ASSERT(checked > 0);
    CU_ASSERT_EQUAL(viol, 0);
    CU_ASSERT_EQUAL(mism, 0);
    CU_ASSERT_EQUAL(libm, 0);
}

/* the same audit with u/16 in the model of the double must fail: the
   bounds are within a small factor of the real errors */
static void test_bounds_sharp(void)
{
    audit_result e = run_audit(SG_LOSS_EMPIRICAL, 200, 20, 4, SG_INIT_XAVIER, 1.0, 0.1, 7, 3,
                               K_OK, 1.0 / 16.0);
    audit_result q = run_audit(SG_LOSS_POPULATION, 1, 20, 4, SG_INIT_XAVIER, 1.0, 0.1, 7, 3,
                               K_OK, 1.0 / 16.0);
    printf("\n    with u/16: empirical %ld violations, population %ld\n", e.violations,
           q.violations);
    CU_ASSERT(e.violations > 0);
    CU_ASSERT(q.violations > 0);
}

/* a bigger run at the paper's setting, shorter */
static void test_bounds_default_size(void)
{
    audit_result r = run_audit(SG_LOSS_EMPIRICAL, 2000, 100, 2, SG_INIT_THEORY, 1e-4, 0.1, 1, 3,
                               K_OK, 1.0);
    CU_ASSERT(r.checked == 3L * (2 * 2000 * 2 + 2 * 2000 + 1 + 2 * 202));
    CU_ASSERT_EQUAL(r.violations, 0);
}

/* an exactly zero pre-activation, and a real flip: d = 4, k = 1,
   x_0 = (1, -2^-60, -1, 2^-80), w = (1, 1, 1, 1): the double gets
   z^ = 2^-80 > 0 while z = -2^-60 + 2^-80 < 0 */
static void test_ambiguous_and_flip(void)
{
    sg_problem p;
    sg_workspace ws;
    double *theta = tu_make(&p, &ws, SG_LOSS_EMPIRICAL, 4, 4, 1, SG_INIT_THEORY, 1.0, 5);
    const double x0[4] = {1.0, -0x1p-60, -1.0, 0x1p-80};
    memcpy(p.X, x0, sizeof x0);
    for (int i = 0; i < 4; i++)
        p.y[i] = sg_dot(4, p.X + 4L * i, p.a);
    for (int l = 0; l < 4; l++)
        theta[l] = 1.0;
    theta[4] = 0.75;
    double tn[5];
    sg_shadow_audit *a = malloc(sizeof *a);
    CU_ASSERT_FATAL(sg_shadow_audit_init(a, &p, theta, 0.1, 128, 1, 0) == 0);
    kernel_step(K_OK, &p, theta, 0.1, &ws, tn);
    CU_ASSERT(ws.Z[0] == 0x1p-80);
    sg_shadow_audit_step(a, 0, theta, &ws, tn);
    printf("\n    flip case: ambiguous %ld flips %ld violations %ld\n", a->ambiguous, a->flips,
           a->violations);
    CU_ASSERT(a->ambiguous >= 1);
    CU_ASSERT_EQUAL(a->flips, 1);
    CU_ASSERT_EQUAL(a->violations, 0);
    /* w = 0: every z is exactly 0, every pair ambiguous, none flipped */
    for (int l = 0; l < 4; l++)
        theta[l] = 0.0;
    kernel_step(K_OK, &p, theta, 0.1, &ws, tn);
    sg_shadow_audit_step(a, 1, theta, &ws, tn);
    CU_ASSERT_EQUAL(a->step_ambiguous, 4);
    CU_ASSERT_EQUAL(a->step_flips, 0);
    CU_ASSERT_EQUAL(a->violations, 0);
    sg_shadow_audit_free(a);
    free(a);
    tu_free(&p, &ws, theta);
}

/* Gradual underflow: X and W scaled by 2^-530, so z ~ 2^-1060 is
   subnormal and each of the d = 64 products loses up to 2^-1075 to
   underflow; r and y stay normal, the loss is subnormal.  The bounds hold;
   without their eta terms (design section 4's underflow term) they fail:
   the relative terms alone round up to one subnormal ulp, less than the
   accumulated underflow errors. */
static long underflow_case(double eta_scale, long *ambiguous, double *worst)
{
    sg_problem p;
    sg_workspace ws;
    const int n = 40, d = 64, k = 3;
    double *theta = tu_make(&p, &ws, SG_LOSS_EMPIRICAL, n, d, k, SG_INIT_XAVIER, 1.0, 61);
    for (long q = 0; q < (long)n * d; q++)
        p.X[q] = ldexp(p.X[q], -530);
    for (int i = 0; i < n; i++)
        p.y[i] = sg_dot(d, p.X + (long)i * d, p.a);
    for (long q = 0; q < (long)k * d; q++)
        theta[q] = ldexp(theta[q], -530);
    long len = sg_theta_len(d, k);
    double *tn = calloc((size_t)len, sizeof(double));
    sg_shadow_audit *a = malloc(sizeof *a);
    CU_ASSERT_FATAL(sg_shadow_audit_init(a, &p, theta, 0.1, 128, 1, 0) == 0);
    a->f64.eta *= eta_scale;
    for (int t = 0; t < 3; t++) {
        kernel_step(K_OK, &p, theta, 0.1, &ws, tn);
        if (t == 0)
            CU_ASSERT(fabs(ws.Z[0]) < 0x1p-1022 && ws.Z[0] != 0.0); /* subnormal z */
        sg_shadow_audit_step(a, t, theta, &ws, tn);
        memcpy(theta, tn, (size_t)len * sizeof(double));
    }
    long v = a->violations;
    *ambiguous = a->ambiguous;
    *worst = a->max_ratio;
    sg_shadow_audit_free(a);
    free(a);
    free(tn);
    tu_free(&p, &ws, theta);
    return v;
}

static void test_underflow(void)
{
    long amb0, amb1;
    double w0, w1;
    long ok = underflow_case(1.0, &amb0, &w0);
    long bad = underflow_case(0.0, &amb1, &w1);
    printf("\n    subnormal z (seed 61): %ld violations (max error/bound %.3g, %ld ambiguous); "
           "without the eta terms: %ld (max error/bound %.3g)\n", ok, w0, amb0, bad, w1);
    CU_ASSERT_EQUAL(ok, 0);
    CU_ASSERT(bad > 0);
}

/* Population loss with a zero neuron (w_0 = 0: the convention of
   population.h, roundoff.md P2) and with two parallel neurons (angle 0) */
static void test_population_special(void)
{
    for (int c = 0; c < 2; c++) {
        sg_problem p;
        sg_workspace ws;
        const int d = 7, k = 3;
        double *theta = tu_make(&p, &ws, SG_LOSS_POPULATION, 0, d, k, SG_INIT_XAVIER, 1.0, 71);
        for (int l = 0; l < d; l++)
            theta[l] = c == 0 ? 0.0 : 2.0 * theta[d + l]; /* zero, or parallel to w_1 */
        long len = sg_theta_len(d, k);
        double *tn = calloc((size_t)len, sizeof(double));
        sg_shadow_audit *a = malloc(sizeof *a);
        CU_ASSERT_FATAL(sg_shadow_audit_init(a, &p, theta, 0.1, 128, 1, 0) == 0);
        for (int t = 0; t < 4; t++) {
            kernel_step(K_OK, &p, theta, 0.1, &ws, tn);
            sg_shadow_audit_step(a, t, theta, &ws, tn);
            memcpy(theta, tn, (size_t)len * sizeof(double));
        }
        printf("\n    population, %s neuron: %ld components, %ld violations, max error/bound "
               "%.3g, %ld replica mismatches", c == 0 ? "zero" : "parallel",
               a->components_checked, a->violations, a->max_ratio, a->replica_mismatch);
        CU_ASSERT(a->components_checked > 0);
        CU_ASSERT_EQUAL(a->violations, 0);
        CU_ASSERT_EQUAL(a->replica_mismatch, 0);
        CU_ASSERT_EQUAL(a->libm_violations, 0);
        sg_shadow_audit_free(a);
        free(a);
        free(tn);
        tu_free(&p, &ws, theta);
    }
    printf("\n");
}

/* ---------------- broken kernels ---------------- */

static void test_broken_float_accumulator(void)
{
    audit_result ok = run_audit(SG_LOSS_EMPIRICAL, 300, 20, 3, SG_INIT_XAVIER, 1.0, 0.1, 3, 2,
                                K_OK, 1.0);
    audit_result bad = run_audit(SG_LOSS_EMPIRICAL, 300, 20, 3, SG_INIT_XAVIER, 1.0, 0.1, 3, 2,
                                 K_FLOAT_ACC, 1.0);
    printf("\n    float32 accumulator: %ld violations (correct kernel: %ld)\n", bad.violations,
           ok.violations);
    CU_ASSERT_EQUAL(ok.violations, 0);
    CU_ASSERT(bad.violations > 0);
}

static void test_broken_skipped_term(void)
{
    audit_result bad = run_audit(SG_LOSS_EMPIRICAL, 300, 20, 3, SG_INIT_XAVIER, 1.0, 0.1, 3, 2,
                                 K_SKIP_TERM, 1.0);
    printf("\n    skipped term: %ld violations\n", bad.violations);
    CU_ASSERT(bad.violations > 0);
}

/* move one component to shadow + bound + 4 ulps: exactly one violation;
   to shadow + bound/2: none */
static long perturbed(sg_loss_kind loss, int which, double frac, int ulps)
{
    sg_problem p;
    sg_workspace ws;
    double *theta = tu_make(&p, &ws, loss, 100, 10, 2, SG_INIT_XAVIER, 1.0, 9);
    long len = sg_theta_len(10, 2);
    double *tn = calloc((size_t)len, sizeof(double));
    sg_shadow_audit *a = malloc(sizeof *a);
    CU_ASSERT_FATAL(sg_shadow_audit_init(a, &p, theta, 0.1, 128, 1, 0) == 0);
    kernel_step(K_OK, &p, theta, 0.1, &ws, tn);
    sg_shadow_audit_step(a, 0, theta, &ws, tn);
    CU_ASSERT_EQUAL(a->violations, 0);
    /* which: 0 a gradient entry, 1 the loss, 2 an entry of z */
    double *target = which == 0 ? &ws.grad[3] : which == 1 ? &ws.loss : &ws.Z[5];
    mpfr_srcptr m = which == 0 ? a->sa.grad[3] : which == 1 ? a->sa.loss : a->sa.Z[5];
    double E = which == 0 ? a->bd.Eg[3] : which == 1 ? a->bd.Eloss : a->bd.Ez[5];
    double x = mpfr_get_d(m, MPFR_RNDU) + frac * E;
    for (int q = 0; q < ulps; q++)
        x = nextafter(x, INFINITY);
    *target = x;
    /* theta_new from the perturbed gradient, as the kernel would */
    memcpy(tn, theta, (size_t)len * sizeof(double));
    sg_gd_update((int)len, 0.1, ws.grad, tn);
    long before = a->violations;
    sg_shadow_audit_step(a, 1, theta, &ws, tn);
    long v = a->violations - before;
    if (getenv("SG_DEBUG") && v)
        printf("\n    [loss %d which %d frac %g: first %s[%ld] err %g bound %g]", (int)loss, which,
               frac, sg_sa_class_name(a->first_class), a->first_index, a->first_err, a->first_bound);
    sg_shadow_audit_free(a);
    free(a);
    free(tn);
    tu_free(&p, &ws, theta);
    return v;
}

static void test_broken_perturbation(void)
{
    long g = perturbed(SG_LOSS_EMPIRICAL, 0, 1.0, 4);
    long l = perturbed(SG_LOSS_EMPIRICAL, 1, 1.0, 4);
    long z = perturbed(SG_LOSS_EMPIRICAL, 2, 1.0, 4);
    long gp = perturbed(SG_LOSS_POPULATION, 0, 1.0, 4);
    long ok = perturbed(SG_LOSS_EMPIRICAL, 0, 0.5, 0) + perturbed(SG_LOSS_POPULATION, 0, 0.5, 0);
    printf("\n    bound + 4 ulps: grad %ld, loss %ld, z %ld, population grad %ld; "
           "bound/2: %ld\n", g, l, z, gp, ok);
    CU_ASSERT(g >= 1);
    CU_ASSERT(l >= 1);
    CU_ASSERT(z >= 1);
    CU_ASSERT(gp >= 1);
    CU_ASSERT_EQUAL(ok, 0);
}

/* ---------------- exact rational GD ---------------- */

/* one exact GD step on the empirical loss, theta in mpq */
static void mpq_step(const sg_problem *p, mpq_t *th, const mpq_t mu, mpq_t *g)
{
    int n = p->n, d = p->d, k = p->k;
    long kd = (long)k * d;
    mpq_t z, f, r, t, x;
    mpq_inits(z, f, r, t, x, NULL);
    for (long q = 0; q < kd + k; q++)
        mpq_set_ui(g[q], 0, 1);
    for (int i = 0; i < n; i++) {
        mpq_set_ui(f, 0, 1);
        int act[64];
        mpq_t h[8];
        for (int j = 0; j < k; j++) {
            mpq_init(h[j]);
            mpq_set_ui(z, 0, 1);
            for (int l = 0; l < d; l++) {
                mpq_set_d(x, p->X[(long)i * d + l]);
                mpq_mul(t, th[(long)j * d + l], x);
                mpq_add(z, z, t);
            }
            act[j] = mpq_sgn(z) > 0;
            if (act[j])
                mpq_set(h[j], z);
            mpq_mul(t, h[j], th[kd + j]);
            mpq_add(f, f, t);
        }
        mpq_set_d(x, p->y[i]);
        mpq_sub(r, f, x);
        for (int j = 0; j < k; j++) {
            mpq_mul(t, r, h[j]);
            mpq_add(g[kd + j], g[kd + j], t);
            if (act[j])
                for (int l = 0; l < d; l++) {
                    mpq_set_d(x, p->X[(long)i * d + l]);
                    mpq_mul(t, r, th[kd + j]);
                    mpq_mul(t, t, x);
                    mpq_add(g[(long)j * d + l], g[(long)j * d + l], t);
                }
            mpq_clear(h[j]);
        }
    }
    mpq_set_ui(x, (unsigned long)n, 1);
    for (long q = 0; q < kd + k; q++) {
        mpq_div(g[q], g[q], x);
        mpq_mul(t, mu, g[q]);
        mpq_sub(th[q], th[q], t);
    }
    mpq_clears(z, f, r, t, x, NULL);
}

/* max_q |a_q - b_q| / max_q |b_q| against the rationals, in MPFR */
static double rel_dist_mp(long len, mpfr_t *a, const double *ad, mpq_t *b)
{
    mpfr_t x, y, e, nb;
    mpfr_inits2(2000, x, y, e, nb, (mpfr_ptr)0);
    mpfr_set_zero(e, 1);
    mpfr_set_zero(nb, 1);
    for (long q = 0; q < len; q++) {
        if (a)
            mpfr_set(x, a[q], MPFR_RNDN);
        else
            mpfr_set_d(x, ad[q], MPFR_RNDN);
        mpfr_set_q(y, b[q], MPFR_RNDN);
        mpfr_sub(x, x, y, MPFR_RNDN);
        mpfr_abs(x, x, MPFR_RNDN);
        mpfr_abs(y, y, MPFR_RNDN);
        mpfr_max(e, e, x, MPFR_RNDN);
        mpfr_max(nb, nb, y, MPFR_RNDN);
    }
    mpfr_div(e, e, nb, MPFR_RNDN);
    double r = mpfr_get_d(e, MPFR_RNDU);
    mpfr_clears(x, y, e, nb, (mpfr_ptr)0);
    return r;
}

static void test_mpq_agreement(void)
{
    const int n = 4, d = 3, k = 2, steps = 6;
    const double mu = 0.1;
    static const long precs[] = {64, 128, 200};
    for (size_t pi = 0; pi < 3; pi++) {
        long prec = precs[pi];
        sg_problem p;
        sg_workspace ws;
        double *theta = tu_make(&p, &ws, SG_LOSS_EMPIRICAL, n, d, k, SG_INIT_XAVIER, 1.0, 21);
        long len = sg_theta_len(d, k);
        mpq_t th[8], g[8], muq;
        mpq_init(muq);
        mpq_set_d(muq, mu);
        for (long q = 0; q < len; q++) {
            mpq_init(th[q]);
            mpq_init(g[q]);
            mpq_set_d(th[q], theta[q]);
        }
        sg_shadow s;
        CU_ASSERT_FATAL(sg_shadow_init(&s, &p, (mpfr_prec_t)prec) == 0);
        sg_shadow_set_theta(&s, theta);
        double worst = 0.0, worst_double = 0.0;
        for (int t = 0; t < steps; t++) {
            sg_shadow_step(&s, &p, mu);
            sg_gd_step(&p, mu, theta, &ws);
            mpq_step(&p, th, muq, g);
            double e = rel_dist_mp(len, s.theta, NULL, th);
            double ed = rel_dist_mp(len, NULL, theta, th);
            worst = e > worst ? e : worst;
            worst_double = ed > worst_double ? ed : worst_double;
        }
        double tol = ldexp(1.0, -(int)(prec - 10));
        printf("\n    mpq (seed 21, %d steps): p=%ld MPFR rel err %.3g (tol %.3g), double %.3g",
               steps, prec, worst, tol, worst_double);
        CU_ASSERT(worst <= tol);
        if (prec >= 100)
            CU_ASSERT(worst_double > tol); /* the comparison can fail */
        sg_shadow_free(&s);
        for (long q = 0; q < len; q++) {
            mpq_clear(th[q]);
            mpq_clear(g[q]);
        }
        mpq_clear(muq);
        tu_free(&p, &ws, theta);
    }
    printf("\n");
}

/* ---------------- identities on the MPFR trajectory ---------------- */

/* max_j |res_j| / tol_j of the identities (sg_shadow_identities) */
static void identity_ratios(sg_shadow *s, const sg_problem *p, double mu, double *ri, double *rh)
{
    double hr[8], ht[8], ir[8], it[8];
    sg_shadow_identities(s, p, mu, hr, ht, ir, it, NULL, NULL);
    for (int j = 0; j < p->k; j++) {
        double a = fabs(ir[j]) / it[j], b = fabs(hr[j]) / ht[j];
        *ri = a > *ri ? a : *ri;
        *rh = b > *rh ? b : *rh;
    }
}

/* The identities on the MPFR trajectory within their 2^-(p-10) tolerance;
   negative control: the same function on the double trajectory's values
   (held exactly in a 64-bit shadow) misses the tolerance of p = 128. */
static void identities_case(sg_loss_kind loss, int n, int d, int k, uint64_t seed, int steps,
                            double mu)
{
    const long prec = 128;
    sg_problem p;
    sg_workspace ws;
    double *theta = tu_make(&p, &ws, loss, n, d, k, SG_INIT_XAVIER, 1.0, seed);
    long len = sg_theta_len(d, k), nk = (long)p.n * k;
    sg_shadow s, dd;
    CU_ASSERT_FATAL(sg_shadow_init(&s, &p, prec) == 0);
    CU_ASSERT_FATAL(sg_shadow_init(&dd, &p, 64) == 0);
    dd.prec = prec; /* judge the double's values by the 128-bit tolerance */
    sg_shadow_set_theta(&s, theta);
    double *tn = calloc((size_t)len, sizeof(double));
    double wi = 0, wh = 0, di = 0, dh = 0;
    for (int t = 0; t < steps; t++) {
        sg_shadow_loss_grad(&s, &p);
        sg_shadow_update(&s, mu);
        kernel_step(K_OK, &p, theta, mu, &ws, tn);
        for (long q = 0; q < len; q++) {
            mpfr_set_d(dd.theta[q], theta[q], MPFR_RNDN);
            mpfr_set_d(dd.grad[q], ws.grad[q], MPFR_RNDN);
            mpfr_set_d(dd.theta_new[q], tn[q], MPFR_RNDN);
        }
        for (long q = 0; q < nk; q++)
            mpfr_set_d(dd.Z[q], ws.Z[q], MPFR_RNDN);
        for (int i = 0; i < p.n; i++) {
            mpfr_set_d(dd.r[i], ws.r[i], MPFR_RNDN);
            mpfr_set_d(dd.f[i], ws.f[i], MPFR_RNDN);
        }
        identity_ratios(&s, &p, mu, &wi, &wh);
        identity_ratios(&dd, &p, mu, &di, &dh);
        sg_shadow_advance(&s);
        memcpy(theta, tn, (size_t)len * sizeof(double));
    }
    printf("\n    %s identities (seed %llu, p=%ld, %d steps): MPFR imbalance %.3g homogeneity "
           "%.3g of the tolerance; double %.3g %.3g", sg_loss_name(loss),
           (unsigned long long)seed, prec, steps, wi, wh, di, dh);
    CU_ASSERT(wi <= 1.0);
    CU_ASSERT(wh <= 1.0);
    CU_ASSERT(di > 1.0); /* negative controls: the double misses the tolerance */
    CU_ASSERT(dh > 1.0);
    dd.prec = 64;
    sg_shadow_free(&s);
    sg_shadow_free(&dd);
    free(tn);
    tu_free(&p, &ws, theta);
}

static void test_identities_mpfr(void)
{
    identities_case(SG_LOSS_EMPIRICAL, 200, 20, 3, 31, 20, 0.2);
    identities_case(SG_LOSS_POPULATION, 1, 20, 4, 32, 20, 0.2);
    printf("\n");
}

/* ---------------- the shadow's own error (roundoff.md S2) ---------------- */

/* |c_p - c_ref| <= E_mpfr(p) for every component, c_ref at 600 bits; with
   the bounds of a 128-bit model applied to the 64-bit shadow: violations */
static long own_error_violations(sg_loss_kind loss, long prec, long model_prec, double *worst)
{
    sg_problem p;
    sg_workspace ws;
    double *theta = tu_make(&p, &ws, loss, 120, 10, 3, SG_INIT_XAVIER, 1.0, 41);
    long len = sg_theta_len(10, 3), nk = (long)p.n * p.k;
    const double mu = 0.3;
    sg_shadow s, ref;
    CU_ASSERT_FATAL(sg_shadow_init(&s, &p, (mpfr_prec_t)prec) == 0);
    CU_ASSERT_FATAL(sg_shadow_init(&ref, &p, 600) == 0);
    sg_bounds bd, bm;
    CU_ASSERT_FATAL(sg_bounds_init(&bd, &p) == 0 && sg_bounds_init(&bm, &p) == 0);
    double *tn = calloc((size_t)len, sizeof(double)), *gm = calloc((size_t)len, sizeof(double));
    double *tnm = calloc((size_t)len, sizeof(double));
    double *Zm = calloc((size_t)(nk ? nk : 1), sizeof(double));
    double *Hm = calloc((size_t)(nk ? nk : 1), sizeof(double));
    double *rm = calloc((size_t)(p.n ? p.n : 1), sizeof(double));
    kernel_step(K_OK, &p, theta, mu, &ws, tn);
    sg_shadow_set_theta(&s, theta);
    sg_shadow_loss_grad(&s, &p);
    sg_shadow_update(&s, mu);
    sg_shadow_set_theta(&ref, theta);
    sg_shadow_loss_grad(&ref, &p);
    sg_shadow_update(&ref, mu);
    for (long q = 0; q < len; q++) {
        gm[q] = mpfr_get_d(s.grad[q], MPFR_RNDA);
        tnm[q] = mpfr_get_d(s.theta_new[q], MPFR_RNDA);
    }
    sg_fp_model f64 = sg_fp_binary64(), fm = sg_fp_mpfr(model_prec);
    long viol = 0;
    *worst = 0.0;
    mpfr_t e;
    mpfr_init2(e, 700);
#define OWN(cval, rval, E)                                                  \
    do {                                                                    \
        mpfr_sub(e, cval, rval, MPFR_RNDA);                                 \
        double err_ = fabs(mpfr_get_d(e, MPFR_RNDA)), E_ = (E);             \
        viol += !(err_ <= E_);                                              \
        if (err_ / E_ > *worst)                                             \
            *worst = err_ / E_;                                             \
    } while (0)
    if (loss == SG_LOSS_EMPIRICAL) {
        for (long q = 0; q < nk; q++) {
            Zm[q] = mpfr_get_d(s.Z[q], MPFR_RNDA);
            Hm[q] = Zm[q] > 0.0 ? Zm[q] : 0.0;
        }
        for (int i = 0; i < p.n; i++)
            rm[i] = mpfr_get_d(s.r[i], MPFR_RNDA);
        sg_bounds_absdot(&bm, &p, theta);
        sg_bounds_empirical(&bm, &fm, &p, theta, mu, Zm, Hm, rm,
                            mpfr_get_d(s.loss, MPFR_RNDA), gm, tnm);
        for (long q = 0; q < nk; q++)
            OWN(s.Z[q], ref.Z[q], bm.Ez[q]);
        for (int i = 0; i < p.n; i++) {
            OWN(s.f[i], ref.f[i], bm.Ef[i]);
            OWN(s.r[i], ref.r[i], bm.Er[i]);
        }
    } else {
        sg_bounds_population(&bd, &bm, &f64, &fm, &p, theta, mu, ws.pop.norm, ws.pop.theta,
                             ws.loss, ws.grad, tn, gm, tnm);
        for (int i = 0; i < p.k; i++)
            OWN(s.norm[i], ref.norm[i], bm.Epop[i]);
        for (long q = 0; q < (long)p.k * p.k; q++)
            OWN(s.angle[q], ref.angle[q], bm.Epop[p.k + q]);
    }
    OWN(s.loss, ref.loss, bm.Eloss);
    for (long q = 0; q < len; q++) {
        OWN(s.grad[q], ref.grad[q], bm.Eg[q]);
        OWN(s.theta_new[q], ref.theta_new[q], bm.Etn[q]);
    }
#undef OWN
    mpfr_clear(e);
    sg_shadow_free(&s);
    sg_shadow_free(&ref);
    sg_bounds_free(&bd);
    sg_bounds_free(&bm);
    free(tn); free(gm); free(tnm); free(Zm); free(Hm); free(rm);
    tu_free(&p, &ws, theta);
    return viol;
}

static void test_shadow_own_error(void)
{
    double we, wp, be, bp;
    long ve = own_error_violations(SG_LOSS_EMPIRICAL, 64, 64, &we);
    long vp = own_error_violations(SG_LOSS_POPULATION, 64, 64, &wp);
    long bad_e = own_error_violations(SG_LOSS_EMPIRICAL, 64, 128, &be);
    long bad_p = own_error_violations(SG_LOSS_POPULATION, 64, 128, &bp);
    printf("\n    64-bit shadow vs 600 bits: empirical %ld violations (max ratio %.3g), "
           "population %ld (%.3g); with a 128-bit model: %ld, %ld\n", ve, we, vp, wp, bad_e,
           bad_p);
    CU_ASSERT_EQUAL(ve, 0);
    CU_ASSERT_EQUAL(vp, 0);
    CU_ASSERT(we > 0.0 && wp > 0.0);
    CU_ASSERT(bad_e > 0);
    CU_ASSERT(bad_p > 0);
}

/* ---------------- checkpoint save / load ---------------- */

static void audit_steps(sg_shadow_audit *a, const sg_problem *p, sg_workspace *ws,
                        double *theta, double *tn, long from, long to, double mu)
{
    long len = sg_theta_len(p->d, p->k);
    for (long t = from; t < to; t++) {
        kernel_step(K_OK, p, theta, mu, ws, tn);
        sg_shadow_audit_step(a, t, theta, ws, tn);
        sg_shadow_audit_trajectory(a, t, theta);
        memcpy(theta, tn, (size_t)len * sizeof(double));
    }
}

static int load_bytes(sg_shadow_audit *a, const unsigned char *buf, size_t len)
{
    FILE *fp = tmpfile();
    if (len)
        fwrite(buf, 1, len, fp);
    rewind(fp);
    int rc = sg_shadow_audit_load(a, fp, len);
    fclose(fp);
    return rc;
}

static void test_checkpoint_roundtrip(void)
{
    sg_problem p;
    sg_workspace ws;
    const double mu = 0.2;
    double *theta = tu_make(&p, &ws, SG_LOSS_EMPIRICAL, 60, 8, 2, SG_INIT_XAVIER, 1.0, 51);
    long len = sg_theta_len(8, 2);
    double *theta0 = malloc(sizeof(double) * len), *tn = malloc(sizeof(double) * len);
    double *tb = malloc(sizeof(double) * len);
    memcpy(theta0, theta, sizeof(double) * len);
    sg_shadow_audit *a = malloc(sizeof *a), *b = malloc(sizeof *b), *c = malloc(sizeof *c);
    CU_ASSERT_FATAL(sg_shadow_audit_init(a, &p, theta0, mu, 128, 1, 1) == 0);
    CU_ASSERT_FATAL(sg_shadow_audit_init(b, &p, theta0, mu, 128, 1, 1) == 0);
    CU_ASSERT_FATAL(sg_shadow_audit_init(c, &p, theta0, mu, 96, 1, 1) == 0);
    audit_steps(a, &p, &ws, theta, tn, 0, 5, mu);
    /* save a after 5 steps */
    FILE *fp = tmpfile();
    CU_ASSERT_FATAL(sg_shadow_audit_save(a, fp) == 0);
    size_t n = (size_t)ftell(fp);
    unsigned char *buf = malloc(n);
    rewind(fp);
    CU_ASSERT_FATAL(fread(buf, 1, n, fp) == n);
    fclose(fp);
    /* malformed input is rejected and leaves b usable */
    CU_ASSERT_EQUAL(load_bytes(b, buf, n / 2), -1);
    CU_ASSERT_EQUAL(load_bytes(b, buf, n - 1), -1);
    CU_ASSERT_EQUAL(load_bytes(b, buf, 0), -1);
    unsigned char *bad = malloc(n);
    memcpy(bad, buf, n);
    bad[0] ^= 1;
    CU_ASSERT_EQUAL(load_bytes(b, bad, n), -1);
    for (size_t q = 0; q < n; q++)
        bad[q] = (unsigned char)(q * 37u + 11u);
    CU_ASSERT_EQUAL(load_bytes(b, bad, n), -1);
    CU_ASSERT_EQUAL(load_bytes(c, buf, n), -1); /* another precision */
    /* the real thing: b continues exactly as a */
    CU_ASSERT_EQUAL_FATAL(load_bytes(b, buf, n), 0);
    memcpy(tb, theta, sizeof(double) * len);
    audit_steps(a, &p, &ws, theta, tn, 5, 9, mu);
    audit_steps(b, &p, &ws, tb, tn, 5, 9, mu);
    CU_ASSERT_EQUAL(a->steps_audited, 9);
    CU_ASSERT_EQUAL(b->steps_audited, a->steps_audited);
    CU_ASSERT_EQUAL(b->components_checked, a->components_checked);
    CU_ASSERT(b->final_divergence == a->final_divergence);
    CU_ASSERT(b->max_ratio == a->max_ratio);
    CU_ASSERT(strcmp(a->loss_mpfr, b->loss_mpfr) == 0);
    int same = 1;
    for (long q = 0; q < len; q++)
        same &= mpfr_equal_p(a->st.theta[q], b->st.theta[q]) != 0;
    CU_ASSERT(same);
    /* negative control: c, never loaded, has a different trajectory state */
    CU_ASSERT(c->steps_audited == 0);
    sg_shadow_audit_free(a);
    sg_shadow_audit_free(b);
    sg_shadow_audit_free(c);
    free(a); free(b); free(c); free(buf); free(bad);
    free(theta0); free(tn); free(tb);
    tu_free(&p, &ws, theta);
}

/* the shadow keeps no copy of X and allocates nothing per step: the
   MPFR numbers it owns are O((n + d) k) */
static void test_shadow_memory(void)
{
    sg_problem p;
    sg_workspace ws;
    double *theta = tu_make(&p, &ws, SG_LOSS_EMPIRICAL, 50, 40, 3, SG_INIT_XAVIER, 1.0, 2);
    sg_shadow s;
    CU_ASSERT_FATAL(sg_shadow_init(&s, &p, 128) == 0);
    /* theta, grad, theta_new: 3 (kd + k); Z: nk; f, r: 2n */
    long numbers = 3 * sg_theta_len(40, 3) + 50L * 3 + 2 * 50;
    CU_ASSERT(numbers < 50L * 40); /* fewer than the n d entries of X */
    sg_shadow_free(&s);
    tu_free(&p, &ws, theta);
}

int register_shadow_suite(void)
{
    CU_pSuite s = CU_add_suite("shadow", NULL, NULL);
    if (!s)
        return -1;
    if (!CU_add_test(s, "exact accumulator vs 8000-bit MPFR", test_xacc_exact) ||
        !CU_add_test(s, "bounds hold: empirical sweep", test_bounds_hold_empirical) ||
        !CU_add_test(s, "bounds hold: population sweep", test_bounds_hold_population) ||
        !CU_add_test(s, "bounds hold: default size, 3 steps", test_bounds_default_size) ||
        !CU_add_test(s, "bounds hold: 250 random configurations", test_bounds_random) ||
        !CU_add_test(s, "bounds are sharp: u/16 is violated", test_bounds_sharp) ||
        !CU_add_test(s, "ambiguous pairs and a real flip", test_ambiguous_and_flip) ||
        !CU_add_test(s, "gradual underflow (subnormal z)", test_underflow) ||
        !CU_add_test(s, "population: zero and parallel neurons", test_population_special) ||
        !CU_add_test(s, "broken kernel: float32 accumulator", test_broken_float_accumulator) ||
        !CU_add_test(s, "broken kernel: skipped term", test_broken_skipped_term) ||
        !CU_add_test(s, "broken kernel: bound + 4 ulps", test_broken_perturbation) ||
        !CU_add_test(s, "MPFR trajectory vs exact mpq GD", test_mpq_agreement) ||
        !CU_add_test(s, "imbalance and homogeneity on MPFR", test_identities_mpfr) ||
        !CU_add_test(s, "shadow's own error bound (S2)", test_shadow_own_error) ||
        !CU_add_test(s, "checkpoint save/load round trip", test_checkpoint_roundtrip) ||
        !CU_add_test(s, "shadow memory is O((n+d)k)", test_shadow_memory))
        return -1;
    return 0;
}
