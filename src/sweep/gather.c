/* gather.c -- `shadowgd gather DIR` (see gather.h, docs/sweeps.md). */
#include "sweep/gather.h"
#include "sweep/figures.h"
#include "sweep/stats.h"
#include "sweep/sweep.h"
#include "sweep/table.h"
#include "io/jsonread.h"
#include "io/outfile.h"
#include "run/run.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* a list of distinct column names, in order of first appearance */
typedef struct { char **name; int n, cap; } names;

static int names_add(names *c, const char *s)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->name[i], s) == 0)
            return 0;
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 16;
        char **p = realloc(c->name, (size_t)cap * sizeof *p);
        if (!p)
            return -1;
        c->name = p;
        c->cap = cap;
    }
    return (c->name[c->n] = strdup(s)) ? (c->n++, 0) : -1;
}

static void names_free(names *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->name[i]);
    free(c->name);
}

static int scalar(const sg_jv *v)
{
    return v->kind != SG_JV_ARR && v->kind != SG_JV_OBJ;
}

static int scalar_array(const sg_jv *v)
{
    if (v->kind != SG_JV_ARR)
        return 0;
    for (const sg_jv *e = v->child; e; e = e->next)
        if (!scalar(e))
            return 0;
    return 1;
}

/* a string cell: no separator, quote or line break can reach the CSV */
static void put_text(FILE *fp, const char *s)
{
    for (; *s; s++)
        fputc(*s == ',' ? ';' : *s == '"' ? '\'' : (*s == '\n' || *s == '\r') ? ' ' : *s, fp);
}

/* a value as a cell: numbers as written in the JSON, null/absent empty,
   arrays of scalars joined by ';' */
static void put_cell(FILE *fp, const sg_jv *v)
{
    if (!v || v->kind == SG_JV_NULL || v->kind == SG_JV_OBJ)
        return;
    if (v->kind == SG_JV_ARR) {
        for (const sg_jv *e = v->child; e; e = e->next) {
            if (e != v->child)
                fputc(';', fp);
            put_cell(fp, e);
        }
        return;
    }
    put_text(fp, v->text);
}

static void put_num(FILE *fp, double x)
{
    if (isfinite(x))
        fprintf(fp, ",%.6g", x);
    else
        fputc(',', fp);
}

static double num_at(const sg_jv *root, const char *path)
{
    const sg_jv *v = sg_jget(root, path);
    return v && v->kind == SG_JV_NUM ? v->num : NAN;
}

/* per-trial derived values */
typedef struct {
    sg_jv *rec, *sum;
    int recorded, ok, success, stuck; /* stuck: -1 unknown */
    double metric;
} trial;

static double metric_of(const sw_spec *s, const sg_jv *sum)
{
    if (!sum)
        return NAN;
    if (s->metric == SW_METRIC_FINAL)
        return num_at(sum, s->metric_member);
    double loss = num_at(sum, "final.loss"), a = num_at(sum, "config.target_norm");
    return a > 0.0 ? loss / (a * a) : NAN;
}

static void derive(const sw_spec *s, trial *t)
{
    const sg_jv *st = t->rec ? sg_jget(t->rec, "status") : NULL;
    t->recorded = t->rec != NULL;
    t->ok = st && st->kind == SG_JV_STR && strcmp(st->text, "ok") == 0;
    t->metric = metric_of(s, t->sum);
    const sg_jv *rs = t->sum ? sg_jget(t->sum, "status") : NULL;
    int completed = rs && rs->kind == SG_JV_STR && strcmp(rs->text, "completed") == 0;
    t->success = t->ok && completed && t->metric <= s->threshold;
    /* stuck: the verdicts issue's predictor when present, else the audit's
       identified stationary point; only a trial that did not converge */
    const sg_jv *k = t->sum ? sg_jget(t->sum, "stuck_prediction.stuck") : NULL;
    if (!k || k->kind != SG_JV_BOOL)
        k = t->sum ? sg_jget(t->sum, "stationary_point.identified") : NULL;
    t->stuck = k && k->kind == SG_JV_BOOL ? (k->num != 0.0 && !t->success) : -1;
}

static int load_trials(const char *dir, trial *t, long n)
{
    char p[SW_PATH], err[SW_PATH + 256];
    for (long i = 0; i < n; i++) {
        snprintf(p, sizeof p, "%s/trials/%ld/trial.json", dir, i);
        t[i].rec = sg_jread_file(p, err, sizeof err);
        if (!t[i].rec && access(p, F_OK) == 0) {
            fprintf(stderr, "shadowgd gather: %s\n", err);
            return -1;
        }
        snprintf(p, sizeof p, "%s/trials/%ld/summary.json", dir, i);
        t[i].sum = t[i].rec ? sg_jread_file(p, err, sizeof err) : NULL;
        if (t[i].rec && !t[i].sum && access(p, F_OK) == 0) {
            fprintf(stderr, "shadowgd gather: %s\n", err);
            return -1;
        }
    }
    return 0;
}

/* the numeric, boolean and null members below obj, recursively, as dotted
   paths relative to it (strings are explanations, not results) */
static int add_numbers(names *c, const sg_jv *obj, const char *prefix)
{
    char path[SW_PATH];
    for (const sg_jv *m = obj->child; m; m = m->next) {
        if (snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", m->key) >=
            (int)sizeof path)
            continue; /* a member path longer than any summary.json has: not a column */
        if (m->kind == SG_JV_OBJ) {
            if (add_numbers(c, m, path) != 0)
                return -1;
        } else if (m->kind == SG_JV_NUM || m->kind == SG_JV_BOOL || m->kind == SG_JV_NULL) {
            if (names_add(c, path) != 0)
                return -1;
        }
    }
    return 0;
}

/* the columns present in any summary: final.* numbers (nested too), stuck_prediction.*
   scalars and arrays of scalars, invariant IDs */
static int discover(const trial *t, long n, names *fin, names *stk, names *inv)
{
    for (long i = 0; i < n; i++) {
        if (!t[i].sum)
            continue;
        const sg_jv *o = sg_jget(t[i].sum, "final");
        if (o && o->kind == SG_JV_OBJ && add_numbers(fin, o, "") != 0)
            return -1;
        o = sg_jget(t[i].sum, "stuck_prediction");
        for (const sg_jv *m = o && o->kind == SG_JV_OBJ ? o->child : NULL; m; m = m->next)
            if ((scalar(m) || scalar_array(m)) && names_add(stk, m->key) != 0)
                return -1;
        o = sg_jget(t[i].sum, "invariants");
        for (const sg_jv *m = o && o->kind == SG_JV_OBJ ? o->child : NULL; m; m = m->next)
            if (m->kind == SG_JV_OBJ && !strchr(m->key, '.') && names_add(inv, m->key) != 0)
                return -1;
    }
    return 0;
}

static const char *const phase_cols[] = {
    "phases.T1_observed", "phases.T1_theory", "phases.T2_observed", "phases.T2_theory",
    "phases.rate.per_step", NULL,
};

static int write_results(const char *dir, const sw_spec *s, const trial *t, long n,
                         const names *fin, const names *stk, const names *inv, int *phase_on)
{
    sg_outfile o;
    if (sg_outfile_open(&o, dir, "results.csv") != 0)
        return -1;
    FILE *fp = o.fp;
    fputs("index,seed", fp);
    for (int a = 0; a < s->naxes; a++)
        fprintf(fp, ",%s", s->axes[a].name);
    fprintf(fp, ",status,exit_status,run_status,steps_done,metric(%s),success,stuck",
            s->metric_member);
    for (int c = 0; c < fin->n; c++)
        fprintf(fp, ",final.%s", fin->name[c]);
    for (int c = 0; phase_cols[c]; c++)
        if (phase_on[c])
            fprintf(fp, ",%s", phase_cols[c]);
    for (int c = 0; c < stk->n; c++)
        fprintf(fp, ",stuck_prediction.%s", stk->name[c]);
    for (int c = 0; c < inv->n; c++)
        fprintf(fp, ",verdict.%s", inv->name[c]);
    fputc('\n', fp);
    char path[SW_PATH];
    for (long i = 0; i < n; i++) {
        const trial *x = &t[i];
        fprintf(fp, "%ld,%llu", i, (unsigned long long)sw_trial_seed(s, i));
        for (int a = 0; a < s->naxes; a++)
            fprintf(fp, ",%s", s->axes[a].values[sw_trial_value(s, i, a)]);
        fputc(',', fp);
        const sg_jv *st = x->rec ? sg_jget(x->rec, "status") : NULL;
        if (st)
            put_cell(fp, st);
        else
            fputs("missing", fp);
        fputc(',', fp);
        const sg_jv *sig = x->rec ? sg_jget(x->rec, "signal") : NULL;
        if (sig && sig->kind == SG_JV_NUM)
            fprintf(fp, "signal %s", sig->text);
        else
            put_cell(fp, x->rec ? sg_jget(x->rec, "exit_status") : NULL);
        fputc(',', fp);
        put_cell(fp, x->sum ? sg_jget(x->sum, "status") : NULL);
        fputc(',', fp);
        put_cell(fp, x->sum ? sg_jget(x->sum, "steps_done") : NULL);
        fputc(',', fp);
        if (s->metric == SW_METRIC_FINAL)
            put_cell(fp, x->sum ? sg_jget(x->sum, s->metric_member) : NULL);
        else if (isfinite(x->metric))
            fprintf(fp, "%.17g", x->metric);
        if (x->recorded)
            fprintf(fp, ",%d,", x->success);
        else
            fputs(",,", fp);
        if (x->recorded && x->stuck >= 0)
            fprintf(fp, "%d", x->stuck);
        for (int c = 0; c < fin->n; c++) {
            fputc(',', fp);
            snprintf(path, sizeof path, "final.%s", fin->name[c]);
            put_cell(fp, x->sum ? sg_jget(x->sum, path) : NULL);
        }
        for (int c = 0; phase_cols[c]; c++)
            if (phase_on[c]) {
                fputc(',', fp);
                put_cell(fp, x->sum ? sg_jget(x->sum, phase_cols[c]) : NULL);
            }
        for (int c = 0; c < stk->n; c++) {
            fputc(',', fp);
            snprintf(path, sizeof path, "stuck_prediction.%s", stk->name[c]);
            put_cell(fp, x->sum ? sg_jget(x->sum, path) : NULL);
        }
        for (int c = 0; c < inv->n; c++) {
            fputc(',', fp);
            snprintf(path, sizeof path, "invariants.%s.verdict", inv->name[c]);
            put_cell(fp, x->sum ? sg_jget(x->sum, path) : NULL);
        }
        fputc('\n', fp);
    }
    return sg_outfile_commit(&o);
}

static void quartiles(double *v, size_t n, double *q)
{
    q[0] = sw_quantile(v, n, 0.25);
    q[1] = sw_quantile(v, n, 0.5);
    q[2] = sw_quantile(v, n, 0.75);
}

static int aggregate(const sw_spec *s, const trial *t, long ngroups, sw_group *g)
{
    size_t m = (size_t)s->seeds;
    double *t1 = malloc(m * sizeof *t1), *t2 = malloc(m * sizeof *t2),
           *mv = malloc(m * sizeof *mv);
    if (!t1 || !t2 || !mv) {
        free(t1); free(t2); free(mv);
        return -1;
    }
    for (long p = 0; p < ngroups; p++) {
        sw_group *G = &g[p];
        size_t n1 = 0, n2 = 0, nm = 0;
        memset(G, 0, sizeof *G);
        G->first = p * s->seeds;
        G->t1_theory = G->t2_theory = G->cfg_n = G->cfg_d = NAN;
        for (long i = G->first; i < G->first + s->seeds; i++) {
            const trial *x = &t[i];
            G->trials++;
            if (!x->recorded)
                continue;
            G->recorded++;
            G->failed += !x->ok;
            G->successes += x->success;
            if (x->stuck >= 0) {
                G->stuck_known = 1;
                G->stuck += x->stuck;
            }
            if (!x->sum)
                continue;
            double v = num_at(x->sum, "phases.T1_observed");
            if (isfinite(v)) t1[n1++] = v;
            v = num_at(x->sum, "phases.T2_observed");
            if (isfinite(v)) t2[n2++] = v;
            if (isfinite(x->metric)) mv[nm++] = x->metric;
            if (isnan(G->t1_theory)) G->t1_theory = num_at(x->sum, "phases.T1_theory");
            if (isnan(G->t2_theory)) G->t2_theory = num_at(x->sum, "phases.T2_theory");
            if (isnan(G->cfg_n)) G->cfg_n = num_at(x->sum, "config.n");
            if (isnan(G->cfg_d)) G->cfg_d = num_at(x->sum, "config.d");
        }
        quartiles(t1, n1, G->t1);
        quartiles(t2, n2, G->t2);
        quartiles(mv, nm, G->metric);
        G->rate = G->recorded ? (double)G->successes / (double)G->recorded : NAN;
        sw_wilson(G->successes, G->recorded, SW_Z95, &G->rate_lo, &G->rate_hi);
        G->srate = G->recorded && G->stuck_known ? (double)G->stuck / (double)G->recorded : NAN;
        if (G->stuck_known)
            sw_wilson(G->stuck, G->recorded, SW_Z95, &G->srate_lo, &G->srate_hi);
        else
            G->srate_lo = G->srate_hi = NAN;
    }
    free(t1); free(t2); free(mv);
    return 0;
}

static int write_summary(const char *dir, const sw_spec *s, const sw_group *g, long ng)
{
    sg_outfile o;
    if (sg_outfile_open(&o, dir, "summary.csv") != 0)
        return -1;
    FILE *fp = o.fp;
    const char *m = s->metric_member;
    for (int a = 0; a < s->naxes; a++)
        fprintf(fp, "%s,", s->axes[a].name);
    fprintf(fp, "trials,recorded,failed,successes,success_rate,success_lo95,success_hi95,"
                "stuck,stuck_rate,stuck_lo95,stuck_hi95,T1_q1,T1_median,T1_q3,T1_theory,"
                "T2_q1,T2_median,T2_q3,T2_theory,q1(%s),median(%s),q3(%s)\n", m, m, m);
    for (long p = 0; p < ng; p++) {
        const sw_group *G = &g[p];
        for (int a = 0; a < s->naxes; a++)
            fprintf(fp, "%s,", s->axes[a].values[sw_trial_value(s, G->first, a)]);
        fprintf(fp, "%ld,%ld,%ld,%ld", G->trials, G->recorded, G->failed, G->successes);
        put_num(fp, G->rate); put_num(fp, G->rate_lo); put_num(fp, G->rate_hi);
        if (G->stuck_known)
            fprintf(fp, ",%ld", G->stuck);
        else
            fputc(',', fp);
        put_num(fp, G->srate); put_num(fp, G->srate_lo); put_num(fp, G->srate_hi);
        for (int q = 0; q < 3; q++) put_num(fp, G->t1[q]);
        put_num(fp, G->t1_theory);
        for (int q = 0; q < 3; q++) put_num(fp, G->t2[q]);
        put_num(fp, G->t2_theory);
        for (int q = 0; q < 3; q++) put_num(fp, G->metric[q]);
        fputc('\n', fp);
    }
    return sg_outfile_commit(&o);
}

/* the table on stdout: one line per grid point */
static void print_table(const sw_spec *s, const sw_group *g, long ng)
{
    for (long p = 0; p < ng; p++) {
        const sw_group *G = &g[p];
        printf("  ");
        for (int a = 0; a < s->naxes; a++)
            printf("%s=%s ", s->axes[a].name, s->axes[a].values[sw_trial_value(s, G->first, a)]);
        printf("success %ld/%ld = %.3f [%.3f, %.3f]", G->successes, G->recorded, G->rate,
               G->rate_lo, G->rate_hi);
        if (G->stuck_known)
            printf("  stuck %ld", G->stuck);
        if (isfinite(G->t1[1]))
            printf("  T1 %.6g", G->t1[1]);
        if (isfinite(G->t2[1]))
            printf("  T2 %.6g", G->t2[1]);
        printf("  %s median %.3g\n", s->metric_member, G->metric[1]);
    }
}

/* DIR/trials.csv must be the expansion of DIR/spec.txt */
static int check_table(const char *dir, const sw_spec *s)
{
    char p[SW_PATH];
    snprintf(p, sizeof p, "%s/trials.csv", dir);
    char *want = sw_table_csv(s);
    FILE *fp = fopen(p, "rb");
    int same = 0;
    if (want && fp) {
        size_t n = strlen(want), k = 0;
        char *got = malloc(n + 2);
        if (got) {
            k = fread(got, 1, n + 1, fp);
            same = k == n && memcmp(got, want, n) == 0;
        }
        free(got);
    }
    if (fp)
        fclose(fp);
    free(want);
    if (!same)
        fprintf(stderr, "shadowgd gather: %s is missing or is not the trial table of "
                        "%s/spec.txt\n", p, dir);
    return same ? 0 : -1;
}

int sw_gather(const char *dir, int plots, int quiet)
{
    char p[SW_PATH];
    sw_spec s;
    snprintf(p, sizeof p, "%s/spec.txt", dir);
    int rc = sw_spec_load(p, &s);
    if (rc != 0)
        return rc;
    if (check_table(dir, &s) != 0) {
        sw_spec_free(&s);
        return SG_EXIT_USAGE;
    }
    long n = sw_spec_trials(&s), ng = n / s.seeds;
    trial *t = calloc((size_t)n, sizeof *t);
    sw_group *g = calloc((size_t)ng, sizeof *g);
    names fin = {0}, stk = {0}, inv = {0};
    rc = SG_EXIT_FAIL;
    if (!t || !g) {
        fprintf(stderr, "shadowgd gather: out of memory\n");
        goto out;
    }
    if (load_trials(dir, t, n) != 0)
        goto out;
    for (long i = 0; i < n; i++)
        derive(&s, &t[i]);
    if (discover(t, n, &fin, &stk, &inv) != 0) {
        fprintf(stderr, "shadowgd gather: out of memory\n");
        goto out;
    }
    int phase_on[8] = {0};
    for (int c = 0; phase_cols[c]; c++)
        for (long i = 0; i < n && !phase_on[c]; i++)
            phase_on[c] = t[i].sum && sg_jget(t[i].sum, phase_cols[c]) != NULL;
    if (write_results(dir, &s, t, n, &fin, &stk, &inv, phase_on) != 0 ||
        aggregate(&s, t, ng, g) != 0 || write_summary(dir, &s, g, ng) != 0)
        goto out;
    long rec = 0, failed = 0;
    for (long i = 0; i < n; i++) {
        rec += t[i].recorded;
        failed += t[i].recorded && !t[i].ok;
    }
    if (!quiet) {
        printf("gather: %ld trials (%ld recorded, %ld failed, %ld missing); success: %s <= %g\n",
               n, rec, failed, n - rec, s.metric_member, s.threshold);
        print_table(&s, g, ng);
        printf("gather: %s/results.csv, %s/summary.csv\n", dir, dir);
    }
    rc = SG_EXIT_OK;
    if (plots && sw_figures(dir, &s, g, ng, s.metric_member, quiet) < 0)
        rc = SG_EXIT_FAIL;
out:
    for (long i = 0; t && i < n; i++) {
        sg_jfree(t[i].rec);
        sg_jfree(t[i].sum);
    }
    free(t);
    free(g);
    names_free(&fin);
    names_free(&stk);
    names_free(&inv);
    sw_spec_free(&s);
    return rc;
}

int sw_gather_main(int argc, char **argv)
{
    int plots = 1, quiet = 0;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-plots") == 0)
            plots = 0;
        else if (strcmp(argv[i], "--quiet") == 0)
            quiet = 1;
        else if (strcmp(argv[i], "--help") == 0) {
            puts("usage: shadowgd gather DIR [--no-plots] [--quiet]\n"
                 "Write DIR/results.csv, DIR/summary.csv and DIR/figures/ from the finished "
                 "trials.");
            return SG_EXIT_OK;
        } else if (argv[i][0] == '-' || dir) {
            fprintf(stderr, "shadowgd gather: unexpected argument '%s' (usage: shadowgd gather "
                            "DIR [--no-plots] [--quiet])\n", argv[i]);
            return SG_EXIT_USAGE;
        } else
            dir = argv[i];
    }
    if (!dir) {
        fprintf(stderr, "shadowgd gather: usage: shadowgd gather DIR [--no-plots] [--quiet]\n");
        return SG_EXIT_USAGE;
    }
    return sw_gather(dir, plots, quiet);
}
