/* assemble.h -- putting a run together: the application layer is the one
 * that knows both the run loop and its observers.  `run` and `resume` (and
 * the tests) assemble runs the same way, so a resumed run has the same
 * observers in the same order. */
#ifndef SG_ASSEMBLE_H
#define SG_ASSEMBLE_H

#include "run/run.h"

/* Register the observers cfg asks for on a set-up run: --digest, then the
   model's own (its shadow, audit and region checks, model->attach).
   0, or an exit status with a message. */
int sg_run_register_observers(sg_run_ctx *ctx);

/* The whole `shadowgd run` for a parsed configuration: output directory,
   setup, observers, --dump, the loop and the outputs.  The exit status. */
int sg_run_main(const sg_config *cfg);

#endif
