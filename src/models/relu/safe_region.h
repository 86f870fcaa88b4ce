/* safe_region.h -- the configuration part of the proved floating-point
 * region (kernels/relu/region.h) checked at run time, as an observer of an
 * empirical-loss run: sizes, mu, the data and theta_0 are checked at step 0
 * and a violation stops the run (SG_STATUS_STOPPED, exit status 3) with
 * ctx->stop_reason set.  The parameters' part of the box is checked after
 * every update by the run loop itself (the model's theta_max =
 * SG_SAFE_W_MAX): leaving it is a divergence with reason outside_region.
 */
#ifndef SG_SAFE_REGION_H
#define SG_SAFE_REGION_H

#include "kernels/relu/problem.h"
#include "kernels/relu/region.h"
#include "run/run.h"

/* Register the check for the run's problem p (borrowed).  0, or -1 if the
   observer table is full. */
int sg_safe_region_attach(sg_run_ctx *ctx, const sg_problem *p);

#endif
