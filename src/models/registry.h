/* registry.h -- the models `shadowgd run --model NAME` can run. */
#ifndef SG_REGISTRY_H
#define SG_REGISTRY_H

#include "run/model.h"

/* every model, the default first; terminated by NULL */
extern const sg_model *const sg_models[];

/* the model called name, or NULL */
const sg_model *sg_model_find(const char *name);

#endif
