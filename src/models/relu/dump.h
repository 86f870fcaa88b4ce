/* dump.h -- --dump: the dataset and initial state as CSV (DIR/data/), so a
 * run can be replayed in another tool.  Matrices: one row per line;
 * vectors: one entry per line; %.17g, which round-trips every double. */
#ifndef SG_DUMP_H
#define SG_DUMP_H

#include "kernels/relu/problem.h"

/* Writes X.csv (empirical only), y.csv (empirical only), a.csv, W0.csv,
   v0.csv under out_dir/data.  0 on success, -1 with a message. */
int sg_relu_dump(const sg_problem *p, const double *theta0, const char *out_dir);

#endif
