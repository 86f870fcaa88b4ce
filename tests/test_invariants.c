/* test_invariants.c -- every checker of the invariant auditor reports
 * `violated` on a constructed violation and `held` on a correct run; a k = 2
 * same-sign run names the saddle it is stuck at; summary.json is valid JSON
 * and carries every invariant ID.
 *
 * Real runs are driven here step by step with the library (sg_run_setup,
 * sg_loss_grad, sg_gd_update) and fed to a checker exactly as the audit
 * observer feeds it; a corruption is applied to what the checker sees (or,
 * for the ascent step, to the trajectory itself).  Seeds are printed. */
#include "test_util.h"
#include "audit/relu/audit.h"
#include "kernels/relu/empirical.h"
#include "audit/relu/invariants.h"
#include "audit/relu/invariants_shadow.h"
#include "io/json.h"
#include "audit/relu/plots.h"
#include "run/run.h"
#include "audit/relu/tolerance.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { C_NONE = 0, C_SIGN, C_ROTATE, C_ASCENT, C_IMBAL, C_HOMOG };

static void small_config(sg_config *c, sg_loss_kind loss)
{
    sg_config_defaults(c);
    RC(c)->loss = loss;
    RC(c)->d = 20;
    RC(c)->n = 800;
    RC(c)->sigma = 1e-3;
    c->steps = 500;
    c->quiet = 1;
    c->plots = 0;
}

/* Run GD on cfg and feed a checker; corrupt what it sees at step 'at'.
   Returns the checker (finished); *T1 gets the uncorrupted T1 if non-NULL. */
static sg_inv_checker *drive(const sg_config *cfg, int kind, long at)
{
    sg_run_ctx ctx;
    CU_ASSERT_FATAL(sg_run_setup(&ctx, cfg) == 0);
    int d = RC(cfg)->d, k = RC(cfg)->k;
    long len = sg_theta_len(d, k);
    sg_inv_problem p = {d, k, cfg->mu, RC(cfg)->sigma, RELU(&ctx)->prob.a, RELU(&ctx)->sign0, cfg->steps, RC(cfg)->loss == SG_LOSS_EMPIRICAL ? RC(cfg)->n : 0, 0};
    sg_inv_checker *c = sg_inv_new("double", &p, &RC(cfg)->inv);
    CU_ASSERT_FATAL(c != NULL);
    double *th = malloc((size_t)len * sizeof(double));
    double *g = malloc((size_t)len * sizeof(double));
    double *prev = malloc((size_t)len * sizeof(double));
    double *ht = malloc((size_t)k * sizeof(double)), *it = malloc((size_t)k * sizeof(double));
    double ltol;
    printf("[seed %llu] ", (unsigned long long)cfg->seed);
    for (long t = 0;; t++) {
        double L = sg_loss_grad(&RELU(&ctx)->prob, ctx.theta, &RELU(&ctx)->ws);
        sg_tol_state(&RELU(&ctx)->prob, ctx.theta, &RELU(&ctx)->ws, ht, &ltol);
        memcpy(th, ctx.theta, (size_t)len * sizeof(double));
        memcpy(g, RELU(&ctx)->ws.grad, (size_t)len * sizeof(double));
        if (t == at && kind == C_SIGN)
            th[(long)k * d] = -th[(long)k * d];          /* flip v_1 */
        if (t >= at && kind == C_ROTATE) {               /* w_1 turned to e_2 */
            double nw = 0;
            for (int l = 0; l < d; l++) {
                nw += th[l] * th[l];
                th[l] = 0;
            }
            th[1] = sqrt(nw);
        }
        if (t == at && kind == C_HOMOG)
            g[0] += 1e-6 * (fabs(g[0]) + 1e-3);          /* gradient off the identity */
        sg_inv_state_rec s = {t, th, g, L, ltol, NULL, ht};
        sg_inv_state(c, &s);
        if (t >= cfg->steps)
            break;
        memcpy(prev, ctx.theta, (size_t)len * sizeof(double));
        if (t == at && kind == C_ASCENT)
            sg_gd_update((int)len, -cfg->mu, RELU(&ctx)->ws.grad, ctx.theta); /* an ascent step */
        else
            sg_gd_update((int)len, cfg->mu, RELU(&ctx)->ws.grad, ctx.theta);
        sg_tol_step(d, k, cfg->mu, RELU(&ctx)->ws.grad, ctx.theta, ht, it);
        memcpy(th, ctx.theta, (size_t)len * sizeof(double));
        if (t == at && kind == C_IMBAL)
            th[0] *= 1.0 + 1e-9;                          /* b_1+ perturbed */
        sg_inv_step_rec st = {t, prev, RELU(&ctx)->ws.grad, th, NULL, it, NULL};
        sg_inv_step(c, &st);
    }
    sg_inv_finish(c);
    free(th);
    free(g);
    free(prev);
    free(ht);
    free(it);
    sg_run_free(&ctx);
    return c;
}

static int verdict(const sg_inv_checker *c, sg_inv_id id)
{
    return (int)sg_inv_get(c, id)->verdict;
}

static void expect_all_held(sg_loss_kind loss)
{
    sg_config cfg;
    small_config(&cfg, loss);
    sg_inv_checker *c = drive(&cfg, C_NONE, -1);
    for (int id = SG_INV_SIGN; id <= SG_INV_RATE; id++) {
        if (verdict(c, (sg_inv_id)id) != SG_HELD)
            printf("\n  %s: %s (%s)\n", sg_inv_name((sg_inv_id)id),
                   sg_verdict_name(sg_inv_get(c, (sg_inv_id)id)->verdict),
                   sg_inv_get(c, (sg_inv_id)id)->reason);
        CU_ASSERT_EQUAL(verdict(c, (sg_inv_id)id), SG_HELD);
    }
    for (int id = SG_INV_BOUND; id < SG_INV_COUNT; id++)
        CU_ASSERT_EQUAL(verdict(c, (sg_inv_id)id), SG_NOT_APPLICABLE);
    const sg_inv_phases *ph = sg_inv_get_phases(c);
    CU_ASSERT(ph->T1_observed > 0 && ph->T1_observed <= ph->T1_theory);
    CU_ASSERT(ph->T2_end >= ph->T1_observed);
    CU_ASSERT(ph->rate > 0.0 && ph->rate < 1.0);
    sg_inv_free(c);
}

static void test_correct_empirical(void) { expect_all_held(SG_LOSS_EMPIRICAL); }
static void test_correct_population(void) { expect_all_held(SG_LOSS_POPULATION); }

/* one corruption: that ID violated, first violation where expected */
static void expect_violation(int kind, long at, sg_inv_id id, long first)
{
    sg_config cfg;
    small_config(&cfg, SG_LOSS_EMPIRICAL);
    sg_inv_checker *c = drive(&cfg, kind, at);
    const sg_inv_result *r = sg_inv_get(c, id);
    CU_ASSERT_EQUAL(r->verdict, SG_VIOLATED);
    CU_ASSERT_EQUAL(r->first_violation, first);
    CU_ASSERT(r->worst_margin < 0.0);
    sg_inv_free(c);
}

static void test_sign_flipped(void) { expect_violation(C_SIGN, 300, SG_INV_SIGN, 300); }
static void test_rotated_after_alignment(void)
{
    /* T1 of this run is 159 (see test_correct_empirical); rotate from 300 */
    expect_violation(C_ROTATE, 300, SG_INV_ALIGN, 300);
}
static void test_ascent_step(void) { expect_violation(C_ASCENT, 250, SG_INV_DESCENT, 251); }
static void test_perturbed_imbalance(void) { expect_violation(C_IMBAL, 200, SG_INV_IMBAL, 200); }
static void test_homog_broken(void) { expect_violation(C_HOMOG, 100, SG_INV_HOMOG, 100); }

/* ---- synthetic trajectories (d = 2, a = e_1) for PHASES, GROWTH-END, RATE ---- */

typedef struct {
    double a[2], sign0[2];
    sg_inv_problem p;
    sg_inv_thresholds th;
} synth;

static void synth_init(synth *s, double mu)
{
    s->a[0] = 1.0;
    s->a[1] = 0.0;
    s->sign0[0] = 1.0;
    s->sign0[1] = -1.0;
    sg_inv_problem p = {2, 2, mu, 1e-4, s->a, s->sign0, 1000, 0, 0};
    s->p = p;
    sg_inv_thresholds_default(&s->th);
}

static int json_valid(const char *s);

static int count_str(const char *s, const char *pat)
{
    int n = 0;
    for (const char *p = strstr(s, pat); p; p = strstr(p + 1, pat))
        n++;
    return n;
}

/* state with both neurons at angle alpha (deg) to their rays, |w_j| = r, |v_j| = v */
static void synth_state(sg_inv_checker *c, long t, double alpha, double r, double v,
                        double loss)
{
    double al = alpha * M_PI / 180.0;
    double th[6] = {r * cos(al), r * sin(al), -r * cos(al), -r * sin(al), v, -v};
    double g[6] = {0, 0, 0, 0, 0, 0};
    double tol[2] = {1, 1};
    sg_inv_state_rec s = {t, th, g, loss, 0.0, NULL, tol};
    sg_inv_state(c, &s);
}

static void test_phases_violated(void)
{
    synth s;
    synth_init(&s, 10.0); /* T1_theory = ceil(404/10) = 41 */
    sg_inv_checker *c = sg_inv_new("double", &s.p, &s.th);
    CU_ASSERT_EQUAL(sg_inv_get_phases(c)->T1_theory, 41);
    for (long t = 0; t <= 60; t++)
        synth_state(c, t, t < 60 ? 30.0 : 5.0, 1e-4, 1e-4, 0.5);
    sg_inv_finish(c);
    CU_ASSERT_EQUAL(sg_inv_get_phases(c)->T1_observed, 60);
    CU_ASSERT_EQUAL(sg_inv_get(c, SG_INV_PHASES)->verdict, SG_VIOLATED);
    CU_ASSERT_EQUAL(sg_inv_get(c, SG_INV_PHASES)->first_violation, 60);
    sg_inv_free(c);
}

static void test_phases_theory_values(void)
{
    CU_ASSERT_EQUAL(sg_phase_T1_theory(0.1, 1.0), 4040);
    /* (32/0.1) ln(1/1e-4) = 320 * 9.2103... = 2947.3 */
    CU_ASSERT_EQUAL(sg_phase_T2_theory(0.1, 1.0, 1e-4), 2948);
    CU_ASSERT_EQUAL(sg_phase_T2_theory(0.1, 1.0, 2.0), 0);
}

static void test_growth_end(void)
{
    synth s;
    synth_init(&s, 0.1);
    /* balanced growth: held */
    sg_inv_checker *c = sg_inv_new("double", &s.p, &s.th);
    for (long t = 0; t <= 20; t++) {
        double r = 1e-3 * pow(1.5, (double)t);
        if (r > 1.0) r = 1.0;
        synth_state(c, t, 5.0, r, r, 0.5);
    }
    sg_inv_finish(c);
    CU_ASSERT_EQUAL(sg_inv_get(c, SG_INV_GROWTH_END)->verdict, SG_HELD);
    CU_ASSERT_EQUAL(sg_inv_get_phases(c)->growth_step, sg_inv_get_phases(c)->T2_end);
    sg_inv_free(c);
    /* |v| = 0.3 >= 1/4 but |w| = 0.6: b = 0.27 > 1/50 -> violated */
    c = sg_inv_new("double", &s.p, &s.th);
    synth_state(c, 0, 5.0, 1e-3, 1e-3, 0.5);
    synth_state(c, 1, 5.0, 0.6, 0.3, 0.4);
    sg_inv_finish(c);
    CU_ASSERT_EQUAL(sg_inv_get(c, SG_INV_GROWTH_END)->verdict, SG_VIOLATED);
    CU_ASSERT_EQUAL(sg_inv_get(c, SG_INV_GROWTH_END)->first_violation, 1);
    sg_inv_free(c);
}

/* phase 3 with dist^2 = D0 rho^t: RATE recovers rho; growing dist^2: violated */
static void rate_run(double rho, sg_verdict want)
{
    synth s;
    synth_init(&s, 0.1);
    sg_inv_checker *c = sg_inv_new("double", &s.p, &s.th);
    for (long t = 0; t <= 60; t++) {
        /* aligned (angle 0), balanced, |v_j||w_j| = 1 - e: dist^2 = 2 e^2 */
        double e = 0.1 * pow(rho, (double)t / 2.0);
        double m = 1.0 - e;
        double al = 0.0, r = sqrt(m);
        double th[6] = {r * cos(al), r * sin(al), -r * cos(al), -r * sin(al), r, -r};
        double g[6] = {0}, tol[2] = {1, 1};
        sg_inv_state_rec st = {t, th, g, 0.5 * e * e, 0.0, NULL, tol};
        sg_inv_state(c, &st);
    }
    sg_inv_finish(c);
    const sg_inv_result *r = sg_inv_get(c, SG_INV_RATE);
    CU_ASSERT_EQUAL(r->verdict, want);
    CU_ASSERT(fabs(sg_inv_get_phases(c)->rate - rho) < 1e-9);
    CU_ASSERT_EQUAL(sg_inv_get_phases(c)->rate_start, 0);
    sg_inv_free(c);
}

static void test_rate_geometric(void) { rate_run(0.9, SG_HELD); }
static void test_rate_not_decreasing(void) { rate_run(1.01, SG_VIOLATED); }

/* the MPFR side's feeding: residuals passed in are compared with their
   tolerances as given (no exact re-evaluation) */
static void mpfr_feed(double homog_res, double imbal_res, sg_verdict want_h, sg_verdict want_i)
{
    synth s;
    synth_init(&s, 0.1);
    sg_inv_checker *c = sg_inv_new("mpfr", &s.p, &s.th);
    CU_ASSERT_STRING_EQUAL(sg_inv_trajectory(c), "mpfr");
    double th[6] = {1e-3, 0, -1e-3, 0, 1e-3, -1e-3}, g[6] = {0};
    double hr[2] = {homog_res, 0}, ht[2] = {1e-30, 1e-30};
    double ir[2] = {0, imbal_res}, it[2] = {1e-30, 1e-30};
    for (long t = 0; t < 3; t++) {
        sg_inv_state_rec st = {t, th, g, 0.5, 1e-30, hr, ht};
        sg_inv_state(c, &st);
        sg_inv_step_rec sp = {t, th, g, th, ir, it, NULL};
        sg_inv_step(c, &sp);
    }
    sg_inv_finish(c);
    CU_ASSERT_EQUAL(sg_inv_get(c, SG_INV_HOMOG)->verdict, want_h);
    CU_ASSERT_EQUAL(sg_inv_get(c, SG_INV_IMBAL)->verdict, want_i);
    sg_inv_free(c);
}

static void test_mpfr_residuals(void)
{
    mpfr_feed(5e-31, -5e-31, SG_HELD, SG_HELD);
    mpfr_feed(2e-30, 0, SG_VIOLATED, SG_HELD);
    mpfr_feed(0, -2e-30, SG_HELD, SG_VIOLATED);
}

/* a violation in double only is a numerical artefact (JSON and table) */
static void test_artefact_label(void)
{
    synth s;
    synth_init(&s, 0.1);
    sg_inv_checker *dbl = sg_inv_new("double", &s.p, &s.th);
    sg_inv_checker *mp = sg_inv_new("mpfr", &s.p, &s.th);
    for (long t = 0; t < 5; t++) {
        synth_state(mp, t, 5.0, 1e-3, 1e-3, 0.5);
        synth_state(dbl, t, 5.0, 1e-3, t == 3 ? -1e-3 : 1e-3, 0.5); /* v_1 flips, v_2 too */
    }
    sg_inv_finish(dbl);
    sg_inv_finish(mp);
    CU_ASSERT_EQUAL(sg_inv_get(dbl, SG_INV_SIGN)->verdict, SG_VIOLATED);
    CU_ASSERT_EQUAL(sg_inv_get(mp, SG_INV_SIGN)->verdict, SG_HELD);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    sg_json j;
    sg_json_init(&j, fp);
    sg_json_open(&j, NULL);
    sg_inv_json(&j, dbl, mp);
    sg_json_close(&j);
    sg_json_end(&j);
    fclose(fp);
    CU_ASSERT(json_valid(buf));
    CU_ASSERT_EQUAL(count_str(buf, "\"numerical_artefact\": true"), 1);
    free(buf);
    fp = open_memstream(&buf, &len);
    sg_inv_table(fp, dbl, mp);
    fclose(fp);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "held*"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "numerical artefact"));
    free(buf);
    sg_inv_free(dbl);
    sg_inv_free(mp);
}

/* the exact residuals: identities hold exactly for an exact step */
static void test_exact_residuals(void)
{
    /* w = (3, 4), v = 5, g chosen with w.g = v gv: g = (1, 2), gv = 11/5 not
       exact; use v = 1: gv = 11; mu = 0.5 (exact step) */
    double w[2] = {3, 4}, g[2] = {1, 2}, v = 1, gv = 11, mu = 0.5;
    CU_ASSERT_EQUAL(sg_exact_homog(2, w, g, v, gv), 0.0);
    double w1[2] = {w[0] - mu * g[0], w[1] - mu * g[1]}, v1 = v - mu * gv;
    CU_ASSERT_EQUAL(sg_exact_imbal(2, mu, w, g, v, gv, w1, v1), 0.0);
    w1[0] += 1.0 / 1024;
    CU_ASSERT(sg_exact_imbal(2, mu, w, g, v, gv, w1, v1) != 0.0);
    /* catastrophic cancellation is exact: 1e16 + 1 - 1e16 style */
    double big[2] = {1e8, 1}, gz[2] = {1e8, 1};
    CU_ASSERT_EQUAL(sg_exact_homog(2, big, gz, 1e8, 1e8), 1.0);
}

/* ---- the stuck case and summary.json ---- */

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = '\0';
    fclose(fp);
    return b;
}

/* a strict recursive-descent JSON validator (RFC 8259 grammar) */
static const char *jv(const char *p);
static const char *jws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}
static const char *jstr(const char *p)
{
    if (*p++ != '"')
        return NULL;
    while (*p && *p != '"') {
        if ((unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
                        return NULL;
                p += 4;
            } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
        p++;
    }
    return *p == '"' ? p + 1 : NULL;
}
static const char *jnum(const char *p)
{
    if (*p == '-') p++;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (*p >= '0' && *p <= '9') p++;
    else return NULL;
    if (*p == '.') { p++; if (!(*p >= '0' && *p <= '9')) return NULL; while (*p >= '0' && *p <= '9') p++; }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!(*p >= '0' && *p <= '9')) return NULL;
        while (*p >= '0' && *p <= '9') p++;
    }
    return p;
}
static const char *jv(const char *p)
{
    p = jws(p);
    if (*p == '{') {
        p = jws(p + 1);
        if (*p == '}') return p + 1;
        for (;;) {
            p = jstr(jws(p));
            if (!p) return NULL;
            p = jws(p);
            if (*p++ != ':') return NULL;
            p = jv(p);
            if (!p) return NULL;
            p = jws(p);
            if (*p == ',') { p++; continue; }
            return *p == '}' ? p + 1 : NULL;
        }
    }
    if (*p == '[') {
        p = jws(p + 1);
        if (*p == ']') return p + 1;
        for (;;) {
            p = jv(p);
            if (!p) return NULL;
            p = jws(p);
            if (*p == ',') { p++; continue; }
            return *p == ']' ? p + 1 : NULL;
        }
    }
    if (*p == '"') return jstr(p);
    if (!strncmp(p, "true", 4)) return p + 4;
    if (!strncmp(p, "false", 5)) return p + 5;
    if (!strncmp(p, "null", 4)) return p + 4;
    return jnum(p);
}
static int json_valid(const char *s)
{
    const char *e = jv(s);
    return e && *jws(e) == '\0';
}

static void test_json_validator_rejects(void)
{
    CU_ASSERT(json_valid("{\"a\": [1, 2.5e-3, null, true, \"x\\n\"]}"));
    CU_ASSERT(!json_valid("{\"a\": nan}"));
    CU_ASSERT(!json_valid("{\"a\": 1,}"));
    CU_ASSERT(!json_valid("{\"a\": 1} x"));
}

static char tmpdir[64];

static int run_to(const sg_config *cfg0, const char *sub, char **json)
{
    sg_config cfg = *cfg0;
    snprintf(cfg.out_dir, sizeof cfg.out_dir, "%s/%s", tmpdir, sub);
    int rc = sg_run_main(&cfg);
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", cfg.out_dir);
    *json = slurp(path);
    return rc;
}

static void test_summary_json(void)
{
    sg_config cfg;
    small_config(&cfg, SG_LOSS_EMPIRICAL);
    char *js = NULL;
    CU_ASSERT_EQUAL_FATAL(run_to(&cfg, "json", &js), 0);
    CU_ASSERT_FATAL(js != NULL);
    CU_ASSERT(json_valid(js));
    char *inv = strstr(js, "\"invariants\": {");
    CU_ASSERT_FATAL(inv != NULL);
    for (int id = 0; id < SG_INV_COUNT; id++) {
        char key[64];
        snprintf(key, sizeof key, "\"%s\": {\n      \"verdict\": \"", sg_inv_name((sg_inv_id)id));
        CU_ASSERT_PTR_NOT_NULL(strstr(inv, key));
        if (!strstr(inv, key))
            printf("\n  missing %s\n", key);
    }
    const char *need[] = {"\"phases\": {", "\"T1_observed\": ", "\"T1_theory\": 4040",
                          "\"T2_observed\": ", "\"T2_theory\": ", "\"final\": {",
                          "\"distance_to_optimum\": {", "\"first_violation_step\": ",
                          "\"worst_margin\": ", "\"trajectory\": \"double\"",
                          "\"stationary_point\": {"};
    for (size_t q = 0; q < sizeof need / sizeof need[0]; q++)
        CU_ASSERT_PTR_NOT_NULL(strstr(js, need[q]));
    free(js);
}

/* k = 2, xavier init: the first seed whose two output weights share a sign */
static void test_same_sign_stuck(void)
{
    sg_config cfg;
    small_config(&cfg, SG_LOSS_POPULATION);
    RC(&cfg)->d = 100;          /* the paper's d; at d = 20 xavier's |v_j(0)| < |w_j(0)| often */
    RC(&cfg)->sigma = 1e-4;     /* lets an output weight change sign and escape the saddle     */
    RC(&cfg)->init = SG_INIT_XAVIER;
    cfg.steps = 1500;
    int found = 0;
    for (uint64_t seed = 1; seed < 64 && !found; seed++) {
        cfg.seed = seed;
        sg_run_ctx ctx;
        CU_ASSERT_FATAL(sg_run_setup(&ctx, &cfg) == 0);
        found = RELU(&ctx)->sign0[0] == RELU(&ctx)->sign0[1];
        sg_run_free(&ctx);
    }
    CU_ASSERT_FATAL(found);
    printf("[xavier seed %llu, equal signs] ", (unsigned long long)cfg.seed);
    char *js = NULL;
    CU_ASSERT_EQUAL(run_to(&cfg, "stuck", &js), 0);
    CU_ASSERT_FATAL(js != NULL);
    CU_ASSERT(json_valid(js));
    CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"same_sign_warning\": true"));
    CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"identified\": true"));
    CU_ASSERT_PTR_NOT_NULL(strstr(js, "stuck at a saddle: the 2 active output weights"));
    CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"predicted_stuck\": true"));
    CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"stuck\": true"));
    free(js);
    /* and a correct (opposite-sign) run identifies no stationary point */
    small_config(&cfg, SG_LOSS_POPULATION);
    CU_ASSERT_EQUAL(run_to(&cfg, "ok", &js), 0);
    CU_ASSERT_FATAL(js != NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"identified\": false"));
    free(js);
}

/* audit.gp plots the shadow's columns only when trajectory.csv has them */
static void plots_case(int with_shadow)
{
    sg_plot_setup cfg = {.plots = 0, .steps = 600, .setting = "empirical loss, d=100 k=2 n=2000",
                         .init = "theory", .sigma = 1e-4, .mu = 0.1, .seed = 1,
                         .align_deg = 9.0, .k = 2};
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/plots%d", tmpdir, with_shadow);
    cfg.dir = dir;
    CU_ASSERT_FATAL(sg_make_dir(cfg.dir) == 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/trajectory.csv", cfg.dir);
    FILE *fp = fopen(path, "w");
    CU_ASSERT_FATAL(fp != NULL);
    fprintf(fp, "step,loss,v_1,wnorm_1,angle_1,phase,dist2_opt,homog_ratio,imbal_ratio%s\n",
            with_shadow ? ",max_err_ratio,divergence" : "");
    fclose(fp);
    sg_inv_phases ph;
    memset(&ph, 0, sizeof ph);
    ph.T1_observed = 10;
    ph.T2_end = 20;
    char msg[512];
    CU_ASSERT_EQUAL(sg_plots_write(&cfg, &ph, msg, sizeof msg), 0);
    snprintf(path, sizeof path, "%s/audit.gp", cfg.dir);
    char *gp = slurp(path);
    CU_ASSERT_FATAL(gp != NULL);
    CU_ASSERT_EQUAL(strstr(gp, "column('max_err_ratio')") != NULL, with_shadow);
    CU_ASSERT_EQUAL(strstr(gp, "column('divergence')") != NULL, with_shadow);
    CU_ASSERT_EQUAL(strstr(gp, "no MPFR shadow in this run") != NULL, !with_shadow);
    free(gp);
    snprintf(path, sizeof path, "%s/fig3.gp", cfg.dir);
    gp = slurp(path);
    CU_ASSERT_FATAL(gp != NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set object 1 rect from 0, graph 0 to 10"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set object 2 rect from 10, graph 0 to 20"));
    free(gp);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "--no-plots"));
}

static void test_plots_columns(void)
{
    plots_case(0);
    plots_case(1);
}

#ifdef SG_HAVE_SHADOW_FEED
/* with the MPFR shadow merged: the mpfr column is filled, agrees with the
   double one on a correct run, and BOUND/FLIPS/DIVERGE come from the shadow */
static void test_mpfr_column(void)
{
    sg_config cfg;
    small_config(&cfg, SG_LOSS_EMPIRICAL);
    char *js = NULL;
    CU_ASSERT_EQUAL_FATAL(run_to(&cfg, "mpfr", &js), 0);
    CU_ASSERT_FATAL(js != NULL);
    CU_ASSERT(json_valid(js));
    CU_ASSERT(count_str(js, "\"trajectory\": \"mpfr\"") >= SG_INV_COUNT);
    CU_ASSERT_PTR_NULL(strstr(js, "\"numerical_artefact\": true"));
    CU_ASSERT_PTR_NULL(strstr(js, "\"numerical_artefact\": null"));
    const char *held[] = {"SIGN", "ALIGN", "IMBAL", "HOMOG", "DESCENT", "PHASES",
                          "GROWTH-END", "RATE", "BOUND", "FLIPS", "DIVERGE"};
    for (size_t q = 0; q < sizeof held / sizeof held[0]; q++) {
        char key[64];
        snprintf(key, sizeof key, "\"%s\": {\n      \"verdict\": \"held\"", held[q]);
        CU_ASSERT_PTR_NOT_NULL(strstr(js, key));
        if (!strstr(js, key))
            printf("\n  %s not held\n", held[q]);
    }
    /* the MPFR trajectory's own verdicts on the theory's IDs */
    CU_ASSERT(count_str(js, "\"mpfr\": {\n        \"verdict\": \"held\"") >= 8);
    free(js);
}
#endif

static int suite_init(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sg_inv_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int suite_clean(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int register_invariants_suite(void)
{
    CU_pSuite s = CU_add_suite("invariants", suite_init, suite_clean);
    if (!s)
        return -1;
    struct { const char *name; void (*fn)(void); } t[] = {
        {"correct empirical run: every checker held", test_correct_empirical},
        {"correct population run: every checker held", test_correct_population},
        {"SIGN: flipped output weight -> violated", test_sign_flipped},
        {"ALIGN: neuron rotated away after T1 -> violated", test_rotated_after_alignment},
        {"DESCENT: an ascent step -> violated", test_ascent_step},
        {"IMBAL: perturbed b+ -> violated", test_perturbed_imbalance},
        {"HOMOG: gradient off the identity -> violated", test_homog_broken},
        {"PHASES: T1 beyond the theory's bound -> violated", test_phases_violated},
        {"PHASES: theory values", test_phases_theory_values},
        {"GROWTH-END: held / unbalanced -> violated", test_growth_end},
        {"RATE: geometric decrease recovered", test_rate_geometric},
        {"RATE: no decrease -> violated", test_rate_not_decreasing},
        {"exact residuals", test_exact_residuals},
        {"double-only violation labelled a numerical artefact", test_artefact_label},
        {"MPFR-side feeding: given residuals vs tolerances", test_mpfr_residuals},
        {"JSON validator rejects bad input", test_json_validator_rejects},
        {"summary.json valid, every ID", test_summary_json},
        {"k = 2 same signs: stuck saddle named", test_same_sign_stuck},
        {"figures: audit view uses the shadow's columns when present", test_plots_columns},
#ifdef SG_HAVE_SHADOW_FEED
        {"MPFR shadow merged: mpfr column filled and held", test_mpfr_column},
#endif
    };
    for (size_t q = 0; q < sizeof t / sizeof t[0]; q++)
        if (!CU_add_test(s, t[q].name, t[q].fn))
            return -1;
    return 0;
}
