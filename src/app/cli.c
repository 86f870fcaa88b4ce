/* cli.c -- strict option parsing: every value is checked for syntax and
 * range, and every error is one line naming the flag and the value.
 *
 * Options are matched by their exact full name (no getopt abbreviations:
 * `--si` is unknown, not --sigma); a value is given as `--flag VALUE` or
 * `--flag=VALUE`; the last occurrence of a flag wins.  Numbers may not carry
 * leading white space or trailing characters. */
#include "app/cli.h"
#include "run/run.h"
#include "shadow/relu/shadow.h"
#include <limits.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    OPT_LOSS = 256, OPT_D, OPT_K, OPT_N, OPT_SIGMA, OPT_MU, OPT_STEPS, OPT_INIT,
    OPT_SEED, OPT_TARGET, OPT_OUT, OPT_DUMP, OPT_QUIET, OPT_HELP, OPT_VERSION,
    OPT_PREC, OPT_AUDIT_EVERY, OPT_NO_SHADOW_TRAJ,
    OPT_ALIGN_DEG, OPT_GROWTH_V, OPT_GROWTH_B, OPT_LEMMA3_C, OPT_RATE_FLOOR,
    OPT_RATE_WINDOW, OPT_LINE_DEG, OPT_DIVERGE_MAX, OPT_PLOTS, OPT_NO_PLOTS,
    OPT_FORCE, OPT_CHECKPOINT_EVERY, OPT_DIGEST
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
    {"force", no_argument, NULL, OPT_FORCE},
    {"checkpoint-every", required_argument, NULL, OPT_CHECKPOINT_EVERY},
    {"digest", no_argument, NULL, OPT_DIGEST},
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
"  --force        reuse DIR even if it exists and is not empty\n"
"  --checkpoint-every K   write DIR/checkpoint.bin every K steps (0: never,\n"
"                 default); continue a killed run with `shadowgd resume DIR`\n"
"  --digest       add a running FNV-1a hash of every theta_t (trajectory.csv\n"
"                 column theta_fnv, summary.json member theta_digest)\n"
"  --help, --version\n"
"Exit status: 0 ok, 1 I/O or runtime failure, 2 bad usage or input,\n"
"3 diverged (non-finite state or outside the proved region).\n", fp);
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
    if (s[0] == '\0' || isspace((unsigned char)s[0]))
        return bad(flag, s, "not an integer");
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
    if (s[0] == '\0' || isspace((unsigned char)s[0]))
        return bad(flag, s, "not a number");
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end != '\0')
        return bad(flag, s, "not a number");
    if (!isfinite(x))
        return bad(flag, s, "must be a finite number");
    if (!(x > 0.0) || x > hi) {
        char why[64];
        snprintf(why, sizeof why, "must be > 0 and <= %g", hi);
        return bad(flag, s, why);
    }
    if (errno == ERANGE || !isnormal(x))
        return bad(flag, s, "must be a normal double (>= 2.2250738585072014e-308)");
    *out = x;
    return 0;
}

/* finite double in (0, hi] with a custom message */
static int parse_range(const char *flag, const char *s, double hi, double *out)
{
    return parse_positive(flag, s, hi, out);
}

/* decimal, or hexadecimal with 0x (no octal: "010" is ten) */
static int parse_seed(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-' || s[0] == '+' || isspace((unsigned char)s[0]))
        return bad("seed", s, "must be an unsigned 64-bit integer");
    int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (hex && (s[2] == '\0' || !isxdigit((unsigned char)s[2])))
        return bad("seed", s, "not an unsigned integer");
    unsigned long long x = strtoull(hex ? s + 2 : s, &end, hex ? 16 : 10);
    if (end == (hex ? s + 2 : s) || *end != '\0')
        return bad("seed", s, "not an unsigned integer");
    if (errno == ERANGE)
        return bad("seed", s, "must be below 2^64");
    *out = (uint64_t)x;
    return 0;
}

/* 1 if s is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF) */
static int valid_utf8(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s++;
        int more = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
                                 : (c & 0xf8) == 0xf0 ? 3 : -1;
        if (more < 0)
            return 0;
        unsigned long cp = more == 0 ? c : c & (0x3fu >> more);
        for (int i = 0; i < more; i++, s++) {
            if ((*s & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (*s & 0x3fu);
        }
        if ((more == 1 && cp < 0x80) || (more == 2 && cp < 0x800) ||
            (more == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
    }
    return 1;
}

/* s with bytes outside printable ASCII as \xHH, at most cap-1 bytes */
static const char *escaped(const char *s, char *buf, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 5 < cap; p++)
        n += (size_t)snprintf(buf + n, cap - n, *p < 0x20 || *p >= 0x7f ? "\\x%02x" : "%c", *p);
    buf[n] = '\0';
    return buf;
}

/* paths end up in summary.json and in one-line messages: no control
   characters, valid UTF-8 */
static int parse_path(const char *flag, const char *s, char *dst)
{
    char esc[256];
    if (s[0] == '\0')
        return bad(flag, s, "empty path");
    if (s[0] == '-' && s[1] == '-')
        return bad(flag, s, "looks like an option, not a path");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return bad(flag, escaped(s, esc, sizeof esc), "path contains a control character");
    if (!valid_utf8((const unsigned char *)s))
        return bad(flag, escaped(s, esc, sizeof esc), "path is not valid UTF-8");
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
    case OPT_FORCE: c->force = 1; return 0;
    case OPT_DIGEST: c->digest = 1; return 0;
    case OPT_CHECKPOINT_EVERY:
        return parse_long("checkpoint-every", arg, 0, SG_MAX_STEPS, &c->checkpoint_every);
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
        fprintf(stderr, "shadowgd: --k %d with --d %d gives %ld > 2^31-1 parameters\n",
                c->k, c->d, (long)c->k * c->d + c->k);
        return SG_EXIT_USAGE;
    }
    if (c->loss == SG_LOSS_POPULATION && (long)c->k * c->k > SG_MAX_ELEMS) {
        fprintf(stderr, "shadowgd: --k %d gives %ld > 2^31-1 pairwise angles\n", c->k,
                (long)c->k * c->k);
        return SG_EXIT_USAGE;
    }
    /* doubles allocated by setup (model.c, run.c): X, y, Z, H, f, r or the
       population's norms and angles; a, grad, theta, theta0, theta_prev;
       per-neuron and scratch vectors.  Each term is below 2^31, so the sum
       of at most 10 of them cannot overflow a long. */
    long kd = (long)c->k * c->d + c->k;
    long doubles = c->loss == SG_LOSS_EMPIRICAL
                       ? (long)c->n * c->d + 2 * n * c->k + 3L * c->n
                       : (long)c->k * c->k + c->k;
    doubles += 4 * kd + 3L * c->k + 2L * c->d;
    double bytes = 8.0 * (double)doubles;
    double ram = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (ram > 0 && bytes > ram) {
        fprintf(stderr, "shadowgd: --n %d --d %d --k %d need %.1f GiB, more than the %.1f GiB "
                        "of memory of this machine\n", c->n, c->d, c->k, bytes / 1073741824.0,
                ram / 1073741824.0);
        return SG_EXIT_USAGE;
    }
    return 0;
}

/* the entry of run_options whose name is exactly name[0..len) */
static const struct option *find_option(const char *name, size_t len)
{
    for (const struct option *o = run_options; o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

int sg_cli_parse_run(int argc, char **argv, sg_config *c)
{
    for (int i = 1; i < argc; i++) {
        const char *tok = argv[i];
        if (tok[0] != '-' || tok[1] != '-' || tok[2] == '\0') {
            fprintf(stderr, "shadowgd: unexpected argument '%s' (see shadowgd run --help)\n",
                    tok);
            return SG_EXIT_USAGE;
        }
        const char *name = tok + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct option *o = find_option(name, len);
        if (!o) {
            fprintf(stderr, "shadowgd: unknown option '%.*s' (see shadowgd run --help)\n",
                    (int)(len + 2), tok);
            return SG_EXIT_USAGE;
        }
        const char *arg = NULL;
        if (o->has_arg == no_argument) {
            if (eq) {
                fprintf(stderr, "shadowgd: option '--%s' takes no value (got '%s')\n",
                        o->name, eq + 1);
                return SG_EXIT_USAGE;
            }
        } else if (eq) {
            arg = eq + 1;
        } else if (i + 1 < argc) {
            arg = argv[++i];
        } else {
            fprintf(stderr, "shadowgd: option '--%s' needs a value\n", o->name);
            return SG_EXIT_USAGE;
        }
        if (o->val == OPT_HELP) {
            sg_cli_usage(stdout);
            return -1;
        }
        if (o->val == OPT_VERSION) {
            printf("shadowgd %s\n", SG_VERSION);
            return -1;
        }
        int rc = parse_one(o->val, arg, c);
        if (rc != 0)
            return rc;
    }
    c->argc = argc - 1;
    c->argv = argv + 1;
    return check_sizes(c);
}
