/* plots.h -- the two figures of a run, as gnuplot scripts next to their data.
 *
 *   fig3.gp  -> fig3.png   the paper's Fig. 3 view: loss (log scale), |v_j|,
 *                          |w_j| of neurons 1..8 (log scale; the others are
 *                          named as left out), angles on the second axis,
 *                          shaded phase bands from the double trajectory (a
 *                          stuck run's tail is marked "stuck", not "3:
 *                          refinement"), every band named in a footnote;
 *   audit.gp -> audit.png  the audit view: HOMOG and IMBAL residual/tolerance
 *                          ratios per step, and the shadow's max_err_ratio and
 *                          divergence when trajectory.csv has those columns.
 * Both read trajectory.csv in the same directory, so a user can edit the
 * scripts and rerun `gnuplot fig3.gp` there.  The scripts are always written;
 * gnuplot is run when plots is 1, or -1 (auto) and gnuplot is on PATH.
 */
#ifndef SG_PLOTS_H
#define SG_PLOTS_H

#include "audit/relu/invariants.h"
#include <stddef.h>

/* what the figures say about the run (filled by the model) */
typedef struct {
    const char *dir;       /* the run's output directory             */
    int plots;             /* 1 on, 0 off, -1 auto (gnuplot on PATH)  */
    long steps;
    char setting[160];     /* e.g. "empirical loss, d=100 k=2 n=2000" */
    const char *init;      /* initialisation's name                   */
    double sigma, mu;
    unsigned long long seed;
    double align_deg;      /* the alignment threshold drawn           */
    int k;                 /* neurons (the first 8 drawn, the rest named) */
    int stuck;             /* the run ended at a saddle: no "refinement" band */
} sg_plot_setup;

/* Writes the scripts (and runs gnuplot); msg receives one line for the user.
   0; 1 when a figure could not be drawn (gnuplot failed, was killed after
   SHADOWGD_GNUPLOT_TIMEOUT seconds (default 120), or wrote no valid PNG):
   that PNG does not exist, msg does not list it, and one line per failed
   figure went to stderr; -1 when a script cannot be written.  Each PNG is
   drawn in a private temporary directory and renamed into place only once
   checked, so no empty or truncated PNG ever carries the final name.
   --steps 0 draws nothing (a single point has an empty x range). */
int sg_plots_write(const sg_plot_setup *p, const sg_inv_phases *ph, char *msg, size_t len);


#endif
