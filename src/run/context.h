/* context.h -- the state of one run as the loop, the checkpoint, the
 * summary and the observers see it: the configuration, the model and its
 * run state, the parameter vectors, the step and loss, the status, and the
 * registered observers with their callbacks (the loop's functions are in
 * run.h). */
#ifndef SG_CONTEXT_H
#define SG_CONTEXT_H

#include "run/config.h"
#include "run/divergence.h"
#include "run/model.h"
#include <stdio.h>

typedef enum { SG_STATUS_COMPLETED = 0, SG_STATUS_DIVERGED, SG_STATUS_STOPPED } sg_status;

struct sg_run_ctx;
struct sg_json;

/* An observer is a later layer (MPFR shadow, invariant audit, ...) that
 * watches the run without the run loop knowing what it computes.  Every
 * callback may be NULL.  Order per step t:
 *   observe(ctx)              theta = theta_t; ws holds L and grad at theta_t
 *   csv_row(fp)               after the core columns of row t
 *   after_update(ctx, prev)   theta = theta_{t+1}, prev = theta_t
 * A non-zero return from observe/after_update stops the run with status
 * SG_STATUS_STOPPED; the observer must have printed why and set
 * ctx->stop_reason.  An observer that checks a region (e.g. the magnitude
 * box of the float proofs) reports leaving it as a divergence instead: it
 * fills ctx->div (reason SG_DIV_REGION or SG_DIV_NONFINITE, what = 0, index,
 * value) and returns non-zero from after_update; the run then ends exactly
 * as for the built-in checks (status diverged, exit 3, outputs at theta_t).
 *
 * Checkpoints (checkpoint.h): an observer with state that influences its
 * outputs must implement save/load, or resumed runs will not reproduce the
 * uninterrupted run.  save writes the state as of after_update(theta_t)
 * (before observe(theta_t)) in any byte format of the observer's choosing;
 * load gets a stream holding exactly those bytes (len of them) and restores
 * it.  Both return 0 on success; load must reject malformed input with -1,
 * never crash.  With --checkpoint-every, every observer must have both (a
 * stateless one: save writes nothing, load accepts len == 0); a run with an
 * observer lacking them is refused (exit 2) rather than resumed wrongly.
 *
 * after_run(ctx) runs once after the loop, after trajectory.csv and
 * summary.json are committed and before the human report (e.g. figures);
 * non-zero fails the run (exit 1, the observer printed why). */
typedef struct {
    const char *name;
    void *self;
    int (*observe)(void *self, struct sg_run_ctx *ctx);
    int (*after_update)(void *self, struct sg_run_ctx *ctx, const double *theta_prev);
    void (*csv_header)(void *self, FILE *fp);  /* writes ",col,col,..." */
    void (*csv_row)(void *self, FILE *fp);     /* writes ",val,val,..." */
    void (*summary)(void *self, struct sg_json *j); /* members of the top object */
    void (*report)(void *self, FILE *fp);      /* human lines at the end */
    int (*save)(void *self, FILE *fp);         /* checkpoint: state -> bytes */
    int (*load)(void *self, FILE *fp, size_t len); /* bytes -> state    */
    int (*after_run)(void *self, struct sg_run_ctx *ctx); /* after outputs */
    void (*destroy)(void *self);               /* called by sg_run_free  */
} sg_observer;

#define SG_MAX_OBSERVERS 8

typedef struct sg_run_ctx {
    sg_config cfg;
    const sg_model *model; /* cfg.model                            */
    void *m;            /* the model's run state (model->setup)    */
    long len;           /* parameters: model->theta_len(cfg)       */
    double *theta;      /* current parameters (model's layout)     */
    double *theta0;     /* initial parameters                      */
    const double *grad; /* gradient at theta (model-owned), after loss_grad */
    long step;          /* number of GD steps taken                */
    double loss0, loss; /* loss at theta0 and at theta             */
    sg_status status;
    long diverged_step; /* first step whose state failed (div.step)*/
    long diverged_index;/* its component (div.index, -1: the loss) */
    sg_divergence div;  /* why and where the run diverged          */
    long nrows;         /* trajectory rows logged (states 0..nrows-1) */
    int io_errno;       /* errno of a failed trajectory write, or 0 */
    int resumed;        /* the loop continues from a checkpoint    */
    int interrupted;    /* SIGINT/SIGTERM stopped the loop (signal) */
    int outputs_failed; /* an after_run output (a figure) was not written: exit 1 */
    long traj_bytes;    /* checkpoint: bytes of trajectory hashed  */
    unsigned long long traj_hash; /* FNV-1a of those bytes         */
    double setup_seconds, loop_seconds;
    double *theta_prev; /* theta_t while observers see theta_{t+1} */
    sg_observer obs[SG_MAX_OBSERVERS];
    int nobs;
    char stop_reason[256]; /* set by the observer that stopped the run */
} sg_run_ctx;

#endif
