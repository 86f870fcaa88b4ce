/* test_reliability.c -- issue 11: one-sample cases of the round-off audit
 * (item 6) and the temporaries registry (item 3).
 *
 * Each weakened bound of bounds.h's test-only knob sg_bounds_weaken is
 * caught by one sample (n = 1) on which the real bound holds and the
 * weakened one is violated; the cases were found by a randomised search
 * over one-sample problems (values as hexadecimal literals, so they are
 * exact).  Before this suite `make unit` passed with each weakening. */
#include "audit/relu/invariants_shadow.h"
#include "io/outfile.h"
#include "kernels/relu/empirical.h"
#include "shadow/relu/bounds.h"
#include "shadow/relu/shadow_audit.h"
#include "test_util.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    long violations, checked, infinite, ambiguous, flips;
    double max_ratio, gw_ratio;
} one_result;

/* one audited GD step (mu 0.1, MPFR 128 bits) of the one-sample problem
   X = x (1 x d), y, theta = [W (k x d) | v (k)], with the bounds weakened
   as wk says */
static one_result one_sample(int d, int k, const double *x, const double *theta, double y,
                             sg_bounds_weakening wk)
{
    one_result res = {0, 0, 0, 0, 0, 0.0, 0.0};
    sg_problem p;
    sg_workspace ws;
    CU_ASSERT_FATAL(sg_problem_alloc(&p, SG_LOSS_EMPIRICAL, 1, d, k) == 0);
    CU_ASSERT_FATAL(sg_workspace_alloc(&ws, &p) == 0);
    memcpy(p.X, x, (size_t)d * sizeof(double));
    p.y[0] = y;
    for (int l = 0; l < d; l++)
        p.a[l] = 1.0;
    long len = sg_theta_len(d, k);
    double th[16], tn[16];
    CU_ASSERT_FATAL(len <= 16);
    memcpy(th, theta, (size_t)len * sizeof(double));
    sg_loss_grad(&p, th, &ws);
    memcpy(tn, th, (size_t)len * sizeof(double));
    sg_gd_update((int)len, 0.1, ws.grad, tn);
    sg_shadow_audit *a = malloc(sizeof *a);
    CU_ASSERT_FATAL(a && sg_shadow_audit_init(a, &p, th, 0.1, 128, 1, 0) == 0);
    sg_bounds_weaken = wk;
    sg_shadow_audit_step(a, 0, th, &ws, tn);
    sg_bounds_weaken = SG_WEAKEN_NONE;
    res.violations = a->violations;
    res.checked = a->components_checked;
    res.infinite = a->infinite_bounds;
    res.ambiguous = a->ambiguous;
    res.flips = a->flips;
    res.max_ratio = a->max_ratio;
    res.gw_ratio = a->cls[SG_SA_GW].max_ratio;
    sg_shadow_audit_free(a);
    free(a);
    sg_problem_free(&p);
    sg_workspace_free(&ws);
    return res;
}

/* the real bound holds (and checked something), the weakened one fails */
static void caught(const char *what, int d, int k, const double *x, const double *theta,
                   double y, sg_bounds_weakening wk)
{
    one_result ok = one_sample(d, k, x, theta, y, SG_WEAKEN_NONE);
    one_result bad = one_sample(d, k, x, theta, y, wk);
    printf("\n    %s: real bound %ld violations (max error/bound %.3g), weakened %ld (%.3g)",
           what, ok.violations, ok.max_ratio, bad.violations, bad.max_ratio);
    CU_ASSERT(ok.checked > 0);
    CU_ASSERT_EQUAL(ok.violations, 0);
    CU_ASSERT(bad.violations > 0);
}

/* r v = 0.5 * 3 eta = 1.5 eta rounds to 2 eta (an underflow error of eta/2)
   and x = 2^10 carries it to 512 eta in grad W, which only the underflow
   term 2 eta (n + sum|x|) of E7 covers: every relative term of the bound
   rounds up to one eta */
static void test_weak_gw_underflow(void)
{
    const double x[1] = {0x1p10}, theta[2] = {1.0, 0x0.0000000000003p-1022};
    caught("gW without its underflow term", 1, 1, x, theta, -0.5, SG_WEAKEN_GW_UNDERFLOW);
}

/* grad v of one sample: the product r h rounds with nearly its largest
   relative error, in the direction of the errors of r and h */
static void test_weak_gv_gamma(void)
{
    const double x[1] = {-0x1.988a51853114ap+0};
    const double theta[2] = {-0x1.4bd74ce697aeap+0, 0x1.28f84dee51f0ap+0};
    caught("gamma_n of grad v / 4", 1, 1, x, theta, -0x1.e42841f1c8508p+0, SG_WEAKEN_GV_GAMMA);
}

/* neuron 2's pre-activation cancels to within (Ez/4, Ez] with a flipped
   sign: ambiguous only under the real threshold */
static void test_weak_amb_threshold(void)
{
    const double x[3] = {0x1.3d7d206c7afa4p+0, 0x1.9b58dd2536b1cp+0, 0x1.177bc7e62ef79p+0};
    const double theta[8] = {0x1.4c569c0898ad4p+0, 0x1.6fe34858dfc69p+0,
                             -0x1.be4e479f7c9c9p+0, 0x1.5604a268ac094p+0,
                             0x1.d5dd427fabba8p+0, -0x1.0e050bc587019p+2,
                             -0x1.117a344422f47p+0, -0x1.a7e12bff4fc26p+0};
    caught("ambiguity threshold Ez/4", 3, 2, x, theta, -0x1.a40fea31481fep+0,
           SG_WEAKEN_AMB_THRESHOLD);
}

/* an ambiguous pair whose residual r ~ 2^-51 is known only to within Er:
   the exact |r| exceeds the computed one by more than the evaluation's
   slack */
static void test_weak_amb_er(void)
{
    const double x[2] = {0x1.7756d33ceeadap+0, -0x1.f79f75f9ef3eep+0};
    const double theta[3] = {0x1.75420b02ea842p+0, 0x1.162e5836ce752p+0, 0x1.41f11d4c83e24p+0};
    caught("ambiguous term without Er", 2, 1, x, theta, 0x1.41f11fe05f49dp-51,
           SG_WEAKEN_AMB_ER);
}

/* exact z = 0 while the double's z^ = t > 0 (x1 w1 rounded up by t):
   the double includes r v x in grad W, the exact gradient does not, and
   the error is |r v x| ~ (1 - 3e-15) times the double's ambiguous term.
   The shadow's z is exact, so its chain must add no second ambiguous term
   (with it the ratio read 0.5) */
static void test_exact_zero_z_ratio(void)
{
    const double x[3] = {0x1.3ceb3ff2f6ea1p+0, 1.0, 0x1.389d383de97a0p-56};
    const double theta[4] = {0x1.8b529b442c6c6p+0, -0x1.e9653f3d3401fp+0, 1.0, 1.0};
    one_result r = one_sample(3, 1, x, theta, -1.0, SG_WEAKEN_NONE);
    printf("\n    exact z = 0, z^ > 0: grad W error/bound %.17g (ambiguous %ld, flips %ld)",
           r.gw_ratio, r.ambiguous, r.flips);
    CU_ASSERT_EQUAL(r.violations, 0);
    CU_ASSERT_EQUAL(r.flips, 1);
    CU_ASSERT(r.gw_ratio > 0.99);
}

/* an infinite bound is not a comparison: population weights of 1e-163
   (their squares underflow: the zero-norm convention breaks, roundoff.md
   P2, and every gradient bound is +inf) count infinite bounds, not checks;
   weights of 1e-3 are compared */
static long pop_audit(double scale, long *infinite)
{
    sg_problem p;
    sg_workspace ws;
    double *theta = tu_make(&p, &ws, SG_LOSS_POPULATION, 1, 10, 3, SG_INIT_XAVIER, 1.0, 7);
    long len = sg_theta_len(10, 3);
    for (long q = 0; q < len; q++)
        theta[q] *= scale;
    double *tn = calloc((size_t)len, sizeof(double));
    sg_shadow_audit *a = malloc(sizeof *a);
    CU_ASSERT_FATAL(tn && a && sg_shadow_audit_init(a, &p, theta, 0.1, 128, 1, 0) == 0);
    sg_loss_grad(&p, theta, &ws);
    memcpy(tn, theta, (size_t)len * sizeof(double));
    sg_gd_update((int)len, 0.1, ws.grad, tn);
    sg_shadow_audit_step(a, 0, theta, &ws, tn);
    long checked = a->components_checked;
    *infinite = a->infinite_bounds;
    sg_shadow_audit_free(a);
    free(a);
    free(tn);
    tu_free(&p, &ws, theta);
    return checked;
}

static void test_infinite_bound_not_counted(void)
{
    long inf_small, inf_tiny;
    long small = pop_audit(1e-3, &inf_small), tiny = pop_audit(1e-163, &inf_tiny);
    printf("\n    population weights 1e-3: %ld compared, %ld infinite; 1e-163: %ld compared, "
           "%ld infinite", small, inf_small, tiny, inf_tiny);
    CU_ASSERT(small > 0);
    CU_ASSERT_EQUAL(inf_small, 0);
    CU_ASSERT(inf_tiny > 0);
    CU_ASSERT(tiny + inf_tiny <= small); /* each component counted once, at most */
    CU_ASSERT(tiny < small);
}

/* the temporaries registry: sg_tmp_remove_all removes what is registered
   and not resumable, keeps the resumable, forgets the unregistered */
static void test_tmp_registry(void)
{
    char dir[] = "/tmp/sg-tmpreg-XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    char a[64], b[64], c[64];
    snprintf(a, sizeof a, "%s/a.tmp", dir);
    snprintf(b, sizeof b, "%s/b.tmp", dir);
    snprintf(c, sizeof c, "%s/c.tmp", dir);
    const char *all[3] = {a, b, c};
    for (int q = 0; q < 3; q++) {
        FILE *fp = fopen(all[q], "w");
        CU_ASSERT_FATAL(fp != NULL);
        fclose(fp);
    }
    sg_tmp_register(a, 0);
    sg_tmp_register(b, 1);
    sg_tmp_register(c, 0);
    sg_tmp_unregister(c);
    sg_tmp_remove_all();
    CU_ASSERT(access(a, F_OK) != 0);
    CU_ASSERT(access(b, F_OK) == 0);
    CU_ASSERT(access(c, F_OK) == 0);
    sg_tmp_unregister(b);
    remove(b);
    remove(c);
    rmdir(dir);
}

/* issue 11, item 6: X = 1e-320, W = 1e-300, v = 1e-310, y = 0 makes MPFR
   intermediates (z ~ 1e-620, t = r v ~ 1e-1240) whose products with the
   data leave the exact accumulator's range; they used to give a NaN, i.e.
   a spurious violation with no first violation recorded.  The shadow now
   makes those reductions by its exact fallback (specs/roundoff.md S1):
   no violation, no range error, and Z, gW exactly the rounded exact sums. */
static void test_subnormal_products(void)
{
    const double x[1] = {1e-320}, theta[2] = {1e-300, 1e-310};
    one_result r = one_sample(1, 1, x, theta, 0.0, SG_WEAKEN_NONE);
    CU_ASSERT_EQUAL(r.violations, 0);
    sg_problem p;
    CU_ASSERT_FATAL(sg_problem_alloc(&p, SG_LOSS_EMPIRICAL, 1, 1, 1) == 0);
    p.X[0] = x[0];
    p.y[0] = 0.0;
    p.a[0] = 1.0;
    sg_shadow s;
    CU_ASSERT_FATAL(sg_shadow_init(&s, &p, 128) == 0);
    sg_shadow_set_theta(&s, theta);
    sg_shadow_loss_grad(&s, &p);
    CU_ASSERT_EQUAL(s.range_errors, 0);
    CU_ASSERT(s.fallbacks >= 1); /* the path was taken: the control */
    mpfr_t e;
    mpfr_init2(e, 512);
    mpfr_set_d(e, theta[0], MPFR_RNDN);
    mpfr_mul_d(e, e, x[0], MPFR_RNDN); /* z = w x, exact at 512 bits */
    CU_ASSERT(mpfr_cmp(s.Z[0], e) == 0); /* 106 bits: exact at 128 too */
    /* gW = RN_128(RN_128(r v) x) / 1 with r = RN(z v): compare the sign and
       that it is finite and non-zero (not the NaN of the old range error) */
    CU_ASSERT(mpfr_number_p(s.grad[0]) && mpfr_sgn(s.grad[0]) > 0);
    printf("\n    subnormal products: 0 violations, %ld exact fallbacks, 0 range errors",
           s.fallbacks);
    mpfr_clear(e);
    sg_shadow_free(&s);
    sg_problem_free(&p);
}

/* population: the bounds' replica of the kernel must equal the kernel; a
   kernel result one ulp off is counted, with its step, so that BOUND is
   violated (audit/relu/invariants_shadow.c) */
static void test_replica_mismatch_counted(void)
{
    sg_problem p;
    sg_workspace ws;
    double *theta = tu_make(&p, &ws, SG_LOSS_POPULATION, 1, 6, 3, SG_INIT_XAVIER, 1.0, 3);
    long len = sg_theta_len(6, 3);
    double *tn = calloc((size_t)len, sizeof(double));
    sg_shadow_audit *a = malloc(sizeof *a);
    CU_ASSERT_FATAL(tn && a && sg_shadow_audit_init(a, &p, theta, 0.1, 128, 1, 0) == 0);
    for (int t = 0; t < 3; t++) {
        sg_loss_grad(&p, theta, &ws);
        if (t == 2)
            ws.pop.norm[1] = nextafter(ws.pop.norm[1], INFINITY); /* a 1-ulp kernel change */
        memcpy(tn, theta, (size_t)len * sizeof(double));
        sg_gd_update((int)len, 0.1, ws.grad, tn);
        sg_shadow_audit_step(a, t, theta, &ws, tn);
        if (t == 1) {
            CU_ASSERT_EQUAL(a->replica_mismatch, 0);
            CU_ASSERT_EQUAL(a->replica_first_step, -1);
        }
        memcpy(theta, tn, (size_t)len * sizeof(double));
    }
    CU_ASSERT(a->replica_mismatch > 0);
    CU_ASSERT_EQUAL(a->replica_first_step, 2);
    sg_shadow_audit_free(a);
    free(a);
    free(tn);
    tu_free(&p, &ws, theta);
}

/* BOUND's verdict from the shadow's totals: not a pass when nothing, or
   too little, was compared; violated on a replica mismatch */
static void test_bound_verdicts(void)
{
    double a[2] = {1.0, 0.0}, sign0[2] = {1.0, 1.0};
    sg_inv_thresholds th;
    sg_inv_thresholds_default(&th);
    sg_inv_problem ip = {2, 2, 0.1, 1e-4, a, sign0, 10, 0, 0};
    sg_inv_checker *c = sg_inv_new("double", &ip, &th);
    CU_ASSERT_FATAL(c != NULL);
    sg_inv_finish(c);
    sg_shadow_audit *sa = calloc(1, sizeof *sa);
    CU_ASSERT_FATAL(sa != NULL);
    sa->steps_audited = 20;
    sa->prec = 128;
    sa->max_ratio_step = sa->replica_first_step = -1;
    struct { long checked, infinite, nonfinite, viol, replica; sg_verdict want; } cases[] = {
        {1000, 0, 0, 0, 0, SG_HELD},
        {1000, 10, 0, 0, 0, SG_HELD},            /* a few not compared: said, still held */
        {0, 1659, 0, 0, 0, SG_NOT_APPLICABLE},   /* every bound infinite */
        {100, 60, 40, 0, 0, SG_NOT_APPLICABLE},  /* uncompared dominate */
        {1000, 0, 0, 3, 0, SG_VIOLATED},
        {1000, 0, 0, 0, 202, SG_VIOLATED},       /* replica mismatch */
    };
    for (size_t q = 0; q < sizeof cases / sizeof cases[0]; q++) {
        sa->components_checked = cases[q].checked;
        sa->infinite_bounds = cases[q].infinite;
        sa->nonfinite = cases[q].nonfinite;
        sa->violations = cases[q].viol;
        sa->first_step = cases[q].viol ? 4 : -1;
        sa->replica_mismatch = cases[q].replica;
        sa->replica_first_step = cases[q].replica ? 7 : -1;
        sg_inv_shadow_bound(c, sa);
        const sg_inv_result *r = sg_inv_get(c, SG_INV_BOUND);
        printf("\n    BOUND %s: %s", sg_verdict_name(r->verdict), r->reason);
        CU_ASSERT_EQUAL(r->verdict, cases[q].want);
        if (cases[q].replica)
            CU_ASSERT_EQUAL(r->first_violation, 7);
        if (cases[q].infinite && cases[q].want == SG_HELD)
            CU_ASSERT(strstr(r->reason, "not compared") != NULL);
    }
    free(sa);
    sg_inv_free(c);
}

int register_reliability_suite(void)
{
    CU_pSuite s = CU_add_suite("reliability", NULL, NULL);
    if (!s)
        return -1;
    if (!CU_add_test(s, "gW underflow term caught by one sample", test_weak_gw_underflow) ||
        !CU_add_test(s, "gamma_n of grad v caught by one sample", test_weak_gv_gamma) ||
        !CU_add_test(s, "ambiguity threshold caught by one sample", test_weak_amb_threshold) ||
        !CU_add_test(s, "ambiguous Er term caught by one sample", test_weak_amb_er) ||
        !CU_add_test(s, "exact z = 0: one ambiguous term, ratio ~ 1", test_exact_zero_z_ratio) ||
        !CU_add_test(s, "infinite bounds are not compared", test_infinite_bound_not_counted) ||
        !CU_add_test(s, "temporaries registry", test_tmp_registry) ||
        !CU_add_test(s, "population replica mismatch counted", test_replica_mismatch_counted) ||
        !CU_add_test(s, "BOUND verdicts from the shadow's totals", test_bound_verdicts) ||
        !CU_add_test(s, "subnormal products: exact fallback, no violation", test_subnormal_products))
        return -1;
    return 0;
}
