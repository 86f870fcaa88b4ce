/* plots.c -- the figures of a matrix-sensing run (see plots.h). */
#include "audit/sensing/plots.h"
#include "io/figure.h"
#include "io/outfile.h"
#include <stdio.h>
#include <string.h>

static void write_sensing(FILE *fp, const sg_sens_plot_setup *p)
{
    fprintf(fp,
            "# sensing.gp -- shadowgd: error, singular values and imbalance of this run.\n"
            "# Regenerate: gnuplot sensing.gp  (in this directory; reads trajectory.csv)\n"
            "set terminal pngcairo size 1000,800 enhanced font ',11'\n"
            "set output 'sensing.png'\n"
            "set datafile separator ','\n"
            "set multiplot layout 2,1 title \"shadowgd: %s\"\n"
            "set xlabel 'GD step'\n"
            "set logscale y\n"
            "set format y '10^{%%L}'\n"
            "set xrange [0:%ld]\n"
            "set grid xtics ytics lc rgb '#dddddd'\n"
            "set key outside right center box opaque\n"
            "pos(x) = x > 0 ? x : NaN\n"
            "set ylabel 'rel. error, {/Symbol s}_i(UV^T)'\n"
            "set arrow 1 from graph 0, first %g to graph 1, first %g nohead lc rgb '#d62728' dt 3\n"
            "set label 2 '{/Symbol a} = %g' at graph 1, first %g right offset -0.5,0.7 font ',9' "
            "tc rgb '#d62728'\n"
            "plot 'trajectory.csv' using 'step':(pos(column('rel_error'))) with lines lw 2.5 "
            "lc rgb '#000000' title '|UV^T - X*|_F/|X*|_F'",
            p->setting, p->steps, p->alpha, p->alpha, p->alpha, p->alpha);
    for (int i = 1; i <= p->nsigma; i++)
        fprintf(fp, ", \\\n     '' using 'step':(pos(column('sigma_%d'))) with lines lw 1.5 "
                    "%s title '{/Symbol s}_%d'", i, i == p->nsigma ? "dt 2" : "", i);
    fprintf(fp,
            "\nunset arrow 1\nunset label 2\n"
            "set ylabel '|U^TU - V^TV|_2'\n"
            "set arrow 3 from graph 0, first %g to graph 1, first %g nohead lc rgb '#d62728' dt 3\n"
            "set label 4 '{/Symbol a}^2' at graph 1, first %g right offset -0.5,0.7 font ',9' "
            "tc rgb '#d62728'\n"
            "plot 'trajectory.csv' using 'step':(pos(column('imbalance'))) with lines lw 2 "
            "lc rgb '#1f77b4' title 'imbalance'\n"
            "unset multiplot\n",
            p->alpha * p->alpha, p->alpha * p->alpha, p->alpha * p->alpha);
}

static void write_audit(FILE *fp, const sg_sens_plot_setup *p, int shadow)
{
    fprintf(fp,
            "# audit.gp -- shadowgd: the round-off audit and BALANCE of this run.\n"
            "# Regenerate: gnuplot audit.gp  (in this directory; reads trajectory.csv)\n"
            "set terminal pngcairo size 1000,520 enhanced font ',11'\n"
            "set output 'audit.png'\n"
            "set datafile separator ','\n"
            "set title \"shadowgd audit: %s\"\n"
            "set xlabel 'GD step'\n"
            "set ylabel 'ratio (<= 1: within its bound / tolerance)'\n"
            "set logscale y\n"
            "set format y '10^{%%L}'\n"
            "set xrange [0:%ld]\n"
            "set grid xtics ytics lc rgb '#dddddd'\n"
            "set key outside right center box opaque\n"
            "pos(x) = x > 0 ? x : NaN\n"
            "set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb '#d62728' dt 3\n"
            "plot 'trajectory.csv' using 'step':(pos(column('balance_ratio'))) with lines lw 1.5 "
            "lc rgb '#2ca02c' title 'BALANCE |res|/tol'",
            p->setting, p->steps);
    if (shadow)
        fprintf(fp, ", \\\n     '' using 'step':(pos(column('max_err_ratio'))) with points pt 7 ps 0.3 "
                    "lc rgb '#1f77b4' title 'max error/bound', \\\n"
                    "     '' using 'step':(pos(column('divergence'))) with lines lw 1.5 "
                    "lc rgb '#9467bd' title 'divergence from MPFR'");
    fputc('\n', fp);
}

int sg_sens_plots_write(const sg_sens_plot_setup *p, char *msg, size_t len)
{
    const char *dir = p->dir;
    int shadow = sg_csv_has_column(dir, "max_err_ratio");
    sg_outfile o;
    if (sg_outfile_open(&o, dir, "sensing.gp") != 0)
        return -1;
    write_sensing(o.fp, p);
    if (sg_outfile_commit(&o) != 0 || sg_outfile_open(&o, dir, "audit.gp") != 0)
        return -1;
    write_audit(o.fp, p, shadow);
    if (sg_outfile_commit(&o) != 0)
        return -1;
    if (p->plots == 0) {
        snprintf(msg, len, "figures: --no-plots; scripts %s/sensing.gp, %s/audit.gp", dir, dir);
        return 0;
    }
    if (!sg_have_gnuplot()) {
        snprintf(msg, len, "figures: gnuplot not found, PNGs skipped (install gnuplot-nox, then "
                           "run `gnuplot sensing.gp` in %s)", dir);
        return 0;
    }
    if (p->steps == 0) {
        snprintf(msg, len, "figures: none (--steps 0: nothing to draw); scripts %s/sensing.gp, "
                           "%s/audit.gp", dir, dir);
        return 0;
    }
    static const char *const scripts[2] = {"sensing.gp", "audit.gp"};
    static const char *const pngs[2] = {"sensing.png", "audit.png"};
    int failed = 0;
    for (int q = 0; q < 2; q++) {
        char why[200];
        if (sg_figure_draw(dir, scripts[q], pngs[q], why, sizeof why) != 0) {
            fprintf(stderr, "shadowgd: figure %s/%s not written: %s (see %s/gnuplot.log)\n",
                    dir, pngs[q], why, dir);
            failed = 1;
        }
    }
    if (failed) {
        snprintf(msg, len, "figures: FAILED (scripts kept in %s; see gnuplot.log)", dir);
        return 1;
    }
    snprintf(msg, len, "figures: %s/sensing.png, %s/audit.png (gnuplot scripts *.gp next to them)",
             dir, dir);
    return 0;
}
