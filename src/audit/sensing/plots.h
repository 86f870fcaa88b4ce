/* plots.h -- the figures of a matrix-sensing run, as gnuplot scripts next
 * to trajectory.csv (io/figure.h draws them):
 *   sensing.gp -> sensing.png   top: the relative error and sigma_1 ..
 *                               sigma_{r+1} of UV' over the steps (log
 *                               scale), the alpha level marked; bottom:
 *                               |U'U - V'V|_2 over the steps (log scale),
 *                               alpha^2 marked
 *   audit.gp   -> audit.png     the shadow's max error/bound per audited
 *                               step, BALANCE's |residual|/tolerance, the
 *                               double-vs-MPFR divergence (when present)
 */
#ifndef SG_SENS_PLOTS_H
#define SG_SENS_PLOTS_H

#include <stddef.h>

typedef struct {
    const char *dir;
    int plots;          /* 1 on, 0 off, -1 auto */
    long steps;
    int nsigma;         /* sigma_1 .. sigma_nsigma columns */
    double alpha;
    char setting[200];  /* title */
} sg_sens_plot_setup;

/* 0 (msg: one line for the user), 1 when a figure failed (reported on
   stderr), -1 when a script cannot be written */
int sg_sens_plots_write(const sg_sens_plot_setup *p, char *msg, size_t len);

#endif
