/* relu_observers.h -- the ReLU model's `attach` (run/model.h): registers
 * its MPFR shadow and round-off audit (shadow/relu), its invariant audit
 * (audit/relu), which reads the shadow's MPFR trajectory through the
 * shadow's trajectory hook, and, for the empirical loss, the check of the
 * proved region (safe_region.h). */
#ifndef SG_RELU_OBSERVERS_H
#define SG_RELU_OBSERVERS_H

#include "run/run.h"

/* ctx is a set-up relu run (ctx->m is its sg_relu_run).  0 or an exit
   status (message printed). */
int sg_relu_attach_observers(sg_run_ctx *ctx);

#endif
