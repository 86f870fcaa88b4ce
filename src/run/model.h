/* model.h -- what the generic run loop, the checkpoint and the outputs know
 * of a model: this table of operations and nothing else.
 *
 * A model owns its options (stored in sg_config.model_cfg), its dataset,
 * its workspace and its measurements (its "run state", an opaque pointer
 * created by setup).  The loop sees one parameter vector theta of length
 * len, the loss and the gradient at theta, and a magnitude box |theta_q| <=
 * theta_max (the region in which the model's kernels are proved free of
 * overflow).  The order per step t is the loop's (run.h):
 *   loss_grad(theta_t) -> checks -> observers' observe -> measure + CSV row
 *   -> update -> checks -> observers' after_update -> checkpoint.
 *
 * The model's shadow and invariant audit are observers (run.h); the model
 * provides one hook, attach, that registers them for a run.  Whoever
 * assembles a run (the application layer) calls it: the loop never does.
 *
 * Adding a model: a folder with its kernels, shadow and audit, a table of
 * these operations, and one line in models/registry.c.
 */
#ifndef SG_MODEL_H
#define SG_MODEL_H

#include "run/config.h"
#include <stdint.h>
#include <stdio.h>

struct sg_json;
struct sg_run_ctx;

/* an option of the model's own: `--name VALUE` (has_arg 1) or `--name` */
typedef struct {
    const char *name;
    int has_arg;
    int id; /* passed back to parse_option */
} sg_model_option;

typedef struct sg_model {
    const char *name;  /* --model NAME */
    const char *title; /* one line for --help */

    /* ---- options (cfg->model_cfg) ---- */
    void (*defaults)(sg_config *cfg);
    const sg_model_option *options; /* terminated by {NULL} */
    /* one option's value: 0, or SG_EXIT_USAGE after one line naming it */
    int (*parse_option)(sg_config *cfg, int id, const char *arg);
    /* after every option: sizes, limits, memory.  0 or an exit status */
    int (*check)(const sg_config *cfg);
    void (*usage)(FILE *fp);
    /* a hash of every model option that defines the run (checkpoints
       compare it with the re-parsed options) */
    uint64_t (*config_hash)(const sg_config *cfg);
    /* number of parameters of the configured model */
    long (*theta_len)(const sg_config *cfg);

    /* ---- one run ---- */
    /* allocate the run state, make the dataset and the initial state
       theta[0..len) (len = theta_len(cfg)).  NULL with *rc = an exit status
       and a message printed on failure. */
    void *(*setup)(const sg_config *cfg, double *theta, int *rc);
    void (*free_state)(void *m);
    /* loss at theta; *grad points to the gradient at theta (model-owned) */
    double (*loss_grad)(void *m, const double *theta, const double **grad);
    /* theta <- theta - mu grad, the model's proved update kernel */
    void (*update)(void *m, double mu, const double *grad, double *theta);
    double theta_max; /* the proved magnitude box of every component */
    const char *init_scale_flag; /* named when theta_0 already fails */

    /* ---- measurements and outputs ---- */
    /* per-step measurements of theta (before its CSV row and the report) */
    void (*measure)(void *m, const double *theta);
    void (*csv_header)(void *m, FILE *fp); /* ",col,col,..." after step,loss */
    void (*csv_row)(void *m, FILE *fp);    /* ",val,val,..." of the last measure */
    /* members of summary.json's "config" object (all of them, in order) */
    void (*config_json)(void *m, const sg_config *cfg, struct sg_json *j);
    /* members of "final" after "loss", for the measured theta */
    void (*final_json)(void *m, const sg_config *cfg, const double *theta, struct sg_json *j);
    void (*banner)(void *m, const sg_config *cfg, FILE *fp);  /* first stdout line */
    void (*report)(void *m, const double *theta, FILE *fp);   /* state lines */
    /* name of component q of theta, e.g. "W[2,17]" */
    void (*component)(void *m, long q, char *buf, size_t len);
    /* --dump: dataset and initial state as CSV under dir.  0 or -1 */
    int (*dump)(void *m, const double *theta0, const char *dir);
    /* checkpoint: a hash of the regenerated dataset (and target) */
    uint64_t (*data_hash)(void *m);
    /* the files (relative to the output directory, NULL-terminated) the
       model and its observers write besides trajectory.csv, summary.json
       and checkpoint.bin: what --force removes, what no input may be */
    const char *const *outputs;

    /* ---- shadow and audit ---- */
    /* register the model's observers (MPFR shadow, invariant audit, region
       checks) on a set-up run; 0 or an exit status */
    int (*attach)(struct sg_run_ctx *ctx);
} sg_model;

/* the model's options block of cfg, as the model's own struct */
#define SG_MODEL_CFG(type, cfg) ((type *)(void *)(cfg)->model_cfg)

#endif
