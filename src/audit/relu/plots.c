/* plots.c -- gnuplot scripts for the figures of a run (see plots.h). */
#include "audit/relu/plots.h"
#include "io/figure.h"
#include "io/outfile.h"
#include <stdlib.h>
#include <string.h>

/* a shaded phase band; its label inside the band only when the band is
   wide enough (>= 12% of the x range) not to run into its neighbours --
   every band is also named in the footnote (write_fig3) */
static void band(FILE *fp, int id, long from, long to, long end, const char *rgb,
                 const char *label)
{
    if (to <= from)
        return;
    fprintf(fp,
            "set object %d rect from %ld, graph 0 to %ld, graph 1 fc rgb '%s' fs solid 0.5 "
            "noborder behind\n",
            id, from, to, rgb);
    if ((double)(to - from) >= 0.12 * (double)end)
        fprintf(fp, "set label %d '%s' at %g, graph 1.03 center font ',10'\n", id, label,
                0.5 * (double)(from + to));
}

#define FIG3_MAX_NEURONS 8

static void write_fig3(FILE *fp, const sg_plot_setup *c, const sg_inv_phases *ph)
{
    long end = c->steps;
    long t1 = ph->T1_observed >= 0 ? ph->T1_observed : end;
    long t2 = ph->T2_end >= 0 ? ph->T2_end : end;
    if (t1 > end)
        t1 = end;
    if (t2 > end)
        t2 = end;
    const char *setting = c->setting;
    int kk = c->k < FIG3_MAX_NEURONS ? c->k : FIG3_MAX_NEURONS;
    fprintf(fp,
            "# fig3.gp -- shadowgd: the paper's Fig. 3 view of this run.\n"
            "# Regenerate: gnuplot fig3.gp  (in this directory; reads trajectory.csv)\n"
            "# Phase bands from the double trajectory's audit: T1 = %ld (first step with every\n"
            "# angle <= %g deg), end of phase 2 = %ld (growth-end conditions); -1: not reached.\n"
            "# Neurons drawn: 1..%d of %d%s.\n"
            "set terminal pngcairo size 1200,680 enhanced font ',11'\n"
            "set output 'fig3.png'\n"
            "set datafile separator ','\n"
            "set title \"shadowgd: %s, init %s, sigma=%g, mu=%g, seed=%llu\" offset 0,1\n"
            "set tmargin 5\n"
            "set bmargin 6\n"
            "set xlabel 'GD step'\n"
            "set ylabel 'loss, |v_j|, ||w_j||  (log scale)'\n"
            "set y2label 'angle of w_j to s_j a and to the empirical direction s_j g_j (degrees)'\n"
            "set logscale y\n"
            "set format y '10^{%%L}'\n"
            "set xrange [0:%ld]\n"
            "set ytics nomirror\n"
            "set y2tics\n"
            "set y2range [0:*]\n"
            "set key outside right center box opaque font ',9' spacing 0.9\n"
            "set grid xtics ytics lc rgb '#dddddd'\n"
            "pos(x) = x > 0 ? x : NaN\n",
            ph->T1_observed, c->align_deg, ph->T2_end, kk, c->k,
            c->k > kk ? " (the rest are in trajectory.csv and final_state.csv)" : "", setting,
            c->init, c->sigma, c->mu, (unsigned long long)c->seed, end);
    band(fp, 1, 0, t1, end, "#d6e4f5", "1: align");
    band(fp, 2, t1, t2, end, "#f7e7c6", "2: growth");
    /* a run stuck at a saddle has no refinement phase: its tail is marked
       as what it is, not as "3: refinement" */
    band(fp, 3, t2, end, end, c->stuck ? "#e0e0e0" : "#d9f0d3",
         c->stuck ? "stuck at a saddle" : "3: refinement");
    char foot[400];
    int n = snprintf(foot, sizeof foot, "bands: 1 align [0, %ld)", t1);
    if (t2 > t1)
        n += snprintf(foot + n, sizeof foot - (size_t)n, ", 2 growth [%ld, %ld)", t1, t2);
    else if (t1 < end)
        n += snprintf(foot + n, sizeof foot - (size_t)n, ", 2 growth empty (T1 = %ld = end of "
                                                        "phase 2)", t1);
    if (t2 < end)
        n += snprintf(foot + n, sizeof foot - (size_t)n, ", %s [%ld, %ld]",
                      c->stuck ? "stuck at a saddle (loss ~ |a|^2/4), no refinement"
                               : "3 refinement", t2, end);
    if (c->k > kk)
        snprintf(foot + n, sizeof foot - (size_t)n, "; neurons %d..%d not drawn", kk + 1, c->k);
    fprintf(fp, "set label 8 '%s' at screen 0.01, screen 0.025 left font ',9'\n", foot);
    if (t1 == t2 && t1 < end)
        fprintf(fp, "set arrow 4 from %ld, graph 0 to %ld, graph 1 nohead lc rgb '#c08020' lw 2 dt 2\n",
                t1, t1);
    fprintf(fp,
            "set arrow 6 from graph 0, second %g to graph 1, second %g nohead lc rgb '#d62728' dt 3\n"
            "set label 7 '%g deg' at graph 0, second %g left offset 0.5,0.6 font ',9' tc rgb '#d62728'\n",
            c->align_deg, c->align_deg, c->align_deg, c->align_deg);
    static const char *col[FIG3_MAX_NEURONS] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                "#9467bd", "#8c564b", "#e377c2", "#17becf"};
    fprintf(fp, "plot 'trajectory.csv' using 'step':(pos(column('loss'))) with lines lw 2.5 lc "
                "rgb '#000000' title 'loss'");
    for (int j = 1; j <= kk; j++)
        fprintf(fp,
                ", \\\n     '' using 'step':(abs(column('v_%d'))) with lines lw 2 lc rgb '%s' title '|v_%d|'"
                ", \\\n     '' using 'step':'wnorm_%d' with lines lw 2 dt 2 lc rgb '%s' title '||w_%d||'"
                ", \\\n     '' using 'step':'angle_%d' axes x1y2 with lines lw 1 dt 4 lc rgb '%s' title 'angle_%d to s_j a (deg)'"
                ", \\\n     '' using 'step':'angle_g_%d' axes x1y2 with lines lw 1 dt 3 lc rgb '%s' title 'angle_%d to s_j g_j (deg)'",
                j, col[j - 1], j, j, col[j - 1], j, j, col[j - 1], j, j, col[j - 1], j);
    fputc('\n', fp);
}

static void write_audit(FILE *fp, int shadow)
{
    fprintf(fp,
            "# audit.gp -- shadowgd: the audit view of this run.\n"
            "# Regenerate: gnuplot audit.gp  (in this directory; reads trajectory.csv)\n"
            "# homog_ratio, imbal_ratio: |residual|/tolerance of the exact identities on the\n"
            "# double trajectory (<= 1: held).  max_err_ratio, divergence: the MPFR shadow's\n"
            "# error/bound ratio and relative divergence (columns present only with the shadow).\n"
            "set terminal pngcairo size 1100,620 enhanced font ',11'\n"
            "set output 'audit.png'\n"
            "set datafile separator ','\n"
            "set title 'shadowgd audit: residual/tolerance per step (<= 1 means within bound)'\n"
            "set xlabel 'GD step'\n"
            "set ylabel 'ratio (log scale)'\n"
            "set logscale y\n"
            "set format y '10^{%%L}'\n"
            "set key outside right center box opaque\n"
            "set grid xtics ytics lc rgb '#dddddd'\n"
            "set yrange [*:10]\n"
            "pos(x) = x > 0 ? x : NaN\n"
            "# a divergence of exactly 0 is drawn at 1e-18 (log scale)\n"
            "floorpos(x) = x > 1e-18 ? x : 1e-18\n");
    if (!shadow)
        fprintf(fp, "set label 1 'no MPFR shadow in this run: max error/bound and divergence "
                    "curves need the shadow (issue 4)' at graph 0.02, graph 0.05 font ',9'\n");
    if (shadow)
        fprintf(fp,
                "set y2label 'relative divergence double vs MPFR (log scale)'\n"
                "set logscale y2\n"
                "set y2range [1e-18:*]\n"
                "set format y2 '10^{%%L}'\n"
                "set y2tics\n"
                "set ytics nomirror\n");
    fprintf(fp,
            "plot 1 with lines lc rgb '#aa0000' dt 2 title 'bound (ratio = 1)', \\\n"
            "     'trajectory.csv' using 'step':(pos(column('homog_ratio'))) with lines lw 1.5 lc rgb '#1f77b4' title 'HOMOG |res|/tol', \\\n"
            "     '' using 'step':(pos(column('imbal_ratio'))) with lines lw 1.5 lc rgb '#ff7f0e' title 'IMBAL |res|/tol'");
    if (shadow)
        fprintf(fp,
                ", \\\n     '' using 'step':(pos(column('max_err_ratio'))) with lines lw 2 lc rgb '#2ca02c' title 'shadow max error/bound', \\\n"
                "     '' using 'step':(floorpos(column('divergence'))) axes x1y2 with lines lw 2 lc rgb '#000000' title 'divergence'");
    fputc('\n', fp);
}

int sg_plots_write(const sg_plot_setup *cfg, const sg_inv_phases *ph, char *msg, size_t len)
{
    const char *dir = cfg->dir;
    int shadow = sg_csv_has_column(dir, "max_err_ratio") && sg_csv_has_column(dir, "divergence");
    sg_outfile o;
    if (sg_outfile_open(&o, dir, "fig3.gp") != 0)
        return -1;
    write_fig3(o.fp, cfg, ph);
    if (sg_outfile_commit(&o) != 0)
        return -1;
    if (sg_outfile_open(&o, dir, "audit.gp") != 0)
        return -1;
    write_audit(o.fp, shadow);
    if (sg_outfile_commit(&o) != 0)
        return -1;
    const char *note = shadow ? "" : "; the audit figure's error/bound and divergence curves "
                                     "need the MPFR shadow (no max_err_ratio/divergence columns)";
    if (cfg->plots == 0) {
        snprintf(msg, len, "figures: --no-plots; scripts %s/fig3.gp, %s/audit.gp", dir, dir);
        return 0;
    }
    if (!sg_have_gnuplot()) {
        snprintf(msg, len,
                 "figures: gnuplot not found, PNGs skipped (install gnuplot-nox, then run "
                 "`gnuplot fig3.gp` in %s)", dir);
        return 0;
    }
    if (cfg->steps == 0) { /* one point: an empty x range, nothing to draw */
        snprintf(msg, len, "figures: none (--steps 0: nothing to draw); scripts %s/fig3.gp, "
                           "%s/audit.gp", dir, dir);
        return 0;
    }
    static const char *const scripts[2] = {"fig3.gp", "audit.gp"};
    static const char *const pngs[2] = {"fig3.png", "audit.png"};
    char why[2][200];
    int ok[2];
    for (int q = 0; q < 2; q++) {
        ok[q] = sg_figure_draw(dir, scripts[q], pngs[q], why[q], sizeof why[q]) == 0;
        if (!ok[q]) /* the one line of each failed figure */
            fprintf(stderr, "shadowgd: figure %s/%s not written: %s (see %s/gnuplot.log)\n",
                    dir, pngs[q], why[q], dir);
    }
    if (!ok[0] || !ok[1]) {
        snprintf(msg, len, "figures: %s%s%s%sFAILED: %s%s%s (scripts kept in %s; see gnuplot.log)",
                 ok[0] ? dir : "", ok[0] ? "/fig3.png; " : "", ok[1] ? dir : "",
                 ok[1] ? "/audit.png; " : "", ok[0] ? "" : "fig3.png",
                 !ok[0] && !ok[1] ? ", " : "", ok[1] ? "" : "audit.png", dir);
        return 1;
    }
    snprintf(msg, len, "figures: %s/fig3.png, %s/audit.png (gnuplot scripts *.gp next to them)%s",
             dir, dir, note);
    return 0;
}
