/* relu_model.h -- the two-layer ReLU network (design section 2) as a model
 * of the generic run loop (run/model.h): its run state and its table of
 * operations.  theta = [W (k x d, row-major) | v (k)]. */
#ifndef SG_RELU_MODEL_H
#define SG_RELU_MODEL_H

#include "kernels/relu/problem.h"
#include "models/relu/relu_config.h"
#include "run/model.h"

/* the model's run state (ctx->m of a relu run) */
typedef struct {
    const sg_config *cfg;      /* the run's configuration (in its context) */
    const sg_relu_config *rc;  /* its model block                          */
    sg_problem prob;           /* dataset and target                       */
    sg_workspace ws;           /* loss, gradient and intermediates         */
    double *sign0;             /* sign of v_j(0)                           */
    double *wnorm, *angle_deg; /* measurements of the last measured theta  */
    double *scratch;           /* d                                        */
    const double *measured;    /* the theta of the last measure()          */
    double a_norm;             /* |a|                                      */
} sg_relu_run;

extern const sg_model sg_model_relu;

/* "W[2,17]" / "v[1]" (1-based) for component q of theta */
void sg_relu_component_name(int d, int k, long q, char *buf, size_t len);

#endif
