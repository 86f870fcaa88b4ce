/* figures.h -- gnuplot figures of a gathered sweep, in DIR/figures/.
 *
 * Which figures exist depends on the grid (docs/sweeps.md, "Figures"):
 *   success_vs_nd   an axis n or d:    success rate (Wilson bars) vs n/d
 *   stuck_vs_sigma  an axis sigma and a stuck indicator: stuck fraction vs sigma
 *   phases          T1/T2 theory bounds present: median T1, T2 (quartile bars)
 *                   per grid point against the bounds
 *   metric_vs_alpha an axis alpha: the success metric's median (quartile bars)
 *                   vs alpha, log-log (matrix sensing: final.rel_error)
 * one curve per combination of the other axes' values.  Each figure is a
 * data file NAME.dat, a script NAME.gp and NAME.png (gnuplot, pngcairo). */
#ifndef SG_SWEEP_FIGURES_H
#define SG_SWEEP_FIGURES_H

#include "sweep/group.h"
#include "sweep/spec.h"

/* Writes the figures; returns the number of PNGs made, -1 on an I/O error
   (message printed).  A missing gnuplot is reported in one line, scripts
   are kept. */
int sw_figures(const char *dir, const sw_spec *s, const sw_group *g, long ngroups,
               const char *metric_name, int quiet);

#endif
