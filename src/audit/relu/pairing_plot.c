/* pairing_plot.c -- heat maps of the final W and V, units ordered by pair
 * (see pairing_plot.h). */
#include "audit/relu/pairing_plot.h"
#include "io/figure.h"
#include "io/outfile.h"
#include <math.h>
#include <stdlib.h>

/* one matrix as a gnuplot data block of rows x cols values, and its
   largest |entry| (the colour scale is symmetric about 0: the sign of a
   weight is what the pairing is about) */
static double datablock(FILE *fp, const char *name, int rows, int cols, const double *M,
                        long rs, long cs, const int *rowmap, const int *colmap)
{
    double mx = 0.0;
    fprintf(fp, "$%s << EOD\n", name);
    for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
            long ri = rowmap ? rowmap[i] : i, cj = colmap ? colmap[j] : j;
            double x = M[ri * rs + cj * cs];
            if (fabs(x) > mx)
                mx = fabs(x);
            fprintf(fp, "%s%.9g", j ? " " : "", x);
        }
        fputc('\n', fp);
    }
    fprintf(fp, "EOD\n");
    return mx > 0.0 ? mx : 1.0;
}

/* "set Xtics ('label' pos, ...)": the 1-based unit (order given) or
   output (order NULL) at each position */
static void tics(FILE *fp, const char *axis, int n, const int *order)
{
    fprintf(fp, "set %s (", axis);
    for (int q = 0; q < n; q++)
        fprintf(fp, "%s'%d' %d", q ? ", " : "", (order ? order[q] : q) + 1, q);
    fprintf(fp, ")\n");
}

void sg_pairing_script(FILE *fp, const sg_pairing *p, int d, const double *W, const double *V,
                       const double *A, const char *setting)
{
    int k = p->k, r = p->r;
    int *order = malloc((size_t)k * sizeof *order);
    /* with the target, W is drawn in its row basis: (W A^T)[j][o] = w_j . A_o
       (d = 100 columns of which r carry the weight would hide the pattern);
       the part of W outside A's row space is named in the title */
    double *WA = A ? calloc((size_t)k * (size_t)r, sizeof *WA) : NULL;
    if (!order || (A && !WA)) {
        free(order);
        free(WA);
        fprintf(fp, "# out of memory writing the unit order\n");
        return;
    }
    double rest = 0.0; /* |W|_F^2 - |W A^T|_F^2: the part outside (orthonormal rows) */
    if (A) {
        for (int j = 0; j < k; j++)
            for (int o = 0; o < r; o++) {
                double t = 0.0;
                for (int l = 0; l < d; l++)
                    t += W[(long)j * d + l] * A[(long)o * d + l];
                WA[(long)j * r + o] = t;
                rest -= t * t;
            }
        for (long q = 0; q < (long)k * d; q++)
            rest += W[q] * W[q];
    }
    sg_pairing_unit_order(p, order);
    fprintf(fp,
            "# units.gp -- shadowgd: the final W and V of a multi-output network, units\n"
            "# ordered by pair (first units of the pairs, then their partners).\n"
            "# Regenerate: gnuplot units.gp  (the data are inline below)\n"
            "# unit order (1-based):");
    for (int q = 0; q < k; q++)
        fprintf(fp, " %d", order[q] + 1);
    fputc('\n', fp);
    int wcols = A ? r : d;
    double mw = A ? datablock(fp, "W", k, r, WA, r, 1, order, NULL)
                  : datablock(fp, "W", k, d, W, d, 1, order, NULL);
    double mv = datablock(fp, "V", r, k, V, k, 1, NULL, order);
    fprintf(fp,
            "set terminal pngcairo size 1100,%d enhanced font ',10'\n"
            "set output 'units.png'\n"
            "set palette defined (-1 '#2166ac', 0 '#f7f7f7', 1 '#b2182b')\n"
            "set multiplot layout 1,2 title \"shadowgd units by pair: %s  (PAIRING worst "
            "relative residual %.2e)\"\n"
            "set title '%s'\n"
            "set xlabel '%s'\n"
            "set xrange [-0.5:%g]\n"
            "set yrange [%g:-0.5]\n"
            "set arrow 1 from graph 0, first %g to graph 1, first %g nohead front lc rgb '#000000' lw 1.5 dt 2\n"
            "set ylabel 'unit'\n"
            "set cbrange [%.9g:%.9g]\n",
            k > 12 ? 700 : 520, setting, p->worst_rel,
            A ? "W A^T (row = unit in pair order, column = target row)"
              : "W (row = unit, in pair order)",
            A ? "target row" : "input coordinate (0-based)", wcols - 0.5, k - 0.5, p->npairs - 0.5,
            p->npairs - 0.5, -mw, mw);
    tics(fp, "ytics", k, order);
    if (A) {
        tics(fp, "xtics", r, NULL);
        fprintf(fp, "set xlabel 'target row   (outside its span: |W|_F^2 - |W A^T|_F^2 = %.2g)'\n",
                rest);
    }
    fprintf(fp,
            "plot $W matrix with image notitle\n"
            "set title 'V (column = unit, in pair order)'\n"
            "set xlabel 'unit'\n"
            "set ylabel 'output'\n"
            "unset arrow 1\n"
            "set cbrange [%.9g:%.9g]\n"
            "set xrange [-0.5:%g]\n"
            "set yrange [%g:-0.5]\n",
            -mv, mv, k - 0.5, r - 0.5);
    tics(fp, "ytics", r, NULL);
    tics(fp, "xtics", k, order);
    fprintf(fp,
            "set arrow 2 from %g, graph 0 to %g, graph 1 nohead front lc rgb '#000000' lw 1.5 dt 2\n"
            "plot $V matrix using 1:2:3 with image notitle\n"
            "unset multiplot\n",
            p->npairs - 0.5, p->npairs - 0.5);
    free(order);
    free(WA);
}

int sg_pairing_figure(const char *dir, int plots, const sg_pairing *p, int d, const double *W,
                      const double *V, const double *A, const char *setting, char *msg,
                      size_t len)
{
    sg_outfile o;
    if (sg_outfile_open(&o, dir, "units.gp") != 0)
        return -1;
    sg_pairing_script(o.fp, p, d, W, V, A, setting);
    if (sg_outfile_commit(&o) != 0)
        return -1;
    if (plots == 0) {
        snprintf(msg, len, "figures: --no-plots; script %s/units.gp", dir);
        return 0;
    }
    if (!sg_have_gnuplot()) {
        snprintf(msg, len, "figures: gnuplot not found, units.png skipped (run `gnuplot units.gp` "
                           "in %s)", dir);
        return 0;
    }
    char why[200];
    if (sg_figure_draw(dir, "units.gp", "units.png", why, sizeof why) != 0) {
        fprintf(stderr, "shadowgd: figure %s/units.png not written: %s (see %s/gnuplot.log)\n",
                dir, why, dir);
        snprintf(msg, len, "figures: units.png FAILED (script kept in %s; see gnuplot.log)", dir);
        return 1;
    }
    snprintf(msg, len, "figures: %s/units.png (W and V by pair; script units.gp)", dir);
    return 0;
}
