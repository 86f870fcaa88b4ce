/* plots.h -- the two figures of a run, as gnuplot scripts next to their data.
 *
 *   fig3.gp  -> fig3.png   the paper's Fig. 3 view: loss (log scale), |v_1|,
 *                          |w_1| (log scale), angles on the second axis,
 *                          shaded phase bands from the double trajectory;
 *   audit.gp -> audit.png  the audit view: HOMOG and IMBAL residual/tolerance
 *                          ratios per step, and the shadow's max_err_ratio and
 *                          divergence when trajectory.csv has those columns.
 * Both read trajectory.csv in the same directory, so a user can edit the
 * scripts and rerun `gnuplot fig3.gp` there.  The scripts are always written;
 * gnuplot is run when cfg->plots is 1, or -1 (auto) and gnuplot is on PATH.
 */
#ifndef SG_PLOTS_H
#define SG_PLOTS_H

#include "app/config.h"
#include "audit/relu/invariants.h"

/* Writes the scripts (and runs gnuplot); msg receives one line for the user.
   0, or -1 when a script cannot be written. */
int sg_plots_write(const sg_config *cfg, const sg_inv_phases *ph, char *msg, size_t len);

/* 1 if an executable 'gnuplot' is on PATH */
int sg_have_gnuplot(void);

#endif
