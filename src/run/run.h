/* run.h -- the generic run loop: a model (run/model.h) -> dataset and
 * initial state -> [loss and gradient -> observers -> CSV row -> GD update
 * -> observers -> checkpoint] x T -> outputs.
 *
 * The loop knows a model only through its table of operations and its
 * observers only through the sg_observer callbacks: whoever assembles a run
 * (the application layer) sets it up, registers the observers, and calls
 * sg_run_execute.  The context owns the parameter vectors; the model owns
 * its dataset and workspace (ctx->m).
 */
#ifndef SG_RUN_H
#define SG_RUN_H

#include "io/exit_status.h"
#include "io/outfile.h"
#include "run/context.h"
#include <stdio.h>

/* Register an observer (after setup, before the loop).  0, or -1 if full. */
int sg_run_add_observer(sg_run_ctx *ctx, const sg_observer *o);

/* The observer registered under name, or NULL. */
void *sg_run_observer(const sg_run_ctx *ctx, const char *name);

/* The model's setup: parameter vectors, dataset and initial state for
   cfg->model.  Returns 0, or an exit status with a one-line message. */
int sg_run_setup(sg_run_ctx *ctx, const sg_config *cfg);

/* Run cfg.steps GD steps writing trajectory.csv rows to fp (NULL: none). */
void sg_run_loop(sg_run_ctx *ctx, FILE *csv);

void sg_run_free(sg_run_ctx *ctx);

/* Loop, commit trajectory.csv (csv is open on its temporary), write
   summary.json, the observers' after_run, print the human summary, free
   ctx.  Returns the exit status.  Shared by `run` and `resume`. */
int sg_run_execute(sg_run_ctx *ctx, sg_outfile *csv);

#endif
