/* trial.h -- one trial of a sweep: `shadowgd trial DIR ROW...`.
 *
 * Row i runs in a child process (fork) that calls the application's `run`
 * with the row's options plus --seed S --out DIR/trials/.tmp-i-HOST-PID
 * --quiet [--no-plots]; its stdout and stderr go to stderr.txt.  The parent
 * then writes trial.json (index, seed, options, exit status or signal,
 * wall seconds) into that directory and renames it to DIR/trials/i: a trial
 * directory exists completely or not at all, and one that exists is never
 * run again.  A trial that exits non-zero or dies of a signal is recorded as
 * failed; a trial interrupted by SIGINT/SIGTERM/SIGHUP of this process is
 * not recorded (its temporary is removed) and runs again next time.
 *
 * The child (not this process) runs the trial so that a crash is recorded
 * like any failure and no state of one run leaks into the next row.
 */
#ifndef SG_SWEEP_TRIAL_H
#define SG_SWEEP_TRIAL_H

#include "sweep/sweep.h"
#include <stddef.h>

#define SW_MAX_WORDS 1024

/* argv for `run` from a row's option string (split at spaces, in place in
   the copy *buf, malloc'd) plus --seed seed; returns argc or -1. */
int sw_trial_argv(const char *options, const char *seed, char **buf, char **argv, int max);

/* DIR/trials/<index>/trial.json exists */
int sw_trial_done(const char *dir, long index);

/* exit status recorded in DIR/trials/<index>/trial.json: 0 ok, > 0 the exit
   status, 128 + N for signal N; -1 if there is no readable record */
int sw_trial_recorded_status(const char *dir, long index);

/* rm -rf of a temporary of the sweep (no symlinks followed) */
void sw_remove_tree(const char *path);

/* monotonic clock, seconds */
double sw_now(void);

#endif
