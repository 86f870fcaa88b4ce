/* test_multi_bounds.c -- the r > 1 MPFR step audit (shadow/relu/multi_shadow.h,
 * multi_bounds.h; specs/roundoff.md M1-M9):
 *  - 0 violations on random r > 1 steps: shapes, seeds, magnitudes (O(1),
 *    large, tiny values whose products underflow: the eta terms), and
 *    near-zero Z (units orthogonal to a sample: ambiguous activations);
 *  - sharp-ish: with u/16 in the binary64 bounds the same steps violate;
 *  - broken kernels are caught: F accumulated in float, T with its last
 *    output term dropped, gW without its last sample;
 *  - population (M10): 0 violations and 0 replica mismatches on random
 *    states; gW without its last output's term, the loss summed in another
 *    order (a replica mismatch) and u/16 are caught. */
#include "kernels/data.h"
#include "kernels/relu/empirical.h"
#include "kernels/relu/multi_init.h"
#include "kernels/relu/multi_problem.h"
#include "kernels/relu/population.h"
#include "kernels/rng.h"
#include "shadow/relu/multi_shadow.h"
#include "test_util.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int n, d, k, r;
    double xs, ws; /* scale of X and of theta */
    int near_zero; /* unit 0 orthogonal to sample 0 (double Z ~ rounding noise) */
    uint64_t seed;
} cfg;

typedef struct {
    sg_mproblem p;
    sg_mworkspace w;
    double *theta, *tn;
    long len;
    double mu;
} step;

static void mk_step(step *s, const cfg *c)
{
    sg_rng rng;
    memset(s, 0, sizeof *s);
    if (sg_mproblem_alloc(&s->p, SG_LOSS_EMPIRICAL, c->n, c->d, c->k, c->r) != 0 ||
        sg_mworkspace_alloc(&s->w, &s->p) != 0)
        abort();
    sg_rng_seed(&rng, c->seed);
    for (long q = 0; q < (long)c->r * c->d; q++)
        s->p.A[q] = sg_rng_normal(&rng) * c->xs;
    sg_data_gaussian(&rng, c->n, c->d, s->p.X);
    for (long q = 0; q < (long)c->n * c->d; q++)
        s->p.X[q] *= c->xs;
    sg_mproblem_labels(&s->p);
    s->len = sg_mtheta_len(c->d, c->k, c->r);
    s->theta = calloc((size_t)s->len, sizeof(double));
    s->tn = calloc((size_t)s->len, sizeof(double));
    for (long q = 0; q < s->len; q++)
        s->theta[q] = sg_rng_normal(&rng) * c->ws;
    if (c->near_zero) { /* w_0 <- w_0 - (w_0.x_0 / |x_0|^2) x_0, in double */
        double *w = s->theta, a = 0.0, b = 0.0;
        const double *x = s->p.X;
        for (int l = 0; l < c->d; l++) {
            a += w[l] * x[l];
            b += x[l] * x[l];
        }
        for (int l = 0; l < c->d; l++)
            w[l] -= a / b * x[l];
    }
    s->mu = 0.05;
    sg_mloss_grad(&s->p, s->theta, &s->w);
    memcpy(s->tn, s->theta, (size_t)s->len * sizeof(double));
    sg_gd_update((int)s->len, s->mu, s->w.grad, s->tn);
}

static void free_step(step *s)
{
    sg_mproblem_free(&s->p);
    sg_mworkspace_free(&s->w);
    free(s->theta);
    free(s->tn);
}

static sg_mstep_view view(const step *s)
{
    sg_mstep_view v = {s->w.Z, s->w.H, s->w.F, s->w.R, s->w.T, s->w.loss, s->w.grad, s->tn,
                       &s->w.pop};
    return v;
}

/* the configurations of the tests (each at several seeds) */
static const cfg configs[] = {
    {7, 3, 4, 2, 1.0, 1.0, 0, 0},      {40, 6, 6, 3, 1.0, 0.5, 0, 0},
    {64, 5, 8, 5, 1.0, 1.0, 0, 0},     {33, 10, 4, 10, 1.0, 0.3, 0, 0},
    {25, 4, 6, 3, 1.0, 1.0, 1, 0},     {50, 8, 4, 2, 1.0, 1.0, 1, 0},
    {30, 5, 4, 3, 1e3, 1e2, 0, 0},     {20, 4, 4, 3, 1e-80, 1e-80, 0, 0},
    {20, 4, 4, 3, 1e-155, 1e-3, 0, 0}, {16, 3, 3, 4, 1e-160, 1e-160, 1, 0},
};
#define NCFG ((int)(sizeof configs / sizeof configs[0]))
#define NSEED 6

/* totals of one pass over every configuration and seed */
typedef struct {
    long steps, checked, violations, ambiguous, flips;
    double max_ratio;
} totals;

/* broken: 0 none, 1 F in float, 2 T without its last output, 3 gW without
   its last sample; u_div: the binary64 u divided by this */
static totals run_all(int broken, double u_div)
{
    totals t = {0};
    for (int c = 0; c < NCFG; c++)
        for (int sd = 0; sd < NSEED; sd++) {
            cfg cf = configs[c];
            cf.seed = 1000u * (unsigned)c + (unsigned)sd + 1u;
            step s;
            mk_step(&s, &cf);
            int n = cf.n, d = cf.d, k = cf.k, r = cf.r;
            const double *V = s.theta + (long)k * d;
            if (broken == 1) { /* F from a float accumulator (the rest as computed) */
                for (int i = 0; i < n; i++)
                    for (int o = 0; o < r; o++) {
                        float f = 0.0f;
                        for (int j = 0; j < k; j++)
                            f += (float)(s.w.H[(long)i * k + j] * V[(long)o * k + j]);
                        s.w.F[(long)i * r + o] = f;
                    }
            }
            if (broken == 2) /* T without the last output's term */
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < k; j++)
                        s.w.T[(long)i * k + j] -= s.w.R[(long)i * r + r - 1] * V[(long)(r - 1) * k + j];
            if (broken == 3) /* gW without the last sample */
                sg_mgrad_W(n - 1, d, k, s.p.X, s.w.Z, s.w.T, s.w.grad);
            sg_mshadow m;
            CU_ASSERT_FATAL(sg_mshadow_init(&m, &s.p, 128, s.len) == 0);
            m.f64.u /= u_div;
            sg_mstep_view v = view(&s);
            sg_mshadow_audit(&m, 0, s.theta, s.mu, &v);
            t.steps++;
            t.checked += m.checked;
            t.violations += m.violations;
            t.ambiguous += m.ambiguous;
            t.flips += m.flips;
            if (m.max_ratio > t.max_ratio)
                t.max_ratio = m.max_ratio;
            CU_ASSERT(m.range_errors == 0);
            if (broken == 0 && u_div == 1.0 && m.violations != 0)
                printf("\n  config %d seed %d: %ld violations, first %s[%ld] err %.3e > %.3e",
                       c, sd, m.violations, sg_ms_class_name(m.first_class), m.first_index,
                       m.first_err, m.first_bound);
            sg_mshadow_free(&m);
            free_step(&s);
        }
    return t;
}

static void test_holds(void)
{
    totals t = run_all(0, 1.0);
    /* max error/bound reaches 1 - 1e-15 at a flipped activation (double
       active, exact inactive): the ambiguous term of M8 is the whole
       contribution, so it is attained (as the scalar E7's) */
    printf("\n  r > 1 step audit: %ld steps, %ld components, %ld violations, max error/bound "
           "%.17g, %ld ambiguous, %ld flips ", t.steps, t.checked, t.violations, t.max_ratio,
           t.ambiguous, t.flips);
    CU_ASSERT(t.steps == NCFG * NSEED);
    CU_ASSERT(t.checked > 0);
    CU_ASSERT(t.violations == 0);
    CU_ASSERT(t.ambiguous > 0); /* the near-zero configurations reach the E2/M2 case */
    CU_ASSERT(t.max_ratio > 0.0 && t.max_ratio <= 1.0);
}

static void test_sharp(void)
{
    totals t = run_all(0, 16.0);
    printf("\n  u/16: %ld violations of %ld ", t.violations, t.checked);
    CU_ASSERT(t.violations > 0);
}

static void test_broken(void)
{
    for (int b = 1; b <= 3; b++) {
        totals t = run_all(b, 1.0);
        printf("\n  broken kernel %d: %ld violations ", b, t.violations);
        CU_ASSERT(t.violations > 0);
    }
}

/* population: (d, k, r, scale of theta, broken) over seeds; broken 1: gW
   without the last output's term, 2: the loss summed with the last output
   first (another order), 3: u/16 */
static totals run_pop(int broken)
{
    static const int shapes[][3] = {{4, 4, 2}, {6, 6, 3}, {5, 8, 5}, {10, 4, 3}, {3, 6, 10}};
    static const double scales[] = {1.0, 1e-3, 30.0};
    totals t = {0};
    for (int c = 0; c < 5; c++)
        for (int sc = 0; sc < 3; sc++)
            for (int sd = 0; sd < 3; sd++) {
                int d = shapes[c][0], k = shapes[c][1], r = shapes[c][2];
                sg_mproblem p;
                sg_mworkspace w;
                sg_rng rng;
                if (sg_mproblem_alloc(&p, SG_LOSS_POPULATION, 0, d, k, r) != 0 ||
                    sg_mworkspace_alloc(&w, &p) != 0)
                    abort();
                sg_rng_seed(&rng, 7000u + 100u * (unsigned)c + 10u * (unsigned)sc + (unsigned)sd);
                for (long q = 0; q < (long)r * d; q++)
                    p.A[q] = sg_rng_normal(&rng);
                long len = sg_mtheta_len(d, k, r), kd = (long)k * d;
                double *th = malloc((size_t)len * sizeof(double));
                double *tn = malloc((size_t)len * sizeof(double));
                double *tmp = malloc((size_t)(kd + k) * sizeof(double));
                for (long q = 0; q < len; q++)
                    th[q] = sg_rng_normal(&rng) * scales[sc];
                sg_mloss_grad(&p, th, &w);
                if (broken == 1) { /* gW - (output r-1's gW): a dropped term */
                    sg_pop_grad(d, k, p.A + (long)(r - 1) * d, th, th + kd + (long)(r - 1) * k,
                                &w.pop, tmp, tmp + kd);
                    for (long q = 0; q < kd; q++)
                        w.grad[q] -= tmp[q];
                }
                if (broken == 2) { /* the last output's loss first */
                    double L = sg_pop_loss(d, k, p.A + (long)(r - 1) * d, th,
                                           th + kd + (long)(r - 1) * k, &w.pop);
                    for (int o = 0; o < r - 1; o++)
                        L += sg_pop_loss(d, k, p.A + (long)o * d, th, th + kd + (long)o * k,
                                         &w.pop);
                    w.loss = L;
                }
                memcpy(tn, th, (size_t)len * sizeof(double));
                sg_gd_update((int)len, 0.05, w.grad, tn);
                sg_mshadow m;
                CU_ASSERT_FATAL(sg_mshadow_init(&m, &p, 128, len) == 0);
                if (broken == 3)
                    m.f64.u /= 16.0;
                sg_mstep_view v = {NULL, NULL, NULL, NULL, NULL, w.loss, w.grad, tn, &w.pop};
                sg_mshadow_audit(&m, 0, th, 0.05, &v);
                t.steps++;
                t.checked += m.checked;
                t.violations += m.violations;
                t.flips += m.replica_mismatch; /* replica mismatches, in this pass */
                if (m.max_ratio > t.max_ratio)
                    t.max_ratio = m.max_ratio;
                if (broken == 0 && m.violations != 0)
                    printf("\n  pop config %d scale %d seed %d: %ld violations, first %s[%ld] "
                           "err %.3e > %.3e (%ld replica)", c, sc, sd, m.violations,
                           sg_ms_class_name(m.first_class), m.first_index, m.first_err,
                           m.first_bound, m.replica_mismatch);
                sg_mshadow_free(&m);
                free(th);
                free(tn);
                free(tmp);
                sg_mproblem_free(&p);
                sg_mworkspace_free(&w);
            }
    return t;
}

static void test_population(void)
{
    totals t = run_pop(0);
    printf("\n  population r > 1: %ld steps, %ld components, %ld violations, %ld replica "
           "mismatches, max error/bound %.3g ", t.steps, t.checked, t.violations, t.flips,
           t.max_ratio);
    CU_ASSERT(t.steps == 45);
    CU_ASSERT(t.checked > 0);
    CU_ASSERT(t.violations == 0);
    CU_ASSERT(t.flips == 0);
    CU_ASSERT(t.max_ratio > 0.0 && t.max_ratio <= 1.0);
    for (int b = 1; b <= 3; b++) {
        totals x = run_pop(b);
        printf("\n  population, %s: %ld violations (%ld replica mismatches) ",
               b == 1 ? "gW without the last output" : b == 2 ? "loss in another order" : "u/16",
               x.violations, x.flips);
        CU_ASSERT(x.violations > 0);
    }
}

int register_multi_bounds_suite(void)
{
    CU_pSuite s = CU_add_suite("multi_bounds", NULL, NULL);
    if (!s)
        return -1;
    if (!CU_add_test(s, "r > 1 step: 0 bound violations on random configurations", test_holds) ||
        !CU_add_test(s, "r > 1 bounds with u/16 are violated (sharp-ish)", test_sharp) ||
        !CU_add_test(s, "r > 1 audit catches broken kernels (float F, dropped terms)",
                     test_broken) ||
        !CU_add_test(s, "r > 1 population step: 0 violations; broken sums and u/16 caught",
                     test_population))
        return -1;
    return 0;
}
