/* data.h -- dataset and planted target (design section 2).
 *
 * X has i.i.d. N(0,1) entries drawn row by row (i, then l) from the data
 * stream; y_i = x_i . a by sg_dot (left to right).  The target is e_1, a
 * uniformly random unit vector (a normalised Gaussian from the target
 * stream), or read from a file (target_file.h).
 */
#ifndef SG_DATA_H
#define SG_DATA_H

#include "rng.h"

/* X[i*d + l] ~ N(0, 1), i = 0..n-1, l = 0..d-1 in that order */
void sg_data_gaussian(sg_rng *rng, int n, int d, double *X);

/* y[i] <- x_i . a */
void sg_labels(int n, int d, const double *X, const double *a, double *y);

/* a <- e_1 */
void sg_target_e1(int d, double *a);

/* a <- g / |g|, g ~ N(0, I_d) */
void sg_target_random(sg_rng *rng, int d, double *a);

#endif
