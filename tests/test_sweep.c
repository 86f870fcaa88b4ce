/* test_sweep.c -- the sweep layer's pure parts: Wilson interval against
 * published values, quantiles, the JSON reader, the spec parser and the
 * trial numbering. */
#include "io/jsonread.h"
#include "sweep/spec.h"
#include "sweep/stats.h"
#include "sweep/table.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* R. G. Newcombe, "Two-sided confidence intervals for the single proportion:
   comparison of seven methods", Stat. Med. 17 (1998) 857-872, Table I,
   method 3 (Wilson score, no continuity correction), 4 decimals. */
static void test_wilson_newcombe(void)
{
    static const struct { long x, n; double lo, hi; } t[] = {
        {81, 263, 0.2553, 0.3662}, {15, 148, 0.0624, 0.1605},
        {0, 20, 0.0000, 0.1611}, {1, 29, 0.0061, 0.1718},
    };
    for (size_t q = 0; q < sizeof t / sizeof t[0]; q++) {
        double lo, hi;
        CU_ASSERT_EQUAL(sw_wilson(t[q].x, t[q].n, SW_Z95, &lo, &hi), 0);
        CU_ASSERT(fabs(lo - t[q].lo) <= 0.5e-4);
        CU_ASSERT(fabs(hi - t[q].hi) <= 0.5e-4);
    }
}

static void test_wilson_edges(void)
{
    double lo, hi;
    /* x = n: the mirror image of x = 0 */
    CU_ASSERT_EQUAL(sw_wilson(20, 20, SW_Z95, &lo, &hi), 0);
    CU_ASSERT(fabs(lo - (1.0 - 0.16112515805281938)) < 1e-15 && hi == 1.0);
    /* 5/10: symmetric about 1/2, 0.2366 .. 0.7634 */
    CU_ASSERT_EQUAL(sw_wilson(5, 10, SW_Z95, &lo, &hi), 0);
    CU_ASSERT(fabs(lo + hi - 1.0) < 1e-15 && fabs(lo - 0.2366) < 0.5e-4);
    /* a broken interval (the Wald one) would fail here: it is [0, 0] at x = 0 */
    CU_ASSERT_EQUAL(sw_wilson(0, 10, SW_Z95, &lo, &hi), 0);
    CU_ASSERT(lo == 0.0 && hi > 0.27 && hi < 0.28);
    CU_ASSERT_EQUAL(sw_wilson(0, 0, SW_Z95, &lo, &hi), 0);
    CU_ASSERT(isnan(lo) && isnan(hi));
    CU_ASSERT_EQUAL(sw_wilson(3, 2, SW_Z95, &lo, &hi), -1);
    CU_ASSERT_EQUAL(sw_wilson(-1, 2, SW_Z95, &lo, &hi), -1);
}

static void test_quantile(void)
{
    double v[] = {7, 1, 3, 5}, one[] = {4};
    /* type 7 (numpy default): quartiles of 1 3 5 7 are 2.5, 4, 5.5 */
    CU_ASSERT_DOUBLE_EQUAL(sw_quantile(v, 4, 0.25), 2.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(sw_quantile(v, 4, 0.5), 4.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(sw_quantile(v, 4, 0.75), 5.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(sw_quantile(v, 4, 1.0), 7.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(sw_quantile(one, 1, 0.25), 4.0, 0);
    CU_ASSERT(isnan(sw_quantile(v, 0, 0.5)));
}

static sg_jv *parse(const char *s, char *err)
{
    return sg_jread_mem(s, strlen(s), err, 200);
}

static void test_jsonread_good(void)
{
    char err[200];
    sg_jv *r = parse(" {\"a\": {\"b\": [1, -0.5e-3, true, null, \"x\\u00e9\\ud83d\\ude00\\n\"]},"
                     " \"c\": 1.0000000000000002, \"d\": {}} ", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    const sg_jv *b = sg_jget(r, "a.b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->kind, SG_JV_ARR);
    const sg_jv *e = b->child;
    CU_ASSERT(e->kind == SG_JV_NUM && e->num == 1.0);
    e = e->next;
    CU_ASSERT(e->kind == SG_JV_NUM && e->num == -0.5e-3 && strcmp(e->text, "-0.5e-3") == 0);
    e = e->next;
    CU_ASSERT(e->kind == SG_JV_BOOL && e->num == 1.0);
    e = e->next;
    CU_ASSERT(e->kind == SG_JV_NULL);
    e = e->next;
    CU_ASSERT(e->kind == SG_JV_STR && strcmp(e->text, "x\xc3\xa9\xf0\x9f\x98\x80\n") == 0);
    /* the token text is kept: a gathered CSV copies it byte for byte */
    CU_ASSERT_STRING_EQUAL(sg_jget(r, "c")->text, "1.0000000000000002");
    CU_ASSERT(sg_jget(r, "c")->num == 1.0000000000000002);
    CU_ASSERT_PTR_NULL(sg_jget(r, "a.b.c"));
    CU_ASSERT_PTR_NULL(sg_jget(r, "zz"));
    CU_ASSERT_PTR_NOT_NULL(sg_jget(r, "d"));
    sg_jfree(r);
}

static void test_jsonread_bad(void)
{
    static const char *const bad[] = {
        "", "{", "{\"a\" 1}", "{\"a\": 1,}", "[1 2]", "[01]", "[1.]", "[.5]", "[1e]", "[-]",
        "\"abc", "\"a\\x\"", "\"\\ud800\"", "\"\\u0000\"", "[\"a\tb\"]", "tru", "nul", "{} x",
        "{a: 1}", "[1,]",
    };
    char err[200];
    for (size_t q = 0; q < sizeof bad / sizeof bad[0]; q++) {
        err[0] = '\0';
        sg_jv *r = parse(bad[q], err);
        CU_ASSERT_PTR_NULL(r);
        CU_ASSERT(err[0] != '\0');
        if (r) {
            fprintf(stderr, "accepted bad JSON: %s\n", bad[q]);
            sg_jfree(r);
        }
    }
    /* nesting beyond the limit is refused, not a stack overflow */
    char deep[2 * SG_JREAD_DEPTH + 8];
    memset(deep, '[', SG_JREAD_DEPTH + 2);
    memset(deep + SG_JREAD_DEPTH + 2, ']', SG_JREAD_DEPTH + 2);
    deep[2 * SG_JREAD_DEPTH + 4] = '\0';
    CU_ASSERT_PTR_NULL(parse(deep, err));
}

static void test_spec_and_table(void)
{
    sw_spec s;
    const char *text = "# c\nfixed --d 5 --no-shadow-trajectory  # trailing\n"
                       "grid --init theory xavier\ngrid --n 10 20 40\nseeds 2\nseed-base 7\n"
                       "success final.rel_error 1e-2\n";
    CU_ASSERT_EQUAL_FATAL(sw_spec_parse(text, "t", &s), 0);
    CU_ASSERT_EQUAL(sw_spec_trials(&s), 12);
    CU_ASSERT_EQUAL(s.metric, SW_METRIC_FINAL);
    CU_ASSERT(s.threshold == 1e-2);
    /* trial 7 = grid point 3 (init xavier, n 10), seed index 1 */
    CU_ASSERT_EQUAL(sw_trial_value(&s, 7, 0), 1);
    CU_ASSERT_EQUAL(sw_trial_value(&s, 7, 1), 0);
    CU_ASSERT_EQUAL(sw_trial_seed(&s, 7), 8u);
    CU_ASSERT_EQUAL(sw_trial_seed(&s, 6), 7u);
    char *csv = sw_table_csv(&s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    CU_ASSERT(strncmp(csv, "index,seed,init,n,options\n0,7,theory,10,--d 5 "
                           "--no-shadow-trajectory --init theory --n 10\n", 80) == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n7,8,xavier,10,--d 5 --no-shadow-trajectory "
                                       "--init xavier --n 10\n"));
    free(csv);
    sw_spec_free(&s);
    /* rejected (the message goes to stderr; tests/sweep.sh checks it is one line) */
    static const char *const bad[] = {
        "", "seeds 3\n", "grid --k\n", "fixed --out x\n", "fixed --d 1\nfixed --d 2\n",
        "grid --d 1 1\n", "fixed --d 1\nsuccess loss_rel 0\n", "fixed --d $HOME\n",
    };
    for (size_t q = 0; q < sizeof bad / sizeof bad[0]; q++)
        CU_ASSERT_EQUAL(sw_spec_parse(bad[q], "bad", &s), 2);
}

int register_sweep_suite(void)
{
    CU_pSuite s = CU_add_suite("sweep", NULL, NULL);
    if (!s || !CU_add_test(s, "Wilson interval vs Newcombe 1998", test_wilson_newcombe) ||
        !CU_add_test(s, "Wilson interval edge cases", test_wilson_edges) ||
        !CU_add_test(s, "type-7 quantiles", test_quantile) ||
        !CU_add_test(s, "JSON reader: values and paths", test_jsonread_good) ||
        !CU_add_test(s, "JSON reader: malformed input rejected", test_jsonread_bad) ||
        !CU_add_test(s, "spec parser and trial numbering", test_spec_and_table))
        return -1;
    return 0;
}
