/* group.h -- one grid point of a gathered sweep (gather.h makes them,
 * figures.h draws them). */
#ifndef SG_SWEEP_GROUP_H
#define SG_SWEEP_GROUP_H

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

#endif
