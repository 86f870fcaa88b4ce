/* relu_memory.h -- the up-front memory estimate of a ReLU run (issue 11,
 * item 3): what setup allocates before the first step, so that a run that
 * cannot fit is refused by the CLI instead of failing after minutes. */
#ifndef SG_RELU_MEMORY_H
#define SG_RELU_MEMORY_H

#include "run/config.h"

/* bytes of the double state and kernels' buffers (relu_model.c, run.c) */
double sg_relu_double_bytes(const sg_config *cfg);
/* bytes of the MPFR side: the local audit's shadow, bounds and images
   (shadow_audit.c, bounds.c), the trajectory shadow (shadow.c) and the
   invariant audit's MPFR checker (audit/relu: O(d + k) numbers) */
double sg_relu_shadow_bytes(const sg_config *cfg);

#endif
