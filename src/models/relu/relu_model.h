/* relu_model.h -- the two-layer ReLU network (design section 2) as a model
 * of the generic run loop (run/model.h): its run state and its table of
 * operations.  theta = [W (k x d, row-major) | v (k)]. */
#ifndef SG_RELU_MODEL_H
#define SG_RELU_MODEL_H

#include "models/relu/relu_run.h"
#include "run/model.h"

extern const sg_model sg_model_relu;

/* "W[2,17]" / "v[1]" (1-based) for component q of theta */
void sg_relu_component_name(int d, int k, long q, char *buf, size_t len);

#endif
