/* audit.h -- the invariant audit of a run: an observer of the run loop that
 * feeds the double trajectory to an invariant checker (invariants.h), owns
 * the MPFR trajectory's checker slot, writes the "invariants", "phases" and
 * "stationary_point" members of summary.json, CSV columns, the verdict table,
 * a progress line, and the figures (plots.h).
 *
 * Wiring the MPFR trajectory (issue 4, the shadow).  invariants_shadow.c does
 * it and compiles as soon as shadow_audit.h is in src/; after the merge two
 * lines are needed (see invariants_shadow.h):
 *   - shadow_audit.c, obs_observe, after sg_shadow_audit_trajectory(...):
 *         sg_inv_feed_shadow(ctx, ctx->step, a);
 *   - run.c, sg_run_main: register the shadow's observer BEFORE
 *     sg_audit_attach, so that the verdict table is the end of stdout.
 * Any other MPFR feeder uses the generic interface: m = sg_audit_mpfr(audit),
 * then per step sg_inv_state(m, ...) and sg_inv_step(m, ...) with the MPFR
 * state rounded to double and the identities' residuals (homog_res,
 * imbal_res, db) computed in MPFR, tolerances of order 2^-p times their
 * terms (tolerance.h with u = 2^-p).  Passing NULL residuals would make the
 * checker evaluate them on the rounded doubles, where the identities do not
 * hold: do not.  The audit finishes both checkers, so the table and
 * summary.json show both columns and label double-only violations as
 * numerical artefacts.
 */
#ifndef SG_AUDIT_H
#define SG_AUDIT_H

#include "audit/relu/invariants.h"
#include "audit/relu/plots.h"
#include "kernels/relu/problem.h"
#include "run/run.h"

typedef struct sg_audit sg_audit;

#define SG_AUDIT_NAME "invariants"

/* What the audit reads of the run besides the loop's generic state
   (theta, grad, loss, step); every pointer is borrowed for the run. */
typedef struct {
    const sg_problem *prob;       /* dataset, target, sizes               */
    const sg_workspace *ws;       /* the kernels' intermediates at theta  */
    const double *sign0;          /* k: sign of v_j(0)                    */
    const sg_inv_thresholds *th;  /* --align-deg etc.                     */
    double sigma;                 /* initialisation scale (PHASES' T2)    */
    sg_plot_setup plot;           /* what the figures say                 */
    int freeze_v;                /* --freeze-v: only W is trained          */
} sg_audit_setup;

/* Create the audit of ctx's run and register it as an observer (after
   sg_run_setup, before sg_run_loop).  Prints the same-sign warning (k = 2,
   equal initial output signs) on stderr.  NULL: out of memory (message
   printed). */
sg_audit *sg_audit_attach(sg_run_ctx *ctx, const sg_audit_setup *set);

/* The problem the audit was attached with. */
const sg_problem *sg_audit_problem(const sg_audit *a);

/* Its copy of |X| for the tolerances (tol_abs.h), NULL if none. */
struct sg_tol_abs;
struct sg_tol_abs *sg_audit_tol_abs(sg_audit *a);

/* The MPFR trajectory's checker (created on first call). */
sg_inv_checker *sg_audit_mpfr(sg_audit *a);

/* The double trajectory's checker. */
sg_inv_checker *sg_audit_double(sg_audit *a);

/* The thresholds of the audit (the run's --align-deg etc.). */
const sg_inv_thresholds *sg_audit_thresholds(sg_audit *a);

/* The audit registered on ctx (observer "invariants"), or NULL. */
sg_audit *sg_audit_of(sg_run_ctx *ctx);

/* One extension slot (the MPFR feed's state): finish_ext runs after both
   checkers are finished (before the summary and the table), free_ext in
   sg_audit_free. */
void *sg_audit_ext(sg_audit *a);
void sg_audit_set_ext(sg_audit *a, void *ext, void (*free_ext)(void *),
                      void (*finish_ext)(void *ext, sg_audit *a));

/* How a checkpoint that had the extension recreates it on load (the MPFR
   feed: invariants_shadow.h, sg_inv_feed_shadow_restore), set by whoever
   assembles the run; without it such a checkpoint is rejected. */
void sg_audit_set_ext_restore(sg_audit *a, int (*restore)(sg_run_ctx *ctx, sg_audit *a));

/* Checkpoints (the observer's save and load, run.h).  The audit's state is
   its checkers' (invariants.h, sg_inv_save): the section is
     "SGAUDIT\n", u32 version (1), u32 flags (1: an MPFR checker exists,
     2: the MPFR feed exists, invariants_shadow.h), u32 d, u32 k, u64 steps,
     u64 length + the double checker's section,
     [flags & 1] u64 length + the MPFR checker's section,
   little-endian (binio.h).  Saving a finished audit fails (-1).  load reads
   exactly len bytes into fresh checkers and swaps them in only when both
   are valid and match the run's configuration; -1 otherwise (the run must
   then not continue: the checkpoint layer reports the error). */
int sg_audit_save(sg_audit *a, FILE *fp);
int sg_audit_load(sg_audit *a, FILE *fp, size_t len);

/* After the loop and summary.json: finish, figures (the observer's
   after_run).  0 or -1. */
int sg_audit_after_run(sg_audit *a, sg_run_ctx *ctx);

void sg_audit_free(sg_audit *a);

#endif
