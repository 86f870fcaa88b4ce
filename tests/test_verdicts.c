/* test_verdicts.c -- the verdicts that explain the dynamics (issue 12):
 * the stuck-saddle predictor measured on many seeds against the same-sign
 * rule, the one-sign saddle detector for any k, the half-space angle and the
 * plateau prediction, and the RATE fit's O(1) window detection.  Each checker
 * is also shown to fail on a broken input. */
#include "test_util.h"
#include "audit/relu/invariants.h"
#include "audit/relu/stuck.h"
#include "kernels/relu/empirical.h"
#include "run/run.h"
#include "audit/relu/plots.h"
#include <unistd.h>
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- predictor */

static void test_predict_hand(void)
{
    /* d = 2, k = 3, a = (2, 0): ahat.w_j = w_j1 */
    double a[2] = {2.0, 0.0};
    double th[9] = {-0.3, 0.1, 0.2, 5.0, 0.0, 0.0, 0.1, 0.1, 0.0};
    int pred[3], same[3];
    double rho = sg_stuck_predict(2, 3, a, th, pred);
    CU_ASSERT_EQUAL(pred[0], -1); /* v = 0.1, ahat.w = -0.3: the growing mode is negative */
    CU_ASSERT_EQUAL(pred[1], 1);
    CU_ASSERT_EQUAL(pred[2], 0);  /* v + ahat.w = 0 exactly: no prediction */
    sg_stuck_predict_same_sign(2, 3, th, same);
    CU_ASSERT(same[0] == 1 && same[1] == 1 && same[2] == 0);
    /* rho_0 = sum (v^2 + |w|^2) / (2|a|) */
    double want = (0.01 + 0.09 + 0.01) + (0.01 + 0.04 + 25.0) + 0.0;
    CU_ASSERT_DOUBLE_EQUAL(rho, want / 4.0, 1e-15);
    CU_ASSERT(!sg_stuck_predicted(3, pred));
    int all_neg[3] = {-1, -1, -1}, with_zero[3] = {-1, 0, -1};
    CU_ASSERT(sg_stuck_predicted(3, all_neg));
    CU_ASSERT(!sg_stuck_predicted(3, with_zero));
}

static void test_detect_any_k(void)
{
    /* k = 4, d = 2, a = (1, 0): two positive active neurons, two dead */
    double a[2] = {1.0, 0.0};
    double th[12] = {1.0, 0.0, 0.5, 0.1, 1e-5, 1.0, 0.3, -0.4, 0.7, 0.5, 1e-6, 1e-5};
    char buf[400];
    CU_ASSERT(sg_stuck_detect(2, 4, a, th, 0.25, buf, sizeof buf));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "2 active output weights (of 4 neurons) all positive"));
    /* broken inputs: a loss far from |a|^2/4, an active neuron of the other sign */
    CU_ASSERT(!sg_stuck_detect(2, 4, a, th, 0.1, buf, sizeof buf));
    th[11] = -1e-4; /* neuron 4: |v||w| = 5e-5 <= 1e-3 |a|: dead, its sign does not count */
    CU_ASSERT(sg_stuck_detect(2, 4, a, th, 0.25, buf, sizeof buf));
    th[11] = -2.0; /* now active and negative: the network can fit both halves */
    CU_ASSERT(!sg_stuck_detect(2, 4, a, th, 0.25, buf, sizeof buf));
    int fin[4];
    sg_stuck_final_signs(2, 4, a, th, fin);
    CU_ASSERT(fin[0] == 1 && fin[1] == 1 && fin[2] == 0 && fin[3] == -1);
    /* every neuron dead (the origin, loss |a|^2/2): not the one-sign saddle */
    double z[12] = {0};
    CU_ASSERT(!sg_stuck_detect(2, 4, a, z, 0.25, buf, sizeof buf));
}

/* GD on the population loss from seed s; predicted and same-sign rule
   against the final signs.  Counts neurons predicted right by each. */
static void run_seed(uint64_t seed, int *right_pred, int *right_same, int *runs_right,
                     int *stuck_runs)
{
    sg_config cfg;
    sg_config_defaults(&cfg);
    RC(&cfg)->loss = SG_LOSS_POPULATION;
    RC(&cfg)->d = 10;
    RC(&cfg)->k = 2;
    RC(&cfg)->init = SG_INIT_XAVIER;
    RC(&cfg)->sigma = 1e-4;
    cfg.mu = 0.2;
    cfg.steps = 400;
    cfg.quiet = 1;
    cfg.plots = 0;
    cfg.audit_every = 0;
    cfg.shadow_trajectory = 0;
    cfg.seed = seed;
    sg_run_ctx ctx;
    CU_ASSERT_FATAL(sg_run_setup(&ctx, &cfg) == 0);
    int d = RC(&cfg)->d, k = RC(&cfg)->k;
    long len = sg_theta_len(d, k);
    const double *a = RELU(&ctx)->prob.a;
    int pred[2], same[2], fin[2];
    sg_stuck_predict(d, k, a, ctx.theta, pred);
    sg_stuck_predict_same_sign(d, k, ctx.theta, same);
    double L = 0.0;
    for (long t = 0; t < cfg.steps; t++) {
        L = sg_loss_grad(&RELU(&ctx)->prob, ctx.theta, &RELU(&ctx)->ws);
        sg_gd_update((int)len, cfg.mu, RELU(&ctx)->ws.grad, ctx.theta);
    }
    L = sg_loss_grad(&RELU(&ctx)->prob, ctx.theta, &RELU(&ctx)->ws);
    sg_stuck_final_signs(d, k, a, ctx.theta, fin);
    char buf[400];
    int stuck = sg_stuck_detect(d, k, a, ctx.theta, L, buf, sizeof buf);
    for (int j = 0; j < k; j++) {
        *right_pred += pred[j] == fin[j];
        *right_same += same[j] == fin[j];
    }
    *runs_right += sg_stuck_predicted(k, pred) == stuck;
    *stuck_runs += stuck;
    sg_run_free(&ctx);
}

/* the measurement: on 48 seeds the predictor gets (almost) every
   final sign right, strictly more than the same-sign rule */
static void test_predictor_seeds(void)
{
    int rp = 0, rs = 0, runs = 0, stuck = 0;
    const int S = 48;
    for (uint64_t s = 1; s <= (uint64_t)S; s++)
        run_seed(s, &rp, &rs, &runs, &stuck);
    printf("[%d seeds: predictor %d/%d signs, same-sign rule %d/%d, stuck runs %d, "
           "stuck predicted right %d/%d] ", S, rp, 2 * S, rs, 2 * S, stuck, runs, S);
    CU_ASSERT(rp >= (2 * S * 95) / 100); /* >= 95% of the final signs */
    CU_ASSERT(rs < rp);                  /* negative control: the old rule scores lower */
    CU_ASSERT(stuck > 0 && stuck < S);   /* both outcomes occur on these seeds */
    CU_ASSERT(runs >= (S * 95) / 100);
}

/* --------------------------------------------------- half-space angle */

static void test_halfspace_angle(void)
{
    double tmp[2];
    double w[2] = {1.0, 0.0};
    /* grad_w L = -v g: with v > 0, s = +1, g = (1, 1) -> gw = (-1, -1) */
    double gw[2] = {-1.0, -1.0};
    CU_ASSERT_DOUBLE_EQUAL(sg_halfspace_angle_deg(2, w, gw, 0.5, 1.0, tmp), 45.0, 1e-12);
    /* v < 0 (sign kept, s = -1): s g = -g, gw = -v g = |v| g */
    double gw2[2] = {1.0, 1.0};
    CU_ASSERT_DOUBLE_EQUAL(sg_halfspace_angle_deg(2, w, gw2, -0.5, -1.0, tmp), 135.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sg_halfspace_angle_deg(2, w, gw, -0.5, -1.0, tmp), 45.0, 1e-12);
    /* broken input: the sign convention reversed gives the supplement */
    CU_ASSERT(fabs(sg_halfspace_angle_deg(2, w, gw, 0.5, -1.0, tmp) - 135.0) < 1e-12);
    CU_ASSERT(isnan(sg_halfspace_angle_deg(2, w, gw, 0.0, 1.0, tmp)));
    /* the plateau: arctan(sqrt(2(d-1)/n)) = 17.47 deg at d = 100, n = 2000 */
    CU_ASSERT_DOUBLE_EQUAL(sg_plateau_predicted_deg(100, 2000), 17.4657, 1e-3);
    CU_ASSERT_DOUBLE_EQUAL(sg_plateau_predicted_deg(100, 0), 0.0, 0.0);
}

/* the plateau prediction against a measured empirical direction at f ~ 0:
   the angle between g = (1/n) sum y_i 1{w.x_i > 0} x_i and a over a few
   datasets is within 25% of arctan(sqrt(2(d-1)/n)) */
static void test_plateau_measured(void)
{
    const int d = 50, n = 500;
    double pred = sg_plateau_predicted_deg(d, n), mean = 0.0;
    const int R = 6;
    for (int r = 0; r < R; r++) {
        sg_problem p;
        sg_workspace ws;
        double *th = tu_make(&p, &ws, SG_LOSS_EMPIRICAL, n, d, 2, SG_INIT_THEORY, 1e-6,
                             100 + (uint64_t)r);
        sg_loss_grad(&p, th, &ws);
        double tmp[50];
        /* neuron 1 after alignment: w along a (the prediction assumes it) */
        for (int l = 0; l < d; l++)
            th[l] = 1e-6 * p.a[l];
        sg_loss_grad(&p, th, &ws);
        double ang = sg_halfspace_angle_deg(d, p.a, ws.grad, th[2 * d], 1.0, tmp);
        if (th[2 * d] < 0)
            ang = sg_halfspace_angle_deg(d, p.a, ws.grad, th[2 * d], -1.0, tmp);
        mean += ang / R;
        tu_free(&p, &ws, th);
    }
    printf("[d=%d n=%d: angle(g, a) %.2f deg, predicted %.2f] ", d, n, mean, pred);
    CU_ASSERT(fabs(mean - pred) <= 0.25 * pred);
    /* negative control: the population direction (n -> inf) predicts 0 */
    CU_ASSERT(fabs(mean - sg_plateau_predicted_deg(d, 0)) > 0.25 * pred);
}

/* ------------------------------------------------------------ RATE */

/* feed a synthetic k = 2 pair trajectory whose dist^2 is D(t); fed[t] gets
   the checker's own dist^2 of state t */
static double fed[1024];
static sg_inv_checker *feed_dist(double (*D)(long), long S, double sigma)
{
    static double a[2] = {1.0, 0.0}, sign0[2] = {1.0, -1.0};
    sg_inv_problem p = {2, 2, 0.1, sigma, a, sign0, S, 0, 0};
    sg_inv_thresholds th;
    sg_inv_thresholds_default(&th);
    sg_inv_checker *c = sg_inv_new("double", &p, &th);
    CU_ASSERT_FATAL(c != NULL);
    double theta[6], grad[6] = {0}, tol[2] = {1, 1};
    for (long t = 0; t <= S; t++) {
        /* v_1 w_1 = (1 + e, 0), v_2 w_2 = (1, 0): dist^2 = e^2 = D(t); |v_j| = 0.1 <
           growth_v sqrt|a|, so phase 2 never ends */
        double e = sqrt(D(t));
        theta[0] = 10.0 * (1.0 + e); theta[1] = 0.0; theta[2] = -10.0; theta[3] = 0.0;
        theta[4] = 0.1; theta[5] = -0.1;
        sg_inv_state_rec s = {t, theta, grad, 0.5 * D(t), 0.0, NULL, tol};
        sg_inv_state(c, &s);
        if (t < 1024)
            fed[t] = sg_inv_dist2_now(c);
    }
    sg_inv_finish(c);
    return c;
}

static double geometric(long t) { return 0.5 * pow(0.95, (double)t); }
static double flat(long t) { return 0.5 + 0.01 * sin((double)t); }

static void test_rate_detected(void)
{
    /* sigma = 1 > sqrt|a|... but growth never ends here by construction
       (|b_j| large): the window is detected from dist^2 itself */
    sg_inv_checker *c = feed_dist(geometric, 200, 1.0);
    const sg_inv_phases *ph = sg_inv_get_phases(c);
    const sg_inv_result *r = sg_inv_get(c, SG_INV_RATE);
    printf("[%s: %s] ", sg_verdict_name(r->verdict), r->reason);
    CU_ASSERT_EQUAL(ph->T2_end, -1);
    CU_ASSERT_EQUAL(r->verdict, SG_HELD);
    CU_ASSERT(ph->rate_detected);
    CU_ASSERT_EQUAL(ph->rate_start, 0);
    CU_ASSERT_EQUAL(ph->rate_end, 200);
    CU_ASSERT_DOUBLE_EQUAL(ph->rate, 0.95, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(ph->rate_c, 0.05 / 0.1, 1e-7);
    CU_ASSERT(ph->rate_r2 > 0.999999);
    sg_inv_free(c);
    /* negative control: a series that does not decrease gets no rate */
    c = feed_dist(flat, 200, 1.0);
    r = sg_inv_get(c, SG_INV_RATE);
    CU_ASSERT_NOT_EQUAL(r->verdict, SG_HELD);
    CU_ASSERT(isnan(sg_inv_get_phases(c)->rate));
    sg_inv_free(c);
}

/* the running sums give the former two-pass fit's rate bit for bit, and its
   R^2 to rounding, on a noisy series */
static double noisy(long t) { return 0.3 * pow(0.9, (double)t) * (1.0 + 0.2 * sin(1.7 * (double)t)); }

static void test_rate_same_as_two_pass(void)
{
    sg_inv_checker *c = feed_dist(noisy, 150, 1.0);
    const sg_inv_phases *ph = sg_inv_get_phases(c);
    CU_ASSERT_FATAL(ph->rate_start >= 0);
    /* the former code: sums over the window, then residuals in a second pass */
    double st = 0, sy = 0, stt = 0, sty = 0;
    long n = 0;
    for (long t = ph->rate_start; t <= ph->rate_end; t++) {
        double x = (double)t, y = log(fed[t]);
        st += x; sy += y; stt += x * x; sty += x * y;
        n++;
    }
    double nn = (double)n, den = nn * stt - st * st;
    double slope = (nn * sty - st * sy) / den, icpt = (sy - slope * st) / nn;
    double ybar = sy / nn, ssr = 0, sst = 0;
    for (long t = ph->rate_start; t <= ph->rate_end; t++) {
        double x = (double)t, y = log(fed[t]), e = y - (icpt + slope * x);
        ssr += e * e;
        sst += (y - ybar) * (y - ybar);
    }
    double r2 = 1.0 - ssr / sst;
    printf("[window [%ld, %ld], rate %.17g, R^2 %.17g vs %.17g] ", ph->rate_start,
           ph->rate_end, ph->rate, ph->rate_r2, r2);
    CU_ASSERT(ph->rate == exp(slope));
    CU_ASSERT_DOUBLE_EQUAL(ph->rate_r2, r2, 1e-12);
    sg_inv_free(c);
}

/* the checker's state does not grow with the steps: a checkpoint after
   100 and after 3000 fed states has the same size (the former dist^2
   series added 8 bytes per state) */
static size_t saved_size(long S)
{
    static double a[2] = {1.0, 0.0}, sign0[2] = {1.0, -1.0};
    sg_inv_problem p = {2, 2, 0.1, 1.0, a, sign0, 5000, 0, 0};
    sg_inv_thresholds th;
    sg_inv_thresholds_default(&th);
    sg_inv_checker *c = sg_inv_new("double", &p, &th);
    CU_ASSERT_FATAL(c != NULL);
    double theta[6] = {10.0, 0.0, -10.0, 0.0, 0.1, -0.1}, grad[6] = {0}, tol[2] = {1, 1};
    for (long t = 0; t < S; t++) {
        theta[0] = 10.0 * (1.0 + sqrt(geometric(t % 200)));
        sg_inv_state_rec r = {t, theta, grad, 0.1, 0.0, NULL, tol};
        sg_inv_state(c, &r);
    }
    char *mem = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&mem, &n);
    CU_ASSERT_FATAL(m != NULL);
    CU_ASSERT(sg_inv_save(c, m) == 0);
    fclose(m);
    free(mem);
    sg_inv_free(c);
    return n;
}

static void test_rate_memory_constant(void)
{
    size_t a = saved_size(100), b = saved_size(3000);
    printf("[checkpoint section: %zu bytes after 100 states, %zu after 3000] ", a, b);
    CU_ASSERT(a > 0);
    CU_ASSERT_EQUAL(a, b);
}

/* ------------------------------------------------------------ Fig. 3 */

static char *fig3_script(int k, int stuck, long T1, long T2end)
{
    static char dir[] = "/tmp/sg_fig3_XXXXXX";
    char tmpl[sizeof dir];
    memcpy(tmpl, dir, sizeof dir);
    CU_ASSERT_FATAL(mkdtemp(tmpl) != NULL);
    sg_plot_setup c = {.dir = tmpl, .plots = 0, .steps = 600, .init = "xavier", .sigma = 1e-4,
                       .mu = 0.1, .seed = 5, .align_deg = 9, .k = k, .stuck = stuck};
    snprintf(c.setting, sizeof c.setting, "population loss");
    sg_inv_phases ph = {.T1_observed = T1, .T2_end = T2end};
    char msg[600], path[300];
    CU_ASSERT_FATAL(sg_plots_write(&c, &ph, msg, sizeof msg) == 0);
    snprintf(path, sizeof path, "%s/fig3.gp", tmpl);
    FILE *fp = fopen(path, "r");
    CU_ASSERT_FATAL(fp != NULL);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = 0;
    fclose(fp);
    unlink(path);
    snprintf(path, sizeof path, "%s/audit.gp", tmpl);
    unlink(path);
    rmdir(tmpl);
    return strdup(buf);
}

static void test_fig3_script(void)
{
    /* a stuck run: its tail is not "refinement" */
    char *s = fig3_script(2, 1, 73, 214);
    CU_ASSERT_PTR_NULL(strstr(s, "3: refinement"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "stuck at a saddle"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "'wnorm_2'"));      /* every neuron drawn */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "column('v_2')"));
    free(s);
    /* control: the same phases of a converging run are refinement */
    s = fig3_script(2, 0, 73, 214);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "3: refinement"));
    free(s);
    /* k = 10: 8 drawn, the others named; no band label for a band too
       narrow to hold one (T1 = 227 = end of phase 2: band 2 is empty) */
    s = fig3_script(10, 0, 227, 227);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "'angle_8'"));
    CU_ASSERT_PTR_NULL(strstr(s, "'angle_9'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "neurons 9..10 not drawn"));
    CU_ASSERT_PTR_NULL(strstr(s, "'2: growth'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "2 growth empty"));
    free(s);
    s = fig3_script(10, 0, 20, 300); /* band 1 is 20 of 600 steps: no label inside */
    CU_ASSERT_PTR_NULL(strstr(s, "'1: align'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "'2: growth'"));
    free(s);
}

int register_verdicts_suite(void)
{
    CU_pSuite s = CU_add_suite("verdicts", NULL, NULL);
    if (!s)
        return -1;
    if (!CU_add_test(s, "stuck predictor on a hand example", test_predict_hand) ||
        !CU_add_test(s, "one-sign saddle detected for any k", test_detect_any_k) ||
        !CU_add_test(s, "predictor beats the same-sign rule on 48 seeds", test_predictor_seeds) ||
        !CU_add_test(s, "half-space angle and plateau formula", test_halfspace_angle) ||
        !CU_add_test(s, "plateau prediction against a measured direction", test_plateau_measured) ||
        !CU_add_test(s, "RATE window detected from dist^2, flat negative control",
                     test_rate_detected) ||
        !CU_add_test(s, "RATE running fit equals the two-pass fit", test_rate_same_as_two_pass) ||
        !CU_add_test(s, "Fig. 3 script: every neuron, stuck tail, labels", test_fig3_script) ||
        !CU_add_test(s, "RATE state O(1) in the steps", test_rate_memory_constant))
        return -1;
    return 0;
}
