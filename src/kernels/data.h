/* data.h -- dataset and planted target (design section 2).
 *
 * X has i.i.d. N(0,1) entries drawn row by row (i, then l) from the data
 * stream; y_i = x_i . a by sg_dot (left to right).  The target is e_1, a
 * uniformly random unit vector (a normalised Gaussian from the target
 * stream), or read from a file (target_file.h).
 */
#ifndef SG_DATA_H
#define SG_DATA_H

#include "kernels/rng.h"
#include <limits.h>

#ifdef __FRAMAC__
#include "specs/sg_network.acsl"
#endif

/* X[i*d + l] ~ N(0, 1), i = 0..n-1, l = 0..d-1 in that order.
   Proved: every entry is written (\initialized; WP's initialisation model
   assumes nothing about X at entry).  Not proved: that X[q] is the q-th
   draw of the stream -- that needs a logic model of sg_rng_normal's
   rejection loop and of sg_det_log (proofs/README.md); the rng and data
   unit suites test the stream's known answers. */
/*@ requires sizes: 0 <= n && 0 <= d && n * d <= LONG_MAX;
    requires valid_rng: \valid(rng);
    requires valid_X: \valid(X + (0 .. n*d - 1));
    requires sep: \separated(rng, X + (0 .. n*d - 1));
    assigns *rng, X[0 .. n*d - 1], errno;
    ensures written: \initialized(X + (0 .. n*d - 1));
*/
void sg_data_gaussian(sg_rng *rng, int n, int d, double *X);

/* y[i] <- x_i . a, each row's sum left to right as sg_dot adds it */
/* The value is RowDot at Pre (specs/sg_network.acsl): X and a are not
   assigned, and stating it at Pre spares the provers the induction that
   would equate the sum over two memory states (proofs/README.md). */
/*@ requires sizes: 0 <= n && 0 <= d && n * d <= LONG_MAX;
    requires valid_X: \valid_read(X + (0 .. n*d - 1));
    requires valid_a: \valid_read(a + (0 .. d - 1));
    requires valid_y: \valid(y + (0 .. n - 1));
    requires sep_y_X: \separated(y + (0 .. n - 1), X + (0 .. n*d - 1));
    requires sep_y_a: \separated(y + (0 .. n - 1), a + (0 .. d - 1));
    assigns y[0 .. n - 1];
    ensures value: \forall integer i; 0 <= i < n ==> y[i] == RowDot{Pre}(X, i*d, a, 0, d);
*/
void sg_labels(int n, int d, const double *X, const double *a, double *y);

/* a <- e_1 */
/*@ requires size: 1 <= d;
    requires valid_a: \valid(a + (0 .. d - 1));
    assigns a[0 .. d - 1];
    ensures e1: a[0] == 1.0;
*/
void sg_target_e1(int d, double *a);

/* a <- g / |g|, g ~ N(0, I_d)
   Value: the division a[l] == g[l] / nrm is the contract of data.c's static
   sg_div_by; the unit norm Dot(a, a, d) == 1 is not proved (proofs/README.md). */
/* d >= 1: with d = 0 the norm is 0 on every draw (the CLI rejects --d below
   1, relu_config.c; the only caller, models/relu/relu_model.c, passes the
   validated d).  The redraw loop stops after SG_REJECT_TRIES zero vectors
   (rng.h), which no run reaches; a is then e_1. */
/*@ requires size: 1 <= d;
    requires valid_rng: \valid(rng);
    requires valid_a: \valid(a + (0 .. d - 1));
    requires sep: \separated(rng, a + (0 .. d - 1));
    assigns *rng, a[0 .. d - 1], errno;
*/
void sg_target_random(sg_rng *rng, int d, double *a);

#endif
