/* table.h -- the trial table DIR/trials.csv.
 *
 * Trial i (0-based) is grid point p = i / seeds and seed index s = i % seeds;
 * the grid points are numbered in row-major order of the spec's grid lines
 * (the first line varies slowest).  Its seed is seed-base + s: the same seed
 * at every grid point (common random numbers: the grid points are compared
 * on the same data and initial draws), and it depends on the row only, never
 * on where, when or by which worker the trial runs.
 *
 * trials.csv: header "index,seed,<axis names>,options", one row per trial;
 * options is the full option list of `shadowgd run` (fixed options first,
 * then the grid's, in spec order), words separated by one space, without
 * the options the sweep adds itself (--seed, --out, --quiet, --no-plots).
 */
#ifndef SG_SWEEP_TABLE_H
#define SG_SWEEP_TABLE_H

#include "sweep/spec.h"
#include <stdint.h>
#include <stdio.h>

/* seed and grid-point values of trial i of s */
uint64_t sw_trial_seed(const sw_spec *s, long i);
/* index into axes[a].values of trial i */
int sw_trial_value(const sw_spec *s, long i, int a);

/* The whole trials.csv as a malloc'd string (NULL if out of memory). */
char *sw_table_csv(const sw_spec *s);

/* One row read back from DIR/trials.csv. */
typedef struct {
    long index;
    char seed[24];     /* decimal, as in the file */
    char *options;     /* malloc'd; words separated by single spaces */
} sw_row;

/* Read row `index` of the trial table at path.  0, or -1 with a one-line
   message on stderr (missing file, no such row, malformed row). */
int sw_table_row(const char *path, long index, sw_row *row);
void sw_row_free(sw_row *row);

/* The number of data rows of the table at path and its header line
   (malloc'd, without the newline) in *header; -1 with a message. */
long sw_table_count(const char *path, char **header);

#endif
