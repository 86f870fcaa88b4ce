/* pairing_plot.h -- the figure of the learned units of a multi-output
 * network, like Figs. 6-8 of When Both Layers Learn (Appendix E): heat maps
 * of the final W (k x d, or W A^T, k x r, in the target's row basis) and V
 * (r x k), units ordered by pair (the first
 * units of the pairs, then their partners: an opposite pairing shows as V =
 * [M, -M] and W = [N; -N]), on one symmetric colour scale per matrix.
 *
 *   units.gp -> units.png   (the matrices are inline gnuplot data blocks,
 *                            so the script alone regenerates the figure)
 */
#ifndef SG_PAIRING_PLOT_H
#define SG_PAIRING_PLOT_H

#include "audit/relu/pairing.h"
#include <stddef.h>
#include <stdio.h>

/* the script, for a directory-free caller (tests).  A (r x d, the target;
   may be NULL) given: W is drawn in the target's row basis, W A^T (k x r),
   with the Frobenius mass of W outside it in a label */
void sg_pairing_script(FILE *fp, const sg_pairing *p, int d, const double *W, const double *V,
                       const double *A, const char *setting);

/* Writes DIR/units.gp and, when plots is 1 (or -1 and gnuplot is on PATH),
   draws DIR/units.png.  Returns like sg_plots_write: 0; 1 when the PNG could
   not be drawn (one line on stderr, no file under its name); -1 when the
   script cannot be written.  msg receives one line for the user. */
int sg_pairing_figure(const char *dir, int plots, const sg_pairing *p, int d, const double *W,
                      const double *V, const double *A, const char *setting, char *msg,
                      size_t len);

#endif
