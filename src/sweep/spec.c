/* spec.c -- parser of the sweep specification (see spec.h). */
#include "sweep/spec.h"
#include "run/run.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SW_SPEC_MAX_BYTES (1L << 20)

/* options owned by the sweep (set per trial) or meaningless in a trial */
static const char *const reserved[] = {
    "seed", "out", "quiet", "force", "plots", "no-plots", "help", "version", NULL,
};

static int spec_err(const char *name, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "shadowgd sweep: %s:%d: ", name, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return SG_EXIT_USAGE;
}

/* Tokens become CSV cells and command-line words: printable ASCII without
   the CSV/shell metacharacters , " ' ` \ $ ; and no white space. */
static int token_ok(const char *t)
{
    if (!*t || strlen(t) >= SW_MAX_TOKEN)
        return 0;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || strchr(",\"'`\\$;|&<>()*?[]{}!~", *p))
            return 0;
    return 1;
}

static int is_option(const char *t)
{
    return t[0] == '-' && t[1] == '-' && t[2] != '\0' && t[2] != '-' && t[2] != '=';
}

/* the option name of a token "--name" or "--name=value" */
static void option_name(const char *t, char *name)
{
    size_t n = strcspn(t + 2, "=");
    memcpy(name, t + 2, n);
    name[n] = '\0';
}

static int is_reserved(const char *name)
{
    for (int i = 0; reserved[i]; i++)
        if (strcmp(name, reserved[i]) == 0)
            return 1;
    return 0;
}

/* 1 if option `name` already appears in the fixed list or as an axis */
static int option_used(const sw_spec *s, const char *name)
{
    char other[SW_MAX_TOKEN];
    for (int i = 0; i < s->nfixed; i++)
        if (is_option(s->fixed[i])) {
            option_name(s->fixed[i], other);
            if (strcmp(other, name) == 0)
                return 1;
        }
    for (int a = 0; a < s->naxes; a++)
        if (strcmp(s->axes[a].name, name) == 0)
            return 1;
    return 0;
}

static int parse_count(const char *t, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    if (!(t[0] >= '0' && t[0] <= '9'))
        return -1;
    long x = strtol(t, &end, 10);
    if (*end || errno || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

static int parse_u64(const char *t, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!(t[0] >= '0' && t[0] <= '9'))
        return -1;
    unsigned long long x = strtoull(t, &end, 10);
    if (*end || errno)
        return -1;
    *out = (uint64_t)x;
    return 0;
}

/* one line split in place into at most max tokens; count in *n, or -1 when
   there are more */
static int split(char *line, char **tok, int max)
{
    int n = 0;
    for (char *p = strtok(line, " \t\r"); p; p = strtok(NULL, " \t\r")) {
        if (n == max)
            return -1;
        tok[n++] = p;
    }
    return n;
}

static int parse_line(sw_spec *s, char **tok, int nt, const char *name, int ln, int *saw)
{
    const char *kw = tok[0];
    for (int i = 1; i < nt; i++)
        if (!token_ok(tok[i]))
            return spec_err(name, ln, "token '%s' has a character not allowed in a trial table "
                            "(white space or one of ,\"'`\\$;|&<>()*?[]{}!~) or is too long",
                            tok[i]);
    if (strcmp(kw, "fixed") == 0) {
        if (nt < 2)
            return spec_err(name, ln, "'fixed' needs at least one option");
        if (!is_option(tok[1]))
            return spec_err(name, ln, "'%s' is not an option (expected --name)", tok[1]);
        for (int i = 1; i < nt; i++) {
            char opt[SW_MAX_TOKEN];
            if (is_option(tok[i])) {
                option_name(tok[i], opt);
                if (is_reserved(opt))
                    return spec_err(name, ln, "option '--%s' is set by the sweep itself, "
                                    "not by a spec", opt);
                if (option_used(s, opt))
                    return spec_err(name, ln, "option '--%s' given twice", opt);
            }
            if (s->nfixed == SW_MAX_FIXED)
                return spec_err(name, ln, "more than %d fixed tokens", SW_MAX_FIXED);
            if (!(s->fixed[s->nfixed] = strdup(tok[i])))
                return spec_err(name, ln, "out of memory");
            s->nfixed++;
        }
        return 0;
    }
    if (strcmp(kw, "grid") == 0) {
        if (nt < 3)
            return spec_err(name, ln, "'grid' needs an option and at least one value");
        if (!is_option(tok[1]) || strchr(tok[1], '='))
            return spec_err(name, ln, "'%s' is not an option name (expected --name)", tok[1]);
        if (s->naxes == SW_MAX_AXES)
            return spec_err(name, ln, "more than %d grid axes", SW_MAX_AXES);
        sw_axis *ax = &s->axes[s->naxes];
        option_name(tok[1], ax->name);
        if (is_reserved(ax->name))
            return spec_err(name, ln, "option '--%s' is set by the sweep itself, not by a "
                            "spec", ax->name);
        if (option_used(s, ax->name))
            return spec_err(name, ln, "option '--%s' given twice", ax->name);
        if (nt - 2 > SW_MAX_VALUES)
            return spec_err(name, ln, "more than %d values for --%s", SW_MAX_VALUES, ax->name);
        ax->nvalues = 0;
        s->naxes++;
        for (int i = 2; i < nt; i++) {
            if (is_option(tok[i]))
                return spec_err(name, ln, "value '%s' of --%s looks like an option", tok[i],
                                ax->name);
            for (int j = 0; j < ax->nvalues; j++)
                if (strcmp(ax->values[j], tok[i]) == 0)
                    return spec_err(name, ln, "value '%s' of --%s given twice", tok[i],
                                    ax->name);
            if (!(ax->values[ax->nvalues] = strdup(tok[i])))
                return spec_err(name, ln, "out of memory");
            ax->nvalues++;
        }
        return 0;
    }
    if (strcmp(kw, "seeds") == 0 || strcmp(kw, "seed-base") == 0 || strcmp(kw, "plots") == 0 ||
        strcmp(kw, "success") == 0) {
        int which = kw[0] == 'p' ? 2 : strcmp(kw, "success") == 0 ? 3 : kw[4] == 's' ? 0 : 1;
        if (saw[which])
            return spec_err(name, ln, "'%s' given twice", kw);
        saw[which] = ln;
        if (nt != (which == 3 ? 3 : 2))
            return spec_err(name, ln, "'%s' takes %s", kw, which == 3 ? "a metric and a "
                            "threshold" : "one value");
    }
    if (strcmp(kw, "seeds") == 0) {
        if (parse_count(tok[1], 1, SW_MAX_SEEDS, &s->seeds) != 0)
            return spec_err(name, ln, "invalid value '%s' for seeds: must be an integer in "
                            "[1, %d]", tok[1], SW_MAX_SEEDS);
        return 0;
    }
    if (strcmp(kw, "seed-base") == 0) {
        if (parse_u64(tok[1], &s->seed_base) != 0)
            return spec_err(name, ln, "invalid value '%s' for seed-base: must be a decimal "
                            "integer below 2^64", tok[1]);
        return 0;
    }
    if (strcmp(kw, "plots") == 0) {
        if (strcmp(tok[1], "on") != 0 && strcmp(tok[1], "off") != 0)
            return spec_err(name, ln, "invalid value '%s' for plots: expected on or off", tok[1]);
        s->plots = tok[1][1] == 'n';
        return 0;
    }
    if (strcmp(kw, "success") == 0) {
        if (strcmp(tok[1], "loss_rel") == 0)
            s->metric = SW_METRIC_LOSS_REL;
        else if (strncmp(tok[1], "final.", 6) == 0 && tok[1][6] && !strstr(tok[1], "..") &&
                 tok[1][strlen(tok[1]) - 1] != '.' && !strchr(tok[1], '='))
            s->metric = SW_METRIC_FINAL;
        else
            return spec_err(name, ln, "invalid metric '%s' for success: expected loss_rel or "
                            "final.NAME", tok[1]);
        strcpy(s->metric_member, tok[1]);
        char *end;
        errno = 0;
        s->threshold = strtod(tok[2], &end);
        if (*end || errno || !isfinite(s->threshold) || !(s->threshold > 0.0))
            return spec_err(name, ln, "invalid threshold '%s' for success: must be a finite "
                            "number > 0", tok[2]);
        return 0;
    }
    return spec_err(name, ln, "unknown keyword '%s' (expected fixed, grid, seeds, seed-base, "
                    "success or plots)", kw);
}

int sw_spec_parse(const char *text, const char *name, sw_spec *s)
{
    memset(s, 0, sizeof *s);
    s->seeds = 1;
    s->seed_base = 1;
    s->metric = SW_METRIC_LOSS_REL;
    strcpy(s->metric_member, "loss_rel");
    s->threshold = 1e-3;
    int saw[4] = {0, 0, 0, 0}, ln = 0, rc = 0;
    size_t len = strlen(text);
    char *copy = malloc(len + 1);
    if (!copy)
        return spec_err(name, 0, "out of memory");
    memcpy(copy, text, len + 1);
    for (char *line = copy, *nl; line && rc == 0; line = nl) {
        ln++;
        nl = strchr(line, '\n');
        if (nl)
            *nl++ = '\0';
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *tok[SW_MAX_VALUES + 2];
        int nt = split(line, tok, SW_MAX_VALUES + 2);
        if (nt < 0)
            rc = spec_err(name, ln, "more than %d tokens on one line", SW_MAX_VALUES + 2);
        else if (nt > 0)
            rc = parse_line(s, tok, nt, name, ln, saw);
    }
    free(copy);
    if (rc == 0 && s->nfixed == 0 && s->naxes == 0)
        rc = spec_err(name, ln, "no 'fixed' or 'grid' line: nothing to sweep");
    if (rc == 0 && s->seed_base > UINT64_MAX - (uint64_t)(s->seeds - 1))
        rc = spec_err(name, saw[1], "seed-base %llu + seeds - 1 exceeds 2^64 - 1",
                      (unsigned long long)s->seed_base);
    if (rc == 0 && sw_spec_trials(s) > SW_MAX_TRIALS)
        rc = spec_err(name, ln, "the grid has more than %ld trials", SW_MAX_TRIALS);
    if (rc != 0)
        sw_spec_free(s);
    return rc;
}

int sw_spec_load(const char *path, sw_spec *s)
{
    memset(s, 0, sizeof *s);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "shadowgd sweep: cannot open spec '%s': %s\n", path, strerror(errno));
        return SG_EXIT_FAIL;
    }
    char *buf = malloc(SW_SPEC_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, SW_SPEC_MAX_BYTES + 1, fp) : 0;
    int bad = !buf || ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        fprintf(stderr, "shadowgd sweep: cannot read spec '%s'\n", path);
        return SG_EXIT_FAIL;
    }
    if (n > SW_SPEC_MAX_BYTES || memchr(buf, '\0', n)) {
        free(buf);
        fprintf(stderr, "shadowgd sweep: spec '%s' is %s\n", path,
                n > SW_SPEC_MAX_BYTES ? "larger than 1 MiB" : "not a text file (NUL byte)");
        return SG_EXIT_USAGE;
    }
    buf[n] = '\0';
    int rc = sw_spec_parse(buf, path, s);
    free(buf);
    return rc;
}

void sw_spec_free(sw_spec *s)
{
    for (int i = 0; i < s->nfixed; i++)
        free(s->fixed[i]);
    for (int a = 0; a < s->naxes; a++)
        for (int j = 0; j < s->axes[a].nvalues; j++)
            free(s->axes[a].values[j]);
    memset(s, 0, sizeof *s);
}

long sw_spec_trials(const sw_spec *s)
{
    long n = s->seeds;
    for (int a = 0; a < s->naxes; a++) {
        n *= s->axes[a].nvalues;
        if (n > SW_MAX_TRIALS)
            return SW_MAX_TRIALS + 1;
    }
    return n;
}
