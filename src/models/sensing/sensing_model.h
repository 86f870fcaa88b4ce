/* sensing_model.h -- overparameterised asymmetric matrix sensing (design
 * section 3; docs/sensing.md) as a model of the generic run loop
 * (run/model.h).  theta = [U (n1 x k, row-major) | V (n2 x k, row-major)]. */
#ifndef SG_SENSING_MODEL_H
#define SG_SENSING_MODEL_H

#include "audit/sensing/measure.h"
#include "kernels/sensing/step.h"
#include "models/sensing/sensing_config.h"
#include "run/model.h"

/* the model's run state (ctx->m of a sensing run) */
typedef struct {
    const sg_config *cfg;
    const sg_sensing_config *sc;
    sg_sens_problem p;
    sg_sens_work w;
    sg_sens_meas_ws mws;
    sg_sens_meas meas;       /* of the last measured theta */
} sg_sensing_run;

extern const sg_model sg_model_sensing;

#endif
