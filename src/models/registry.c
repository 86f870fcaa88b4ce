/* registry.c -- the list of models (see registry.h).  A new model adds its
 * table here: one line. */
#include "models/registry.h"
#include "models/relu/relu_model.h"
#include "models/sensing/sensing_model.h"
#include <string.h>

const sg_model *const sg_models[] = {
    &sg_model_relu, /* the default */
    &sg_model_sensing,
    NULL,
};

const sg_model *sg_model_find(const char *name)
{
    for (int i = 0; sg_models[i]; i++)
        if (strcmp(sg_models[i]->name, name) == 0)
            return sg_models[i];
    return NULL;
}
