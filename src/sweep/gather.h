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

#include "sweep/spec.h"

/* one grid point, aggregated over its seeds */
typedef struct {
    long first;                 /* index of its seed-0 trial                     */
    long trials, recorded, failed, successes, stuck;
    int stuck_known;            /* some trial carried a stuck indicator          */
    double rate, rate_lo, rate_hi;       /* success rate, Wilson 95 %            */
    double srate, srate_lo, srate_hi;    /* stuck rate, Wilson 95 %              */
    double t1[3], t2[3], metric[3];      /* q1, median, q3 (NaN: no values)      */
    double t1_theory, t2_theory;         /* NaN when absent                      */
    double cfg_n, cfg_d;                 /* config.n, config.d (NaN when absent) */
} sw_group;

/* 0, or 1/2 after a one-line message.  plots: also write the figures. */
int sw_gather(const char *dir, int plots, int quiet);

#endif
