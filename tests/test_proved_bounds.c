/* test_proved_bounds.c -- ties the run-time bound code (src/shadow/relu/
 * bounds.c) to the round-off bounds the rounding proof run proves
 * (`make proofs-rounding`; the ACSL postconditions under SG_FL_ROUNDING in
 * src/kernels/dot.h and src/kernels/relu/empirical.h).
 *
 * For random problems, each proved postcondition's bound is written here as
 * C -- the ACSL formula term by term, Gamma(m) = m u / (1 - m u),
 * Rel1 = u / (1 - u), evaluated upwards like bounds.c -- and compared with
 * the component bounds.c reports:
 *   E1 z      (sg_forward roundoff_z)  Ez == proved, exactly;
 *   E4 r      (sg_residual roundoff)   Er == proved + Ef, exactly (Ef is the
 *             propagation of f's error, the composition, not proved);
 *   E8 theta+ (sg_gd_update roundoff)  Etn == proved + mu Eg, exactly;
 *   E3 f, E5 loss, E6 gv (sg_output, sg_loss, sg_grad_v): proved <= bound and
 *             bound == proved + the propagation term up to 8 ulp (bounds.c
 *             adds the same terms in another order, upwards), n not a power of two (bounds.c takes
 *             rho = 0 for a power of two, a fact outside the stated model).
 * The tie must FAIL on a weakened bound code (SG_WEAKEN_GV_GAMMA: gamma_n / 4
 * in E6), which the last test shows. */
#include "kernels/relu/empirical.h"
#include "kernels/relu/problem.h"
#include "kernels/rng.h"
#include "shadow/relu/bounds_private.h"
#include <CUnit/CUnit.h>
#include <fenv.h>
#include <math.h>
#include <stdlib.h>

#define U 0x1p-53
#define ETA 0x1p-1074

/* the ACSL logic functions, evaluated upwards (call under FE_UPWARD) */
static double Gamma(double m) { return gamma_up(U, m); }
static double Rel1(void) { return rel1(U); }

typedef struct {
    long viol_eq, viol_le, checked;
} tie_count;

static double ulp_of(double x) { return nextafter(fabs(x), INFINITY) - fabs(x); }

static void tie_le(tie_count *c, double proved, double bound, double prop)
{
    c->checked++;
    double sum = proved + prop;
    if (!(proved <= bound))
        c->viol_le++;
    if (!(fabs(bound - sum) <= 8.0 * ulp_of(bound)))
        c->viol_eq++;
}

static void tie_eq(tie_count *c, double want, double bound)
{
    c->checked++;
    c->viol_eq += !(want == bound);
}

/* one random problem; counts mismatches of each tie */
static tie_count tie_one(unsigned long seed, int n, int d, int k)
{
    tie_count c = {0, 0, 0};
    sg_problem p;
    sg_workspace ws;
    sg_bounds b;
    CU_ASSERT_FATAL(sg_problem_alloc(&p, SG_LOSS_EMPIRICAL, n, d, k) == 0);
    CU_ASSERT_FATAL(sg_workspace_alloc(&ws, &p) == 0);
    long len = sg_theta_len(d, k);
    double *theta = malloc((size_t)len * sizeof *theta), *tn = malloc((size_t)len * sizeof *tn);
    CU_ASSERT_FATAL(theta && tn);
    sg_rng g;
    sg_rng_seed(&g, seed);
    for (long q = 0; q < (long)n * d; q++)
        p.X[q] = 2.0 * sg_rng_uniform(&g) - 1.0;
    for (int i = 0; i < n; i++)
        p.y[i] = 2.0 * sg_rng_uniform(&g) - 1.0;
    for (long q = 0; q < len; q++)
        theta[q] = 2.0 * sg_rng_uniform(&g) - 1.0;
    const double mu = 0.1;
    sg_loss_grad(&p, theta, &ws);
    for (long q = 0; q < len; q++)
        tn[q] = theta[q];
    sg_gd_update((int)len, mu, ws.grad, tn);
    CU_ASSERT_FATAL(sg_bounds_init(&b, &p) == 0);
    sg_fp_model fm = sg_fp_binary64();
    sg_bounds_absdot(&b, &p, theta);
    sg_bounds_empirical(&b, &fm, &p, theta, mu, ws.Z, ws.H, ws.r, ws.loss, ws.grad, tn);

    const double *W = theta, *v = theta + (long)k * d;
    const double *gv = ws.grad + (long)k * d;
    int old = fegetround();
    fesetround(FE_UPWARD);
    /* E1: Gamma(d) * AbsPreAct + d * Eta (AbsPreAct = sum_l |x_il w_jl|) */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            double a = 0.0;
            for (int l = 0; l < d; l++)
                a = a + fabs(p.X[(long)i * d + l]) * fabs(W[(long)j * d + l]);
            tie_eq(&c, Gamma(d) * a + (double)d * ETA, b.Ez[(long)i * k + j]);
        }
    /* E3: Gamma(k) * AbsOutput + k * Eta; E4: Rel1 * |r| (+ Ef) */
    for (int i = 0; i < n; i++) {
        double a = 0.0, t = 0.0;
        for (int j = 0; j < k; j++) {
            a = a + fabs(ws.H[(long)i * k + j]) * fabs(v[j]);
            t = t + fabs(v[j]) * b.Ez[(long)i * k + j];
        }
        tie_le(&c, Gamma(k) * a + (double)k * ETA, b.Ef[i], t);
        tie_eq(&c, Rel1() * fabs(ws.r[i]) + b.Ef[i], b.Er[i]);
    }
    /* E5: Rel1 |L| + Eta + (Gamma(n) AbsDot(r, r, n) + n Eta) / (2n) */
    {
        double a = 0.0, t = 0.0;
        for (int i = 0; i < n; i++) {
            a = a + fabs(ws.r[i]) * fabs(ws.r[i]);
            t = t + b.Er[i] * (2.0 * fabs(ws.r[i]) + b.Er[i]);
        }
        double proved = (Rel1() * fabs(ws.loss) + ETA) + (Gamma(n) * a + (double)n * ETA) / (2.0 * n);
        tie_le(&c, proved, b.Eloss, t / (2.0 * n));
    }
    /* E6: Rel1 |gv_j| + Eta + (Gamma(n) AbsGvSum + n Eta) / n */
    for (int j = 0; j < k; j++) {
        double a = 0.0, t = 0.0;
        for (int i = 0; i < n; i++) {
            double ri = fabs(ws.r[i]), hi = fabs(ws.H[(long)i * k + j]), ez = b.Ez[(long)i * k + j];
            a = a + ri * hi;
            t = t + (ri * ez + b.Er[i] * hi + b.Er[i] * ez);
        }
        double proved = (Rel1() * fabs(gv[j]) + ETA) + (Gamma(n) * a + (double)n * ETA) / (double)n;
        tie_le(&c, proved, b.Eg[(long)k * d + j], t / (double)n);
    }
    /* E8: Rel1 |theta+| + U (mu |g|) + Eta (+ mu Eg) */
    for (long q = 0; q < len; q++) {
        double proved = Rel1() * fabs(tn[q]) + U * (mu * fabs(ws.grad[q])) + ETA;
        tie_eq(&c, proved + mu * b.Eg[q], b.Etn[q]);
    }
    fesetround(old);
    sg_bounds_free(&b);
    free(theta);
    free(tn);
    sg_workspace_free(&ws);
    sg_problem_free(&p);
    return c;
}

static void test_bounds_follow_the_proved_formulas(void)
{
    /* n not a power of two (E5/E6's rho, see the header) */
    static const int shapes[][3] = {{3, 2, 2}, {5, 4, 3}, {7, 1, 5}, {12, 6, 4}, {33, 9, 7}};
    long checked = 0;
    for (unsigned s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (unsigned long seed = 1; seed <= 4; seed++) {
            tie_count c = tie_one(seed * 7919u + s, shapes[s][0], shapes[s][1], shapes[s][2]);
            CU_ASSERT_EQUAL(c.viol_eq, 0);
            CU_ASSERT_EQUAL(c.viol_le, 0);
            checked += c.checked;
        }
    CU_ASSERT(checked > 1000);
}

static void test_tie_fails_on_weakened_bounds(void)
{
    sg_bounds_weaken = SG_WEAKEN_GV_GAMMA;
    tie_count c = tie_one(99, 33, 9, 7);
    sg_bounds_weaken = SG_WEAKEN_NONE;
    CU_ASSERT(c.viol_eq > 0);
}

int register_proved_bounds_suite(void)
{
    CU_pSuite s = CU_add_suite("proved_bounds", NULL, NULL);
    if (!s)
        return -1;
    if (!CU_add_test(s, "bounds.c evaluates the proved round-off formulas",
                     test_bounds_follow_the_proved_formulas) ||
        !CU_add_test(s, "the tie fails on a weakened bound (gamma_n / 4 in E6)",
                     test_tie_fails_on_weakened_bounds))
        return -1;
    return 0;
}
