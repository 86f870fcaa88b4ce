/* bench_common.h -- what the two benchmark programs share: the benchmark
 * problem (Gaussian X from seed 1, a = e_1, y = X a) and the median of a
 * sample of timings.  Each program keeps its own clock (bench_step: wall
 * time; bench_shadow: process CPU time, see there). */
#ifndef SG_BENCH_COMMON_H
#define SG_BENCH_COMMON_H

#include "kernels/data.h"
#include "kernels/relu/problem.h"
#include <stdlib.h>

static inline int bench_cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* median of x[0..m-1] (sorts x in place) */
static inline double bench_median(double *x, int m)
{
    qsort(x, (size_t)m, sizeof(double), bench_cmp_double);
    return x[m / 2];
}

/* the empirical problem of size (n, d, k) used by every benchmark; 0 on success */
static inline int bench_problem(sg_problem *p, sg_workspace *ws, int n, int d, int k)
{
    if (sg_problem_alloc(p, SG_LOSS_EMPIRICAL, n, d, k) || sg_workspace_alloc(ws, p))
        return 1;
    sg_rng rng;
    sg_rng_seed_stream(&rng, 1, SG_STREAM_DATA);
    sg_data_gaussian(&rng, n, d, p->X);
    sg_target_e1(d, p->a);
    sg_labels(n, d, p->X, p->a, p->y);
    return 0;
}

#endif
