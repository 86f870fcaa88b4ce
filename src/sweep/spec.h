/* spec.h -- the sweep specification file (docs/sweeps.md, "Spec format").
 *
 * Line-oriented, '#' starts a comment, tokens are separated by white space:
 *   fixed  --opt [VALUE] ...        options given to every trial (repeatable)
 *   grid   --opt V1 V2 ...          one axis of the grid (each option once)
 *   seeds  N                        seeds per grid point (default 1)
 *   seed-base B                     seed of seed index 0 (default 1)
 *   success METRIC THRESHOLD        "converged" criterion (gather)
 *   plots  on|off                   per-trial figures (default off)
 * The sweep does not interpret the options of `shadowgd run` (they are
 * checked by the run parser itself, trial by trial); it only refuses the
 * options it owns (--seed, --out, --quiet, --force, --plots, --no-plots,
 * --help, --version) and tokens that cannot be stored in a CSV cell.
 */
#ifndef SG_SWEEP_SPEC_H
#define SG_SWEEP_SPEC_H

#include <stddef.h>
#include <stdint.h>

#define SW_MAX_AXES 16
#define SW_MAX_VALUES 256
#define SW_MAX_FIXED 256
#define SW_MAX_TOKEN 512
#define SW_MAX_SEEDS 100000
#define SW_MAX_TRIALS 1000000L

typedef struct {
    char name[SW_MAX_TOKEN];            /* option without "--", e.g. "sigma" */
    int nvalues;
    char *values[SW_MAX_VALUES];
} sw_axis;

typedef enum { SW_METRIC_LOSS_REL = 0, SW_METRIC_FINAL } sw_metric_kind;

typedef struct {
    int nfixed;
    char *fixed[SW_MAX_FIXED];          /* tokens, in order */
    int naxes;
    sw_axis axes[SW_MAX_AXES];          /* first axis varies slowest */
    long seeds;
    uint64_t seed_base;
    sw_metric_kind metric;
    char metric_member[SW_MAX_TOKEN];   /* "loss_rel" or "final.NAME[.NAME...]" */
    double threshold;                   /* success: metric <= threshold */
    int plots;                          /* per-trial figures */
} sw_spec;

/* Parse the file at path.  0 on success; otherwise one line naming the file,
   the line and the offending token is printed on stderr, and 2 returned
   (1 if the file cannot be read).  On failure *s holds nothing to free. */
int sw_spec_load(const char *path, sw_spec *s);

/* Same from memory; name is used in messages. */
int sw_spec_parse(const char *text, const char *name, sw_spec *s);

void sw_spec_free(sw_spec *s);

/* number of trials: seeds * product of the axis sizes */
long sw_spec_trials(const sw_spec *s);

#endif
