/* stats.h -- the statistics of `shadowgd gather`. */
#ifndef SG_SWEEP_STATS_H
#define SG_SWEEP_STATS_H

#include <stddef.h>

/* two-sided 95 % normal quantile z_{0.975} */
#define SW_Z95 1.959963984540054

/* Wilson score interval for x successes in n trials at normal quantile z
   (E. B. Wilson, JASA 22 (1927) 209-212):
     centre = (p + z^2/2n) / (1 + z^2/n),
     half   = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2),   p = x/n.
   Unlike p +- z sqrt(p(1-p)/n) it stays inside [0, 1] and is not empty at
   p = 0 or 1.  n = 0 gives NaN bounds; returns -1 for x outside [0, n]. */
int sw_wilson(long x, long n, double z, double *lo, double *hi);

/* Quantile q in [0, 1] of the n values in v (sorted in place), linear
   interpolation between order statistics (Hyndman-Fan type 7, the default
   of R and numpy): h = (n-1) q, x[floor h] + (h - floor h)(x[floor h + 1] -
   x[floor h]).  NaN when n = 0. */
double sw_quantile(double *v, size_t n, double q);

#endif
