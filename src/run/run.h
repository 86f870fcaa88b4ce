/* run.h -- the run loop: parameters -> dataset -> initial state ->
 * [GD step -> measurements -> log] x T -> summary.
 *
 * The context owns every buffer of a run.  Setup, the loop and the report
 * are separate functions so that tests (and later layers: shadow, audit,
 * checkpoints) can drive a run step by step.
 */
#ifndef SG_RUN_H
#define SG_RUN_H

#include "app/config.h"
#include "run/divergence.h"
#include "kernels/relu/problem.h"
#include "io/outfile.h"
#include <stdio.h>

/* exit statuses of `shadowgd run` */
enum { SG_EXIT_OK = 0, SG_EXIT_FAIL = 1, SG_EXIT_USAGE = 2, SG_EXIT_DIVERGED = 3 };

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
 * observer lacking them is refused (exit 2) rather than resumed wrongly. */
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
    void (*destroy)(void *self);               /* called by sg_run_free  */
} sg_observer;

#define SG_MAX_OBSERVERS 8

typedef struct sg_run_ctx {
    sg_config cfg;
    sg_problem prob;
    sg_workspace ws;
    double *theta;      /* current parameters [W | v]              */
    double *theta0;     /* initial parameters                      */
    double *sign0;      /* sign of v_j(0)                          */
    double *wnorm, *angle_deg, *scratch; /* per-step measurements  */
    double a_norm;      /* |a|                                     */
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
    long traj_bytes;    /* checkpoint: bytes of trajectory hashed  */
    unsigned long long traj_hash; /* FNV-1a of those bytes         */
    double setup_seconds, loop_seconds;
    double *theta_prev; /* theta_t while observers see theta_{t+1} */
    sg_observer obs[SG_MAX_OBSERVERS];
    int nobs;
    char stop_reason[256]; /* set by the observer that stopped the run */
} sg_run_ctx;

/* Register an observer (after setup, before the loop).  0, or -1 if full. */
int sg_run_add_observer(sg_run_ctx *ctx, const sg_observer *o);

/* Allocate and fill dataset, target and initial state.  Returns 0, or an
   exit status with a one-line message printed. */
int sg_run_setup(sg_run_ctx *ctx, const sg_config *cfg);

/* Run cfg.steps GD steps writing trajectory.csv rows to fp (NULL: none). */
void sg_run_loop(sg_run_ctx *ctx, FILE *csv);

void sg_run_free(sg_run_ctx *ctx);

/* Register the observers cfg asks for (after setup).  `run` and `resume`
   both call it, so a resumed run has the same observers in the same order.
   0, or an exit status with a message. */
int sg_run_register_observers(sg_run_ctx *ctx);

/* Loop, commit trajectory.csv (csv is open on its temporary), write
   summary.json, print the human summary, free ctx.  Returns the exit
   status.  Shared by `run` and `resume`. */
int sg_run_execute(sg_run_ctx *ctx, sg_outfile *csv);

/* The whole `shadowgd run`: setup, loop, outputs.  Returns an exit status. */
int sg_run_main(const sg_config *cfg);

#endif
