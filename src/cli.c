/* cli.c -- strict option parsing: every value is checked for syntax and
 * range, and every error is one line naming the flag and the value. */
#include "cli.h"
#include "run.h"
#include "shadow.h"
#include <limits.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_LOSS = 256, OPT_D, OPT_K, OPT_N, OPT_SIGMA, OPT_MU, OPT_STEPS, OPT_INIT,
    OPT_SEED, OPT_TARGET, OPT_OUT, OPT_DUMP, OPT_QUIET, OPT_HELP, OPT_VERSION,
    OPT_PREC, OPT_AUDIT_EVERY, OPT_NO_SHADOW_TRAJ,
    OPT_ALIGN_DEG, OPT_GROWTH_V, OPT_GROWTH_B, OPT_LEMMA3_C, OPT_RATE_FLOOR,
    OPT_RATE_WINDOW, OPT_LINE_DEG, OPT_DIVERGE_MAX, OPT_PLOTS, OPT_NO_PLOTS
};

static const struct option run_options[] = {
    {"loss", required_argument, NULL, OPT_LOSS},
    {"d", required_argument, NULL, OPT_D},
    {"k", required_argument, NULL, OPT_K},
    {"n", required_argument, NULL, OPT_N},
    {"sigma", required_argument, NULL, OPT_SIGMA},
    {"mu", required_argument, NULL, OPT_MU},
    {"steps", required_argument, NULL, OPT_STEPS},
    {"init", required_argument, NULL, OPT_INIT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"target", required_argument, NULL, OPT_TARGET},
    {"out", required_argument, NULL, OPT_OUT},
    {"dump", no_argument, NULL, OPT_DUMP},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"prec", required_argument, NULL, OPT_PREC},
    {"audit-every", required_argument, NULL, OPT_AUDIT_EVERY},
    {"no-shadow-trajectory", no_argument, NULL, OPT_NO_SHADOW_TRAJ},
    {"align-deg", required_argument, NULL, OPT_ALIGN_DEG},
    {"growth-v", required_argument, NULL, OPT_GROWTH_V},
    {"growth-b", required_argument, NULL, OPT_GROWTH_B},
    {"lemma3-c", required_argument, NULL, OPT_LEMMA3_C},
    {"rate-floor", required_argument, NULL, OPT_RATE_FLOOR},
    {"rate-min-window", required_argument, NULL, OPT_RATE_WINDOW},
    {"line-deg", required_argument, NULL, OPT_LINE_DEG},
    {"diverge-max", required_argument, NULL, OPT_DIVERGE_MAX},
    {"plots", no_argument, NULL, OPT_PLOTS},
    {"no-plots", no_argument, NULL, OPT_NO_PLOTS},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

void sg_cli_usage(FILE *fp)
{
    fputs(
"usage: shadowgd run [options]\n"
"Gradient descent on a two-layer ReLU network learning a planted linear target.\n"
"  --loss empirical|population  loss to descend (default empirical)\n"
"  --d N          input dimension (default 100)\n"
"  --k N          hidden neurons (default 2)\n"
"  --n N          samples, empirical loss only (default 2000)\n"
"  --sigma X      initialisation scale, > 0 (default 1e-4)\n"
"  --mu X         step size, > 0 (default 0.1)\n"
"  --steps N      GD steps (default 600)\n"
"  --init theory|xavier|balanced   initialisation (default theory)\n"
"  --seed N       64-bit seed (default 1)\n"
"  --target e1|random|PATH         planted vector a (default e1)\n"
"  --out DIR      output directory (default out)\n"
"  --dump         also write DIR/data/{X,y,a,W0,v0}.csv\n"
"  --quiet        no summary on stdout, no progress line\n"
"  --prec BITS    MPFR shadow precision, 64..1024 (default 128)\n"
"  --audit-every K  audit the step against MPFR and the round-off bounds\n"
"                 every K steps; 0 turns the audit off (default 1)\n"
"  --no-shadow-trajectory  skip the independent MPFR trajectory\n"
"invariant audit (thresholds; defaults are the paper's):\n"
"  --align-deg X  alignment threshold in degrees, (0, 180] (default 9 = pi/20)\n"
"  --growth-v X   phase 2 ends when every |v_j| >= X sqrt|a| (default 0.25)\n"
"  --growth-b X   ... and every |b_j| <= X |a| (default 0.02 = 1/50)\n"
"  --lemma3-c X   constant of Lemma 3's imbalance bound (default 6)\n"
"  --rate-floor X RATE fit stops where dist^2 <= X |a|^2, (0, 1] (default 1e-20)\n"
"  --rate-min-window N  fewer phase-3 steps: RATE not-applicable (default 10)\n"
"  --line-deg X   neurons within X degrees share a line, (0, 90] (default 1)\n"
"  --diverge-max X  DIVERGE holds while |theta - theta_mpfr|/|theta_mpfr| <= X (default 1e-6)\n"
"  --plots, --no-plots  figures with gnuplot (default: on when gnuplot is found)\n"
"  --help, --version\n", fp);
}

static int bad(const char *flag, const char *val, const char *why)
{
    fprintf(stderr, "shadowgd: invalid value '%s' for --%s: %s\n", val, flag, why);
    return SG_EXIT_USAGE;
}

/* integer in [lo, hi], decimal, no trailing characters */
static int parse_long(const char *flag, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || *end != '\0')
        return bad(flag, s, "not an integer");
    if (errno == ERANGE || x < lo || x > hi) {
        char why[96];
        snprintf(why, sizeof why, "must be between %ld and %ld", lo, hi);
        return bad(flag, s, why);
    }
    *out = x;
    return 0;
}

static int parse_int(const char *flag, const char *s, int lo, int hi, int *out)
{
    long x;
    int rc = parse_long(flag, s, lo, hi, &x);
    if (rc == 0)
        *out = (int)x;
    return rc;
}

/* finite double in (0, hi] */
static int parse_positive(const char *flag, const char *s, double hi, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end != '\0')
        return bad(flag, s, "not a number");
    if (!isfinite(x) || errno == ERANGE)
        return bad(flag, s, "must be a finite, normal double");
    if (!(x > 0.0) || x > hi) {
        char why[64];
        snprintf(why, sizeof why, "must be > 0 and <= %g", hi);
        return bad(flag, s, why);
    }
    *out = x;
    return 0;
}

/* finite double in (0, hi] with a custom message */
static int parse_range(const char *flag, const char *s, double hi, double *out)
{
    return parse_positive(flag, s, hi, out);
}

static int parse_seed(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-' || s[0] == '+' || s[0] == ' ')
        return bad("seed", s, "must be an unsigned 64-bit integer");
    unsigned long long x = strtoull(s, &end, 0);
    if (end == s || *end != '\0')
        return bad("seed", s, "not an unsigned integer");
    if (errno == ERANGE)
        return bad("seed", s, "must be below 2^64");
    *out = (uint64_t)x;
    return 0;
}

static int parse_path(const char *flag, const char *s, char *dst)
{
    if (s[0] == '\0')
        return bad(flag, s, "empty path");
    if (strlen(s) >= SG_PATH_MAX - 64)
        return bad(flag, "...", "path too long");
    strcpy(dst, s);
    return 0;
}

static int parse_one(int opt, const char *arg, sg_config *c)
{
    long steps;
    switch (opt) {
    case OPT_LOSS:
        if (strcmp(arg, "empirical") == 0) c->loss = SG_LOSS_EMPIRICAL;
        else if (strcmp(arg, "population") == 0) c->loss = SG_LOSS_POPULATION;
        else return bad("loss", arg, "expected empirical or population");
        return 0;
    case OPT_D: return parse_int("d", arg, 1, SG_MAX_DIM, &c->d);
    case OPT_K: return parse_int("k", arg, 1, SG_MAX_DIM, &c->k);
    case OPT_N: return parse_int("n", arg, 1, 100000000, &c->n);
    case OPT_SIGMA: return parse_positive("sigma", arg, 1e100, &c->sigma);
    case OPT_MU: return parse_positive("mu", arg, 1e100, &c->mu);
    case OPT_STEPS:
        if (parse_long("steps", arg, 0, SG_MAX_STEPS, &steps) != 0)
            return SG_EXIT_USAGE;
        c->steps = steps;
        return 0;
    case OPT_INIT:
        if (strcmp(arg, "theory") == 0) c->init = SG_INIT_THEORY;
        else if (strcmp(arg, "xavier") == 0) c->init = SG_INIT_XAVIER;
        else if (strcmp(arg, "balanced") == 0) c->init = SG_INIT_BALANCED;
        else return bad("init", arg, "expected theory, xavier or balanced");
        return 0;
    case OPT_SEED: return parse_seed(arg, &c->seed);
    case OPT_TARGET:
        if (strcmp(arg, "e1") == 0) c->target = SG_TARGET_E1;
        else if (strcmp(arg, "random") == 0) c->target = SG_TARGET_RANDOM;
        else {
            c->target = SG_TARGET_FILE;
            return parse_path("target", arg, c->target_path);
        }
        return 0;
    case OPT_OUT: return parse_path("out", arg, c->out_dir);
    case OPT_DUMP: c->dump = 1; return 0;
    case OPT_PREC:
        if (parse_long("prec", arg, LONG_MIN, LONG_MAX, &c->prec) != 0)
            return SG_EXIT_USAGE;
        if (c->prec < SG_SHADOW_MIN_PREC)
            return bad("prec", arg, "the MPFR shadow needs at least 64 bits");
        if (c->prec > SG_XACC_MAX_PREC)
            return bad("prec", arg, "at most 1024 bits");
        return 0;
    case OPT_AUDIT_EVERY:
        return parse_long("audit-every", arg, 0, SG_MAX_STEPS, &c->audit_every);
    case OPT_NO_SHADOW_TRAJ: c->shadow_trajectory = 0; return 0;
    case OPT_QUIET: c->quiet = 1; return 0;
    case OPT_ALIGN_DEG: return parse_range("align-deg", arg, 180.0, &c->inv.align_deg);
    case OPT_GROWTH_V: return parse_range("growth-v", arg, 1e6, &c->inv.growth_v);
    case OPT_GROWTH_B: return parse_range("growth-b", arg, 1e6, &c->inv.growth_b);
    case OPT_LEMMA3_C: return parse_range("lemma3-c", arg, 1e100, &c->inv.lemma3_c);
    case OPT_RATE_FLOOR: return parse_range("rate-floor", arg, 1.0, &c->inv.rate_floor);
    case OPT_RATE_WINDOW:
        if (parse_long("rate-min-window", arg, 2, SG_MAX_STEPS, &steps) != 0)
            return SG_EXIT_USAGE;
        c->inv.rate_min_window = steps;
        return 0;
    case OPT_LINE_DEG: return parse_range("line-deg", arg, 90.0, &c->inv.line_deg);
    case OPT_DIVERGE_MAX: return parse_range("diverge-max", arg, 1e100, &c->inv.diverge_max);
    case OPT_PLOTS: c->plots = 1; return 0;
    case OPT_NO_PLOTS: c->plots = 0; return 0;
    }
    return SG_EXIT_USAGE;
}

/* sizes of the buffers: n*d (X), n*k (Z, H), k*d (W) elements */
static int check_sizes(const sg_config *c)
{
    long n = c->loss == SG_LOSS_EMPIRICAL ? c->n : 1;
    if ((long)c->n * c->d > SG_MAX_ELEMS && c->loss == SG_LOSS_EMPIRICAL) {
        fprintf(stderr, "shadowgd: --n %d with --d %d gives %ld > 2^31-1 entries in X\n",
                c->n, c->d, (long)c->n * c->d);
        return SG_EXIT_USAGE;
    }
    if (n * c->k > SG_MAX_ELEMS) {
        fprintf(stderr, "shadowgd: --n %d with --k %d gives %ld > 2^31-1 activations\n",
                c->n, c->k, n * c->k);
        return SG_EXIT_USAGE;
    }
    if ((long)c->k * c->d + c->k > SG_MAX_ELEMS) {
        fprintf(stderr, "shadowgd: --k %d with --d %d gives too many parameters\n", c->k,
                c->d);
        return SG_EXIT_USAGE;
    }
    return 0;
}

int sg_cli_parse_run(int argc, char **argv, sg_config *c)
{
    opterr = 0;
    optind = 1;
    for (;;) {
        int idx = -1;
        int opt = getopt_long(argc, argv, ":", run_options, &idx);
        if (opt == -1)
            break;
        if (opt == OPT_HELP) {
            sg_cli_usage(stdout);
            return -1;
        }
        if (opt == OPT_VERSION) {
            printf("shadowgd %s\n", SG_VERSION);
            return -1;
        }
        if (opt == '?') {
            fprintf(stderr, "shadowgd: unknown option '%s' (see shadowgd run --help)\n",
                    argv[optind - 1]);
            return SG_EXIT_USAGE;
        }
        if (opt == ':') {
            fprintf(stderr, "shadowgd: option '%s' needs a value\n", argv[optind - 1]);
            return SG_EXIT_USAGE;
        }
        int rc = parse_one(opt, optarg, c);
        if (rc != 0)
            return rc;
    }
    if (optind < argc) {
        fprintf(stderr, "shadowgd: unexpected argument '%s' (see shadowgd run --help)\n",
                argv[optind]);
        return SG_EXIT_USAGE;
    }
    return check_sizes(c);
}
