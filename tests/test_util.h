/* test_util.h -- small helpers shared by the CUnit suites. */
#ifndef SG_TEST_UTIL_H
#define SG_TEST_UTIL_H

#include "kernels/data.h"
#include "kernels/relu/init.h"
#include "kernels/relu/problem.h"
#include "app/assemble.h"
#include "app/cli.h"
#include "models/relu/relu_model.h"
#include <math.h>
#include <stdlib.h>

#define U_ROUND 0x1.0p-53 /* unit round-off of binary64 */

/* the ReLU model's run state and options of a run context / configuration */
#define RELU(ctx) ((sg_relu_run *)(ctx)->m)
#define RC(cfgp) SG_RELU_CFG(cfgp)

/* A random problem: X ~ N(0, I) (empirical only), a given or random, and a
   theta from the given init at scale sigma.  theta has k*d + k entries. */
static inline double *tu_make(sg_problem *p, sg_workspace *ws, sg_loss_kind loss, int n,
                              int d, int k, sg_init_kind init, double sigma, uint64_t seed)
{
    sg_rng rng;
    if (sg_problem_alloc(p, loss, n, d, k) != 0 || sg_workspace_alloc(ws, p) != 0)
        abort();
    sg_rng_seed_stream(&rng, seed, SG_STREAM_TARGET);
    sg_target_random(&rng, d, p->a);
    for (int l = 0; l < d; l++)
        p->a[l] *= 1.7; /* |a| != 1 on purpose: catches a missing |a| */
    if (loss == SG_LOSS_EMPIRICAL) {
        sg_rng_seed_stream(&rng, seed, SG_STREAM_DATA);
        sg_data_gaussian(&rng, n, d, p->X);
        sg_labels(n, d, p->X, p->a, p->y);
    }
    double *theta = calloc((size_t)sg_theta_len(d, k), sizeof(double));
    double *g = calloc((size_t)d, sizeof(double));
    sg_rng_seed_stream(&rng, seed, SG_STREAM_INIT);
    sg_init_state(init, &rng, d, k, sigma, theta, theta + (long)k * d, g);
    free(g);
    return theta;
}

static inline void tu_free(sg_problem *p, sg_workspace *ws, double *theta)
{
    sg_problem_free(p);
    sg_workspace_free(ws);
    free(theta);
}

static inline double tu_max_abs(long m, const double *x)
{
    double s = 0.0;
    for (long q = 0; q < m; q++)
        s = fabs(x[q]) > s ? fabs(x[q]) : s;
    return s;
}

/* gradient vs central differences, with a negative control (test_kernels.c) */
void tk_check_fd(sg_loss_kind loss, int n, int d, int k, uint64_t seed);

#endif
