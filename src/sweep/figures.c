/* figures.c -- gnuplot figures of a gathered sweep (see figures.h). */
#include "sweep/figures.h"
#include "sweep/sweep.h"
#include "sweep/table.h"
#include "io/outfile.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef enum { FIG_SUCCESS_ND, FIG_STUCK_SIGMA, FIG_PHASES, FIG_METRIC_ALPHA } fig_kind;

static int axis_index(const sw_spec *s, const char *name)
{
    for (int a = 0; a < s->naxes; a++)
        if (strcmp(s->axes[a].name, name) == 0)
            return a;
    return -1;
}

/* 1 if axis a is an x axis of figure f (not a curve key) */
static int is_x_axis(const sw_spec *s, fig_kind f, int a)
{
    const char *n = s->axes[a].name;
    switch (f) {
    case FIG_SUCCESS_ND: return strcmp(n, "n") == 0 || strcmp(n, "d") == 0;
    case FIG_STUCK_SIGMA: return strcmp(n, "sigma") == 0;
    case FIG_METRIC_ALPHA: return strcmp(n, "alpha") == 0;
    case FIG_PHASES: return 0;
    }
    return 0;
}

/* curve number of group p: mixed-radix number over the non-x axes */
static long curve_of(const sw_spec *s, fig_kind f, const sw_group *G)
{
    long c = 0;
    for (int a = 0; a < s->naxes; a++)
        if (!is_x_axis(s, f, a))
            c = c * s->axes[a].nvalues + sw_trial_value(s, G->first, a);
    return c;
}

static long curve_count(const sw_spec *s, fig_kind f)
{
    long c = 1;
    for (int a = 0; a < s->naxes; a++)
        if (!is_x_axis(s, f, a))
            c *= s->axes[a].nvalues;
    return c;
}

/* "init=xavier k=4" of the curve's first group, or "all" */
static void curve_title(const sw_spec *s, fig_kind f, const sw_group *G, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int a = 0; a < s->naxes && n < len; a++)
        if (!is_x_axis(s, f, a))
            n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", n ? " " : "", s->axes[a].name,
                                  s->axes[a].values[sw_trial_value(s, G->first, a)]);
    if (!buf[0])
        snprintf(buf, len, "all");
}

static double x_of(const sw_spec *s, fig_kind f, const sw_group *G)
{
    int a;
    switch (f) {
    case FIG_SUCCESS_ND: return G->cfg_n / G->cfg_d;
    case FIG_STUCK_SIGMA: a = axis_index(s, "sigma"); break;
    case FIG_METRIC_ALPHA: a = axis_index(s, "alpha"); break;
    default: return (double)(G->first / s->seeds);
    }
    return strtod(s->axes[a].values[sw_trial_value(s, G->first, a)], NULL);
}

static void y_of(fig_kind f, const sw_group *G, double *y)
{
    switch (f) {
    case FIG_SUCCESS_ND: y[0] = G->rate; y[1] = G->rate_lo; y[2] = G->rate_hi; break;
    case FIG_STUCK_SIGMA: y[0] = G->srate; y[1] = G->srate_lo; y[2] = G->srate_hi; break;
    case FIG_METRIC_ALPHA: y[0] = G->metric[1]; y[1] = G->metric[0]; y[2] = G->metric[2]; break;
    default: y[0] = y[1] = y[2] = NAN;
    }
}

static const char *const fig_name[] = {"success_vs_nd", "stuck_vs_sigma", "phases",
                                       "metric_vs_alpha"};

static void g(FILE *fp, double x)
{
    if (isfinite(x))
        fprintf(fp, " %.9g", x);
    else
        fputs(" NaN", fp);
}

/* NAME.dat: one gnuplot data block per curve, groups ordered by x */
static int write_curves(const char *fdir, const sw_spec *s, fig_kind f, const sw_group *gr,
                        long ng, long ncurves)
{
    sg_outfile o;
    char name[64];
    snprintf(name, sizeof name, "%s.dat", fig_name[f]);
    if (sg_outfile_open(&o, fdir, name) != 0)
        return -1;
    for (long c = 0; c < ncurves; c++) {
        char title[512] = "";
        long have = 0;
        for (long p = 0; p < ng; p++)
            if (curve_of(s, f, &gr[p]) == c && !have++)
                curve_title(s, f, &gr[p], title, sizeof title);
        fprintf(o.fp, "# curve %ld: %s\n# x y lo hi\n", c, title);
        /* insertion by x: the grid's order need not be increasing */
        double lastx = -INFINITY;
        for (long k = 0; k < have; k++) {
            long best = -1;
            double bx = INFINITY;
            for (long p = 0; p < ng; p++) {
                double x = x_of(s, f, &gr[p]);
                if (curve_of(s, f, &gr[p]) == c && x > lastx && x < bx) {
                    bx = x;
                    best = p;
                }
            }
            if (best < 0)
                break;
            double y[3];
            y_of(f, &gr[best], y);
            g(o.fp, bx); g(o.fp, y[0]); g(o.fp, y[1]); g(o.fp, y[2]);
            fputc('\n', o.fp);
            lastx = bx;
        }
        fputs("\n\n", o.fp);
    }
    return sg_outfile_commit(&o);
}

/* phases.dat: per grid point: ordinal, T1 q1 median q3 theory, T2 q1 median q3 theory */
static int write_phases(const char *fdir, const sw_spec *s, const sw_group *gr, long ng)
{
    sg_outfile o;
    if (sg_outfile_open(&o, fdir, "phases.dat") != 0)
        return -1;
    fputs("# point T1_q1 T1_median T1_q3 T1_theory T2_q1 T2_median T2_q3 T2_theory label\n", o.fp);
    for (long p = 0; p < ng; p++) {
        char title[512];
        curve_title(s, FIG_PHASES, &gr[p], title, sizeof title);
        fprintf(o.fp, "%ld", p);
        for (int q = 0; q < 3; q++) g(o.fp, gr[p].t1[q]);
        g(o.fp, gr[p].t1_theory);
        for (int q = 0; q < 3; q++) g(o.fp, gr[p].t2[q]);
        g(o.fp, gr[p].t2_theory);
        fprintf(o.fp, " \"%s\"\n", title);
    }
    return sg_outfile_commit(&o);
}

static int write_script(const char *fdir, const sw_spec *s, fig_kind f, const sw_group *gr,
                        long ng, long ncurves, const char *metric)
{
    sg_outfile o;
    char name[64];
    snprintf(name, sizeof name, "%s.gp", fig_name[f]);
    if (sg_outfile_open(&o, fdir, name) != 0)
        return -1;
    FILE *fp = o.fp;
    fprintf(fp, "# Regenerate: gnuplot %s.gp  (in this directory; reads %s.dat)\n"
                "set terminal pngcairo size 900,560 enhanced font ',11'\n"
                "set output '%s.png'\nset grid\nset key below\n"
                "set datafile missing 'NaN'\n", fig_name[f], fig_name[f], fig_name[f]);
    if (f == FIG_PHASES) {
        fputs("set title 'T1, T2: observed median (bars: quartiles) vs the theory bound'\n"
              "set xlabel 'grid point'\nset ylabel 'steps'\nset logscale y\n"
              "set xtics rotate by 30 right\nset offsets 0.5, 0.5, 0, 0\nset lmargin 16\n", fp);
        fputs("plot 'phases.dat' using 1:3:2:4:xtic(10) with yerrorbars pt 7 \\\n"
              "       title 'T1 observed', \\\n"
              "     '' using 1:5 with points pt 6 ps 1.5 title 'T1 bound 404/(mu|a|)', \\\n"
              "     '' using ($1+0.1):7:6:8 with yerrorbars pt 5 title 'T2 observed', \\\n"
              "     '' using ($1+0.1):9 with points pt 4 ps 1.5 \\\n"
              "       title 'T2 bound (32/(mu|a|)) ln(sqrt|a|/sigma)'\n",
              fp);
        return sg_outfile_commit(&o);
    }
    if (f == FIG_SUCCESS_ND)
        fputs("set title 'success rate vs n/d (bars: Wilson 95 %)'\nset xlabel 'n / d'\n"
              "set ylabel 'success rate'\nset yrange [-0.05:1.05]\nset logscale x 2\n", fp);
    else if (f == FIG_STUCK_SIGMA)
        fputs("set title 'stuck fraction vs sigma (bars: Wilson 95 %)'\nset xlabel 'sigma'\n"
              "set ylabel 'stuck fraction'\nset yrange [-0.05:1.05]\nset logscale x\n"
              "set format x '10^{%L}'\n", fp);
    else
        fprintf(fp, "set title '%s vs alpha (median, bars: quartiles)' noenhanced\n"
                    "set xlabel 'alpha'\nset ylabel '%s' noenhanced\nset logscale xy\n"
                    "set format x '10^{%%L}'\n"
                    "set format y '10^{%%L}'\n", metric, metric);
    /* log x axis: half a decade (a factor 1.5 for n/d) of room at both ends,
       so that the error bars of the extreme points are not on the border */
    double xmin = INFINITY, xmax = -INFINITY, pad = f == FIG_SUCCESS_ND ? 1.5 : 3.0;
    for (long p = 0; p < ng; p++) {
        double x = x_of(s, f, &gr[p]);
        if (isfinite(x) && x > 0.0) {
            xmin = x < xmin ? x : xmin;
            xmax = x > xmax ? x : xmax;
        }
    }
    if (xmin <= xmax)
        fprintf(fp, "set xrange [%.9g:%.9g]\n", xmin / pad, xmax * pad);
    fputs("plot ", fp);
    for (long c = 0; c < ncurves; c++) {
        char title[512] = "all";
        for (long p = 0; p < ng; p++)
            if (curve_of(s, f, &gr[p]) == c) {
                curve_title(s, f, &gr[p], title, sizeof title);
                break;
            }
        fprintf(fp, "%s'%s.dat' index %ld using 1:2:3:4 with yerrorlines lw 2 title '%s' noenhanced",
                c ? ", \\\n     " : "", fig_name[f], c, title);
    }
    fputc('\n', fp);
    return sg_outfile_commit(&o);
}

/* gnuplot NAME.gp in fdir; 0 ok, 127 not found, else its status */
static int run_gnuplot(const char *fdir, const char *name)
{
    char script[80];
    snprintf(script, sizeof script, "%s.gp", name);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(fdir) != 0)
            _exit(126);
        if (!freopen("gnuplot.log", "a", stderr) || !freopen("/dev/null", "w", stdout))
            _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        return 1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int sw_figures(const char *dir, const sw_spec *s, const sw_group *gr, long ng,
               const char *metric, int quiet)
{
    char fdir[SW_PATH];
    snprintf(fdir, sizeof fdir, "%s/figures", dir);
    int want[4];
    int have_stuck = 0, have_theory = 0, have_nd = 0;
    for (long p = 0; p < ng; p++) {
        have_stuck |= gr[p].stuck_known;
        have_theory |= isfinite(gr[p].t1_theory) || isfinite(gr[p].t2_theory);
        have_nd |= isfinite(gr[p].cfg_n / gr[p].cfg_d);
    }
    want[FIG_SUCCESS_ND] = (axis_index(s, "n") >= 0 || axis_index(s, "d") >= 0) && have_nd;
    want[FIG_STUCK_SIGMA] = axis_index(s, "sigma") >= 0 && have_stuck;
    want[FIG_PHASES] = have_theory;
    want[FIG_METRIC_ALPHA] = axis_index(s, "alpha") >= 0;
    int made = 0, any = 0;
    char list[1024] = "";
    for (int f = 0; f < 4; f++) {
        if (!want[f])
            continue;
        if (!any++ && sg_make_dir(fdir) != 0)
            return -1;
        long nc = curve_count(s, (fig_kind)f);
        int rc = f == FIG_PHASES ? write_phases(fdir, s, gr, ng)
                                 : write_curves(fdir, s, (fig_kind)f, gr, ng, nc);
        if (rc != 0 || write_script(fdir, s, (fig_kind)f, gr, ng, nc, metric) != 0)
            return -1;
        int e = run_gnuplot(fdir, fig_name[f]);
        if (e == 127) {
            if (!quiet)
                printf("figures: gnuplot not found, PNGs skipped (scripts in %s)\n", fdir);
            return 0;
        }
        if (e != 0) {
            fprintf(stderr, "shadowgd gather: gnuplot failed on %s/%s.gp (see gnuplot.log)\n",
                    fdir, fig_name[f]);
            continue;
        }
        made++;
        snprintf(list + strlen(list), sizeof list - strlen(list), " %s.png", fig_name[f]);
    }
    if (!quiet && made)
        printf("figures: %s/{%s }\n", fdir, list + 1);
    return made;
}
