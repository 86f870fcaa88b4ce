/* test_checkpoint.c -- checkpoint encoding, validation and application:
 * exact round trip of the double state and the observer state; every
 * truncation and every single-byte corruption rejected; mismatched
 * version, dataset, initial state and observers rejected. */
#include "test_util.h"
#include "run/checkpoint.h"
#include "app/cli.h"
#include "io/hash.h"
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <unistd.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* the configuration as the CLI makes it (so the options are recorded) */
static void small_config(sg_config *c, uint64_t seed)
{
    static char *argv[2][16];
    static char seeds[2][24];
    int slot = seed & 1;
    snprintf(seeds[slot], sizeof seeds[slot], "%llu", (unsigned long long)seed);
    char *a[] = {"run", "--d", "4", "--k=2", "--n", "10", "--steps", "20",
                 "--checkpoint-every", "5", "--digest", "--sigma", "0.1", "--seed",
                 seeds[slot], NULL};
    memcpy(argv[slot], a, sizeof a);
    sg_config_defaults(c);
    CU_ASSERT_FATAL(sg_cli_parse_run(15, argv[slot], c) == 0);
}

/* index of the observer called name, or -1 (other layers may register
   observers of their own next to the digest) */
static int find_obs(const char *const *names, int n, const char *name)
{
    for (int q = 0; q < n; q++)
        if (strcmp(names[q], name) == 0)
            return q;
    return -1;
}

static int digest_index(const sg_run_ctx *ctx)
{
    const char *names[SG_MAX_OBSERVERS];
    for (int q = 0; q < ctx->nobs; q++)
        names[q] = ctx->obs[q].name;
    return find_obs(names, ctx->nobs, "digest");
}

/* a context at step 5 with a non-trivial state and digest */
static int make_ctx(sg_run_ctx *ctx, uint64_t seed)
{
    sg_config c;
    small_config(&c, seed);
    if (sg_run_setup(ctx, &c) != 0 || sg_run_register_observers(ctx) != 0)
        return -1;
    long len = sg_theta_len(RC(&c)->d, RC(&c)->k);
    int g = digest_index(ctx);
    if (g < 0)
        return -1;
    for (int t = 0; t < 5; t++) {
        ctx->obs[g].observe(ctx->obs[g].self, ctx);
        memcpy(ctx->theta_prev, ctx->theta, (size_t)len * sizeof(double));
        sg_gd_step(&RELU(ctx)->prob, c.mu, ctx->theta, &RELU(ctx)->ws);
    }
    ctx->step = ctx->nrows = 5;
    ctx->loss = 0.25;
    ctx->loss0 = 0.5;
    ctx->traj_bytes = 1234;
    ctx->traj_hash = 0x0123456789abcdefULL;
    ctx->theta[0] = -0.0;        /* signed zero and a subnormal survive */
    ctx->theta[1] = 4.9406564584124654e-324;
    return 0;
}

static void test_round_trip(void)
{
    sg_run_ctx a, b;
    CU_ASSERT_FATAL(make_ctx(&a, 7) == 0);
    unsigned char *buf;
    size_t len;
    CU_ASSERT_FATAL(sg_ckpt_encode(&a, &buf, &len) == 0);
    sg_ckpt ck;
    char err[256];
    CU_ASSERT_FATAL(sg_ckpt_parse(buf, len, &ck, sg_cli_parse_run, err, sizeof err) == 0);
    CU_ASSERT_EQUAL(RC(&ck.cfg)->d, 4);
    CU_ASSERT_EQUAL(ck.cfg.seed, 7);
    CU_ASSERT_EQUAL(ck.cfg.checkpoint_every, 5);
    CU_ASSERT_EQUAL(ck.step, 5);
    CU_ASSERT_EQUAL(ck.traj_bytes, 1234);
    CU_ASSERT_EQUAL(ck.traj_hash, 0x0123456789abcdefULL);
    CU_ASSERT(memcmp(ck.theta, a.theta, (size_t)ck.len * sizeof(double)) == 0);
    CU_ASSERT(memcmp(ck.theta_prev, a.theta_prev, (size_t)ck.len * sizeof(double)) == 0);
    CU_ASSERT(signbit(ck.theta[0]));
    CU_ASSERT_EQUAL(ck.nobs, a.nobs);
    const char *names[SG_MAX_OBSERVERS];
    for (int q = 0; q < ck.nobs; q++)
        names[q] = ck.obs[q].name;
    int g = find_obs(names, ck.nobs, "digest");
    CU_ASSERT_FATAL(g >= 0);
    CU_ASSERT_EQUAL(ck.obs[g].len, 8);
    CU_ASSERT_EQUAL(ck.cfg.argc, 14); /* the options came back */
    CU_ASSERT_STRING_EQUAL(ck.cfg.argv[2], "--k=2");
    /* apply to a fresh context from the checkpoint's configuration */
    CU_ASSERT_FATAL(sg_run_setup(&b, &ck.cfg) == 0);
    CU_ASSERT_FATAL(sg_run_register_observers(&b) == 0);
    CU_ASSERT(sg_ckpt_apply(&b, &ck, err, sizeof err) == 0);
    CU_ASSERT(memcmp(b.theta, a.theta, (size_t)ck.len * sizeof(double)) == 0);
    CU_ASSERT_EQUAL(b.step, 5);
    CU_ASSERT(b.resumed);
    /* the observer's state came back: both save the same bytes */
    unsigned char *buf2;
    size_t len2;
    b.loop_seconds = a.loop_seconds;
    CU_ASSERT_FATAL(sg_ckpt_encode(&b, &buf2, &len2) == 0);
    CU_ASSERT(len2 == len && memcmp(buf, buf2, len) == 0);
    free(buf2);
    sg_ckpt_free(&ck);
    sg_run_free(&b);
    sg_run_free(&a);
    free(buf);
}

static void test_truncations_and_flips(void)
{
    sg_run_ctx a;
    CU_ASSERT_FATAL(make_ctx(&a, 3) == 0);
    unsigned char *buf;
    size_t len;
    CU_ASSERT_FATAL(sg_ckpt_encode(&a, &buf, &len) == 0);
    sg_run_free(&a);
    sg_ckpt ck;
    char err[256];
    int accepted = 0;
    for (size_t cut = 0; cut < len; cut++) {
        unsigned char *p = malloc(cut ? cut : 1);
        memcpy(p, buf, cut);
        if (sg_ckpt_parse(p, cut, &ck, sg_cli_parse_run, err, sizeof err) == 0) {
            accepted++;
            sg_ckpt_free(&ck);
        }
        free(p);
    }
    CU_ASSERT_EQUAL(accepted, 0);
    for (size_t q = 0; q < len; q++)
        for (int bit = 0; bit < 8; bit++) {
            buf[q] ^= (unsigned char)(1u << bit);
            if (sg_ckpt_parse(buf, len, &ck, sg_cli_parse_run, err, sizeof err) == 0) {
                accepted++;
                sg_ckpt_free(&ck);
            }
            buf[q] ^= (unsigned char)(1u << bit);
        }
    CU_ASSERT_EQUAL(accepted, 0);
    CU_ASSERT(sg_ckpt_parse(buf, len, &ck, sg_cli_parse_run, err, sizeof err) == 0);
    sg_ckpt_free(&ck);
    free(buf);
}

/* rewrite the length and checksum after an edit */
static void reseal(unsigned char *buf, size_t len)
{
    uint64_t h = sg_fnv1a(SG_FNV_INIT, buf, len - 8);
    for (int i = 0; i < 8; i++)
        buf[len - 8 + i] = (unsigned char)(h >> (8 * i));
}

static void test_version_and_ranges(void)
{
    sg_run_ctx a;
    CU_ASSERT_FATAL(make_ctx(&a, 3) == 0);
    unsigned char *buf;
    size_t len;
    CU_ASSERT_FATAL(sg_ckpt_encode(&a, &buf, &len) == 0);
    sg_run_free(&a);
    sg_ckpt ck;
    char err[256];
    buf[8] = 1; /* format version 1: before the model interface */
    reseal(buf, len);
    CU_ASSERT(sg_ckpt_parse(buf, len, &ck, sg_cli_parse_run, err, sizeof err) != 0);
    CU_ASSERT(strstr(err, "version 1") != NULL);
    buf[8] = 2;
    /* program version string "0.1.0" -> "9.1.0" */
    CU_ASSERT_FATAL(buf[28] == '0');
    buf[28] = '9';
    reseal(buf, len);
    CU_ASSERT(sg_ckpt_parse(buf, len, &ck, sg_cli_parse_run, err, sizeof err) != 0);
    CU_ASSERT(strstr(err, "9.1.0") != NULL);
    buf[28] = '0';
    reseal(buf, len);
    CU_ASSERT(sg_ckpt_parse(buf, len, &ck, sg_cli_parse_run, err, sizeof err) == 0);
    sg_ckpt_free(&ck);
    /* extra bytes before the checksum */
    unsigned char *big = malloc(len + 3);
    memcpy(big, buf, len - 8);
    memset(big + len - 8, 0, 3);
    for (int i = 0; i < 8; i++)
        big[16 + i] = (unsigned char)((uint64_t)(len + 3) >> (8 * i));
    reseal(big, len + 3);
    CU_ASSERT(sg_ckpt_parse(big, len + 3, &ck, sg_cli_parse_run, err, sizeof err) != 0);
    CU_ASSERT(strstr(err, "unexpected bytes") != NULL);
    free(big);
    free(buf);
}

/* options that disagree with the binary configuration are rejected */
static void test_options_disagree(void)
{
    sg_run_ctx a;
    CU_ASSERT_FATAL(make_ctx(&a, 3) == 0);
    char *other[] = {"--d", "5", NULL};
    a.cfg.argc = 2;
    a.cfg.argv = other;
    unsigned char *buf;
    size_t len;
    CU_ASSERT_FATAL(sg_ckpt_encode(&a, &buf, &len) == 0);
    sg_run_free(&a);
    sg_ckpt ck;
    char err[256];
    CU_ASSERT(sg_ckpt_parse(buf, len, &ck, sg_cli_parse_run, err, sizeof err) != 0);
    CU_ASSERT(strstr(err, "disagree") != NULL);
    free(buf);
}

/* an observer without save/load blocks checkpointing instead of being
   resumed without its state */
static void test_observer_without_save(void)
{
    sg_run_ctx a;
    CU_ASSERT_FATAL(make_ctx(&a, 3) == 0);
    CU_ASSERT_EQUAL(sg_checkpoint_check_observers(&a), 0);
    sg_observer o = {0};
    o.name = "no-save";
    CU_ASSERT_FATAL(sg_run_add_observer(&a, &o) == 0);
    fflush(stderr);
    int saved = dup(2), devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    CU_ASSERT_EQUAL(sg_checkpoint_check_observers(&a), SG_EXIT_USAGE);
    unsigned char *buf = NULL;
    size_t len;
    CU_ASSERT(sg_ckpt_encode(&a, &buf, &len) != 0);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(devnull);
    sg_run_free(&a);
}

static void test_mismatch(void)
{
    sg_run_ctx a, b;
    CU_ASSERT_FATAL(make_ctx(&a, 3) == 0);
    unsigned char *buf;
    size_t len;
    CU_ASSERT_FATAL(sg_ckpt_encode(&a, &buf, &len) == 0);
    sg_run_free(&a);
    sg_ckpt ck;
    char err[256];
    CU_ASSERT_FATAL(sg_ckpt_parse(buf, len, &ck, sg_cli_parse_run, err, sizeof err) == 0);
    /* another seed: the regenerated dataset differs */
    sg_config c = ck.cfg;
    c.seed = 4;
    CU_ASSERT_FATAL(sg_run_setup(&b, &c) == 0 && sg_run_register_observers(&b) == 0);
    CU_ASSERT(sg_ckpt_apply(&b, &ck, err, sizeof err) != 0);
    CU_ASSERT(strstr(err, "dataset") != NULL);
    sg_run_free(&b);
    /* same data, different sigma: theta_0 differs */
    c = ck.cfg;
    RC(&c)->sigma = 0.2;
    CU_ASSERT_FATAL(sg_run_setup(&b, &c) == 0 && sg_run_register_observers(&b) == 0);
    CU_ASSERT(sg_ckpt_apply(&b, &ck, err, sizeof err) != 0);
    CU_ASSERT(strstr(err, "initial state") != NULL);
    sg_run_free(&b);
    /* no digest observer registered */
    c = ck.cfg;
    c.digest = 0;
    CU_ASSERT_FATAL(sg_run_setup(&b, &c) == 0 && sg_run_register_observers(&b) == 0);
    CU_ASSERT(sg_ckpt_apply(&b, &ck, err, sizeof err) != 0);
    CU_ASSERT(strstr(err, "observers") != NULL);
    CU_ASSERT_FALSE(b.resumed);
    sg_run_free(&b);
    sg_ckpt_free(&ck);
    free(buf);
}

int register_checkpoint_suite(void)
{
    CU_pSuite s = CU_add_suite("checkpoint", NULL, NULL);
    if (!s || !CU_add_test(s, "round trip is exact, observers included", test_round_trip) ||
        !CU_add_test(s, "every truncation and bit flip is rejected",
                     test_truncations_and_flips) ||
        !CU_add_test(s, "version, program version, trailing bytes", test_version_and_ranges) ||
        !CU_add_test(s, "stored options must agree", test_options_disagree) ||
        !CU_add_test(s, "an observer without save/load blocks checkpoints",
                     test_observer_without_save) ||
        !CU_add_test(s, "dataset, theta_0 and observer mismatches", test_mismatch))
        return -1;
    return 0;
}
