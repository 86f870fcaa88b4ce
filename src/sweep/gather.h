/* gather.h -- `shadowgd gather DIR`: results.csv, summary.csv, figures.
 *
 * Reads DIR/spec.txt (the success criterion), DIR/trials.csv (checked
 * against the spec) and every DIR/trials/<i>/{trial.json,summary.json};
 * nothing of the model is interpreted beyond the members named in
 * docs/sweeps.md ("What gather reads").  Output is a function of those files
 * only (no time, path or host in it), so the same trials gathered anywhere
 * give the same bytes. */
#ifndef SG_SWEEP_GATHER_H
#define SG_SWEEP_GATHER_H

#include "sweep/group.h"
#include "sweep/spec.h"


/* 0, or 1/2 after a one-line message.  plots: also write the figures. */
int sw_gather(const char *dir, int plots, int quiet);

#endif
