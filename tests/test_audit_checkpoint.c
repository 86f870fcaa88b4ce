/* test_audit_checkpoint.c -- the invariant audit's checkpoint section
 * (audit.h, invariants.h: sg_audit_save/load, sg_inv_save/load).
 *
 *  - A run checkpointed mid-way (before T1, and inside the RATE window),
 *    restored into a fresh context and continued gives the same trajectory
 *    rows, the same "invariants"/"phases"/"stationary_point" JSON and the
 *    same reports (verdict table) as the run that went on, with the MPFR
 *    shadow and both checkers (double and mpfr) on; both losses.
 *  - save -> load -> save is the identity on the bytes.
 *  - Every truncation, a trailing byte, every bit flip of the configuration
 *    part and out-of-range fields are rejected (-1), and a rejected load
 *    leaves the audit as it was; a run of other dimensions rejects it.
 */
#include "test_util.h"
#include "audit/relu/audit.h"
#include "io/binio.h"
#include "run/checkpoint.h"
#include "app/cli.h"
#include "kernels/relu/empirical.h"
#include "io/json.h"
#include "shadow/relu/shadow_audit.h"
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

/* k = 2 with opposite signs: T1 = 130, RATE window [130, 300] */
static void config(sg_config *c, int population, const char *steps, const char *d)
{
    static char *argv[4][20];
    static int slot;
    char **a = argv[slot++ & 3];
    char *v[] = {"run", "--d", (char *)d, "--k", "2", "--n", "30", "--steps", (char *)steps,
                 "--sigma", "1e-2", "--mu", "0.2", "--checkpoint-every", "10", "--loss",
                 population ? "population" : "empirical", NULL};
    memcpy(a, v, sizeof v);
    sg_config_defaults(c);
    CU_ASSERT_FATAL(sg_cli_parse_run(17, a, c) == 0);
    CU_ASSERT_FATAL(c->shadow_trajectory && c->audit_every == 1); /* MPFR column on */
}

static int make(sg_run_ctx *ctx, int population, const char *steps, const char *d)
{
    sg_config c;
    config(&c, population, steps, d);
    return sg_run_setup(ctx, &c) == 0 && sg_run_register_observers(ctx) == 0 ? 0 : -1;
}

/* one pass of the run loop (run.c, without its checks): observe theta_t
   and log row t; below the last step, the update and after_update.
   0 after the last row. */
static int advance(sg_run_ctx *ctx, FILE *csv)
{
    long len = ctx->len;
    ctx->loss = ctx->model->loss_grad(ctx->m, ctx->theta, &ctx->grad);
    if (ctx->step == 0)
        ctx->loss0 = ctx->loss;
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].observe)
            ctx->obs[q].observe(ctx->obs[q].self, ctx);
    fprintf(csv, "%ld,%.17g", ctx->step, ctx->loss);
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].csv_row)
            ctx->obs[q].csv_row(ctx->obs[q].self, csv);
    fputc('\n', csv);
    ctx->nrows++;
    if (ctx->step >= ctx->cfg.steps)
        return 0;
    memcpy(ctx->theta_prev, ctx->theta, (size_t)len * sizeof(double));
    sg_gd_update((int)len, ctx->cfg.mu, RELU(ctx)->ws.grad, ctx->theta);
    ctx->step++;
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].after_update)
            ctx->obs[q].after_update(ctx->obs[q].self, ctx, ctx->theta_prev);
    return 1;
}

/* the audit's summary members, then every observer's report (the shadow's
   summary has wall-clock members and is left out) */
static char *outputs(sg_run_ctx *ctx)
{
    char *mem = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&mem, &n);
    sg_json j;
    sg_json_init(&j, fp);
    sg_json_open(&j, NULL);
    for (int q = 0; q < ctx->nobs; q++)
        if (strcmp(ctx->obs[q].name, "invariants") == 0)
            ctx->obs[q].summary(ctx->obs[q].self, &j);
    sg_json_close(&j);
    sg_json_end(&j);
    for (int q = 0; q < ctx->nobs; q++)
        if (ctx->obs[q].report)
            ctx->obs[q].report(ctx->obs[q].self, fp);
    fclose(fp);
    return mem;
}

/* the audit's section */
static unsigned char *save(sg_run_ctx *ctx, size_t *len)
{
    char *mem = NULL;
    FILE *fp = open_memstream(&mem, len);
    int rc = sg_audit_save(sg_audit_of(ctx), fp);
    fclose(fp);
    CU_ASSERT(rc == 0);
    return (unsigned char *)mem;
}

/* sg_audit_load of p[0..n) (as the checkpoint layer calls it) */
static int load(sg_run_ctx *ctx, const unsigned char *p, size_t n)
{
    static const unsigned char empty[1] = {0};
    FILE *fp = fmemopen((void *)(n ? p : empty), n ? n : 1, "rb");
    if (!fp)
        return -2;
    int rc = sg_audit_load(sg_audit_of(ctx), fp, n);
    fclose(fp);
    return rc;
}

/* checkpoint at step t, resume a fresh context from it, continue both */
static void resume_at(int population, long t)
{
    sg_run_ctx a, b;
    CU_ASSERT_FATAL(make(&a, population, "300", "4") == 0);
    char *ca = NULL, *cb = NULL;
    size_t na = 0, nb = 0;
    FILE *fa = open_memstream(&ca, &na), *fb = open_memstream(&cb, &nb);
    while (a.step < t)
        advance(&a, fa);
    const sg_inv_phases *ph = sg_inv_get_phases(sg_audit_double(sg_audit_of(&a)));
    /* the state carried across: before T1, or phase 3 with a RATE series */
    CU_ASSERT(t < 130 ? ph->T1_observed < 0 && ph->plateau_step >= 0
                      : ph->T1_observed >= 0 && ph->T2_end >= 0);
    unsigned char *buf;
    size_t len;
    CU_ASSERT_FATAL(sg_ckpt_encode(&a, &buf, &len) == 0);
    sg_ckpt ck;
    char err[256];
    CU_ASSERT_FATAL(sg_ckpt_parse(buf, len, &ck, sg_cli_parse_run, err, sizeof err) == 0);
    CU_ASSERT_FATAL(sg_run_setup(&b, &ck.cfg) == 0 && sg_run_register_observers(&b) == 0);
    CU_ASSERT_FATAL(sg_ckpt_apply(&b, &ck, err, sizeof err) == 0);
    /* the audit's bytes came back exactly */
    size_t la, lb;
    unsigned char *sa = save(&a, &la), *sb = save(&b, &lb);
    CU_ASSERT(la == lb && memcmp(sa, sb, la) == 0);
    free(sa);
    free(sb);
    fflush(fa);
    size_t mark = na;
    while (advance(&a, fa))
        ;
    while (advance(&b, fb))
        ;
    fclose(fa);
    fclose(fb);
    CU_ASSERT(na - mark == nb && memcmp(ca + mark, cb, nb) == 0);
    char *oa = outputs(&a), *ob = outputs(&b);
    CU_ASSERT_STRING_EQUAL(oa, ob);
    /* both columns were filled and the phases reached */
    CU_ASSERT(strstr(oa, "\"mpfr\": {") != NULL);
    CU_ASSERT(strstr(oa, "T1 = 130") != NULL || population);
    CU_ASSERT(strstr(oa, "phase-3 rate") != NULL);
    if (strcmp(oa, ob) != 0) { /* show where */
        size_t i = 0;
        while (oa[i] && oa[i] == ob[i])
            i++;
        fprintf(stderr, "\nfirst difference at %zu:\n%.200s\n---\n%.200s\n", i,
                oa + (i > 60 ? i - 60 : 0), ob + (i > 60 ? i - 60 : 0));
    }
    free(oa);
    free(ob);
    free(ca);
    free(cb);
    free(buf);
    sg_ckpt_free(&ck);
    sg_run_free(&a);
    sg_run_free(&b);
}

static void test_resume_before_T1(void) { resume_at(0, 60); }
static void test_resume_in_rate_window(void) { resume_at(0, 200); }
static void test_resume_population(void) { resume_at(1, 200); }

/* offsets in the section (audit.h, invariants.h): the audit header, the
   double checker's length, its header */
enum {
    OFF_FLAGS = 12, OFF_D = 16, OFF_K = 20, OFF_STEPS = 24, OFF_LEN = 32, OFF_C = 40,
    /* in the checker section: name "double" (4 + 6 bytes) from 12 */
    C_D = 22, C_K = 26, C_CLASS = 30, C_STEPS = 34, C_STARTED = 130, C_LAST_STEP = 142,
    C_PHASE = 174, C_REASON = 214
};

static void put32(unsigned char *p, uint32_t x) { sg_le_enc32(p, x); }
static void put64(unsigned char *p, uint64_t x) { sg_le_enc64(p, x); }

static void test_rejects(void)
{
    sg_run_ctx a, b;
    CU_ASSERT_FATAL(make(&a, 0, "300", "4") == 0);
    CU_ASSERT_FATAL(make(&b, 0, "300", "4") == 0);
    char *ca = NULL;
    size_t na = 0;
    FILE *fa = open_memstream(&ca, &na);
    while (a.step < 150)
        advance(&a, fa);
    fclose(fa);
    free(ca);
    size_t len, lb0;
    unsigned char *buf = save(&a, &len), *b0 = save(&b, &lb0);
    CU_ASSERT_EQUAL(sg_le_dec32(buf + OFF_FLAGS), 3u); /* MPFR checker and feed */
    CU_ASSERT_EQUAL(sg_le_dec32(buf + OFF_C + C_PHASE), 3u);
    /* saved after the update to theta_150, before observe(theta_150) */
    CU_ASSERT_EQUAL(sg_le_dec64(buf + OFF_C + C_LAST_STEP), 149u);
    unsigned char *p = malloc(len + 1);
    int accepted = 0;
    /* every truncation */
    for (size_t cut = 0; cut < len; cut++)
        accepted += load(&b, buf, cut) == 0;
    CU_ASSERT_EQUAL(accepted, 0);
    /* a trailing byte */
    memcpy(p, buf, len);
    p[len] = 0;
    CU_ASSERT(load(&b, p, len + 1) == -1);
    /* every bit flip of the configuration part: audit header, length, the
       checker's header up to its first state field (flags apart: below) */
    for (size_t q = 0; q < OFF_C + C_STARTED; q++)
        for (int bit = 0; bit < 8 && (q < OFF_FLAGS || q >= OFF_FLAGS + 4); bit++) {
            memcpy(p, buf, len);
            p[q] ^= (unsigned char)(1u << bit);
            accepted += load(&b, p, len) == 0;
        }
    CU_ASSERT_EQUAL(accepted, 0);
    /* fields out of range (each on a fresh copy) */
    struct { size_t off; int w; uint64_t v; } bad[] = {
        {OFF_FLAGS, 4, 0},   /* no MPFR checker: its section is trailing */
        {OFF_FLAGS, 4, 2},   /* a feed without an MPFR checker */
        {OFF_FLAGS, 4, 7},   /* unknown flag */
        {OFF_D, 4, 5}, {OFF_K, 4, 3}, {OFF_STEPS, 8, 301},
        {OFF_LEN, 8, 0}, {OFF_LEN, 8, UINT64_MAX},
        {OFF_C + C_D, 4, 5}, {OFF_C + C_K, 4, 3}, {OFF_C + C_CLASS, 4, 1},
        {OFF_C + C_STEPS, 8, 299}, {OFF_C + C_STARTED, 4, 0}, {OFF_C + C_STARTED, 4, 2},
        {OFF_C + C_LAST_STEP, 8, 301}, {OFF_C + C_LAST_STEP, 8, (uint64_t)-2},
        {OFF_C + C_LAST_STEP, 8, 10}, /* fewer states than the series holds */
        {OFF_C + C_PHASE, 4, 0}, {OFF_C + C_PHASE, 4, 4},
        {OFF_C + C_REASON, 4, 1000}, /* growth_reason longer than its buffer */
    };
    for (size_t q = 0; q < sizeof bad / sizeof bad[0]; q++) {
        memcpy(p, buf, len);
        if (bad[q].w == 4)
            put32(p + bad[q].off, (uint32_t)bad[q].v);
        else
            put64(p + bad[q].off, bad[q].v);
        int rc = load(&b, p, len);
        CU_ASSERT_EQUAL(rc, -1);
        if (rc != -1)
            fprintf(stderr, "\naccepted: field at %zu = %llu\n", bad[q].off,
                    (unsigned long long)bad[q].v);
    }
    /* the results and the series (behind the variable-length reason) */
    size_t rl = sg_le_dec32(buf + OFF_C + C_REASON);
    size_t res0 = OFF_C + C_REASON + 4 + rl + 8 + 8 + 4; /* first result */
    CU_ASSERT_EQUAL(sg_le_dec32(buf + res0 - 4), (uint32_t)SG_INV_COUNT + 2);
    struct { size_t off; int w; uint64_t v; } bad2[] = {
        {res0 - 4, 4, SG_INV_COUNT},        /* result count */
        {res0, 4, 3},                       /* verdict */
        {res0 + 4, 8, 301},                 /* first violation after the last step */
        {res0 + 4, 8, (uint64_t)-2},
        {res0 + 20, 8, (uint64_t)-1},       /* checked < 0 */
        {res0 + 28, 4, 320},                /* reason too long */
    };
    for (size_t q = 0; q < sizeof bad2 / sizeof bad2[0]; q++) {
        memcpy(p, buf, len);
        if (bad2[q].w == 4)
            put32(p + bad2[q].off, (uint32_t)bad2[q].v);
        else
            put64(p + bad2[q].off, bad2[q].v);
        CU_ASSERT_EQUAL(load(&b, p, len), -1);
    }
    /* the RATE fits of the double checker: its section ends with i64
       T1_empirical, i64 growth_start, u32 count (9), 9 fits of i64 start,
       first, last, n, u32 closed, f64 x 9 (108 bytes); O(1) in the steps */
    uint64_t clen = sg_le_dec64(buf + OFF_LEN);
    /* ... followed by u32 k (2) and k x (i64, i64) per-neuron alignment steps */
    size_t fits = OFF_C + (size_t)clen - 9 * 108 - 36, fit1 = fits + 108;
    CU_ASSERT_EQUAL(sg_le_dec32(buf + OFF_C + clen - 36), 2u);
    CU_ASSERT_EQUAL(sg_le_dec32(buf + fits - 4), 9u);
    CU_ASSERT_EQUAL(sg_le_dec64(buf + fit1), 0u);        /* fit 1 starts at step 0 */
    CU_ASSERT_EQUAL(sg_le_dec64(buf + fit1 + 8), 0u);    /* first value: state 0 */
    CU_ASSERT_EQUAL(sg_le_dec64(buf + fit1 + 16), 149u); /* last: state 149 */
    CU_ASSERT_EQUAL(sg_le_dec64(buf + fit1 + 24), 150u); /* 150 values */
    struct { size_t off; int w; uint64_t v; } sv[] = {
        {fits - 4, 4, 8},                    /* fit count */
        {fits - 12, 8, 301},                 /* growth_start after the last step */
        {fits - 20, 8, (uint64_t)-2},        /* T1_empirical */
        {fit1, 8, 301},                      /* start after the last step */
        {fit1 + 8, 8, (uint64_t)-2},         /* first */
        {fit1 + 16, 8, 150},                 /* last: a state not fed */
        {fit1 + 24, 8, 151},                 /* n != last - first + 1 */
        {fit1 + 24, 8, 0},                   /* n = 0 with a first value */
        {fit1 + 32, 4, 2},                   /* closed */
        {fits + 9 * 108, 4, 3},              /* neuron count != k */
        {fits + 9 * 108 + 4, 8, 150},        /* alignment step of a state not fed */
        {fits + 9 * 108 + 12, 8, (uint64_t)-2},
    };
    for (size_t q = 0; q < sizeof sv / sizeof sv[0]; q++) {
        memcpy(p, buf, len);
        if (sv[q].w == 4)
            put32(p + sv[q].off, (uint32_t)sv[q].v);
        else
            put64(p + sv[q].off, sv[q].v);
        int rc = load(&b, p, len);
        CU_ASSERT_EQUAL(rc, -1);
        if (rc != -1)
            fprintf(stderr, "\naccepted: fit field %zu\n", q);
    }
    /* a random corruption anywhere is either rejected or, when it only
       changes a value, taken exactly: save gives the corrupted bytes back */
    srand(12345);
    for (int q = 0; q < 2000; q++) {
        memcpy(p, buf, len);
        p[rand() % (int)len] ^= (unsigned char)(1u << (rand() % 8));
        if (load(&b, p, len) == 0) {
            size_t l2;
            unsigned char *s2 = save(&b, &l2);
            CU_ASSERT(l2 == len && memcmp(s2, p, len) == 0);
            free(s2);
            CU_ASSERT(load(&b, b0, lb0) == 0); /* back to the fresh state */
        }
    }
    /* nothing rejected changed b: it still saves its fresh state */
    size_t lb1;
    unsigned char *b1 = save(&b, &lb1);
    CU_ASSERT(lb1 == lb0 && memcmp(b0, b1, lb0) == 0);
    free(b1);
    /* the intact section loads, and saves back to the same bytes */
    CU_ASSERT(load(&b, buf, len) == 0);
    b1 = save(&b, &lb1);
    CU_ASSERT(lb1 == len && memcmp(buf, b1, len) == 0);
    free(b1);
    free(b0);
    free(p);
    sg_run_free(&b);
    /* runs of other dimensions reject it */
    CU_ASSERT_FATAL(make(&b, 0, "301", "4") == 0);
    CU_ASSERT(load(&b, buf, len) == -1);
    sg_run_free(&b);
    CU_ASSERT_FATAL(make(&b, 0, "300", "5") == 0);
    CU_ASSERT(load(&b, buf, len) == -1);
    sg_run_free(&b);
    free(buf);
    sg_run_free(&a);
}

/* a finished audit has rewritten its results: it cannot be saved */
static void test_finished(void)
{
    sg_run_ctx a;
    CU_ASSERT_FATAL(make(&a, 0, "20", "4") == 0);
    char *ca = NULL;
    size_t na = 0;
    FILE *fa = open_memstream(&ca, &na);
    while (advance(&a, fa))
        ;
    fclose(fa);
    free(ca);
    char *o = outputs(&a);
    free(o);
    char *mem = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&mem, &n);
    CU_ASSERT(sg_audit_save(sg_audit_of(&a), fp) == -1);
    fclose(fp);
    free(mem);
    sg_run_free(&a);
}

/* the MPFR shadow's section (shadow_audit.c) next to the audit's: a
   crafted precision in an MPFR number's header is rejected before
   mpfr_fpif_import would allocate for it (found by fuzz_checkpoint: GMP
   aborted on a 20 TB allocation) */
static void test_shadow_crafted_precision(void)
{
    sg_run_ctx a;
    CU_ASSERT_FATAL(make(&a, 0, "300", "4") == 0);
    int q = 0;
    while (q < a.nobs && strcmp(a.obs[q].name, "mpfr-audit") != 0)
        q++;
    CU_ASSERT_FATAL(q < a.nobs);
    sg_shadow_audit *sa = a.obs[q].self;
    char *mem = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&mem, &len);
    CU_ASSERT_FATAL(sg_shadow_audit_save(sa, fp) == 0);
    fclose(fp);
    /* the first MPFR number follows the fixed part (magic, 6 + 17 longs,
       7 + 4 doubles, the class statistics) */
    size_t off = strlen("shadowgd-mpfr-audit 2\n") + 23 * sizeof(long) + 11 * sizeof(double) +
                 sizeof sa->cls;
    CU_ASSERT_FATAL(off < len && (unsigned char)mem[off] == 128 + 7); /* p = 128 */
    unsigned char *p = malloc(len + 8);
    /* p = 2^56 + 248 in 8 bytes, and one byte above 128 */
    unsigned char huge[9] = {7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    for (int v = 0; v < 2; v++) {
        size_t n;
        if (v == 0) {
            memcpy(p, mem, off);
            memcpy(p + off, huge, 9);
            memcpy(p + off + 9, mem + off + 1, len - off - 1);
            n = len + 8;
        } else {
            memcpy(p, mem, len);
            p[off] = 129 + 7;
            n = len;
        }
        FILE *in = fmemopen(p, n, "rb");
        CU_ASSERT(sg_shadow_audit_load(sa, in, n) == -1);
        fclose(in);
    }
    /* the intact section still loads */
    FILE *in = fmemopen(mem, len, "rb");
    CU_ASSERT(sg_shadow_audit_load(sa, in, len) == 0);
    fclose(in);
    free(p);
    free(mem);
    sg_run_free(&a);
}

int register_audit_checkpoint_suite(void)
{
    CU_pSuite s = CU_add_suite("audit_checkpoint", NULL, NULL);
    if (!s ||
        !CU_add_test(s, "resume before T1 = uninterrupted run", test_resume_before_T1) ||
        !CU_add_test(s, "resume in the RATE window = uninterrupted run",
                     test_resume_in_rate_window) ||
        !CU_add_test(s, "resume, population loss", test_resume_population) ||
        !CU_add_test(s, "truncated, corrupted, mismatched sections rejected", test_rejects) ||
        !CU_add_test(s, "a finished audit cannot be saved", test_finished) ||
        !CU_add_test(s, "shadow section: a crafted MPFR precision is rejected",
                     test_shadow_crafted_precision))
        return -1;
    return 0;
}
