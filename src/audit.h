/* audit.h -- the invariant audit of a run: an observer of the run loop that
 * feeds the double trajectory to an invariant checker (invariants.h), owns
 * the MPFR trajectory's checker slot, writes the "invariants", "phases" and
 * "stationary_point" members of summary.json, CSV columns, the verdict table,
 * a progress line, and the figures (plots.h).
 *
 * Wiring the MPFR trajectory (issue 4, the shadow): the shadow observer calls
 *     sg_inv_checker *m = sg_audit_mpfr(audit);
 * once after sg_audit_attach (this creates the "mpfr" checker), and then per
 * step, in the run loop's order:
 *     sg_inv_state(m, &(sg_inv_state_rec){ t, theta_t, grad_t, L_t, loss_tol,
 *                                          homog_res, homog_tol });
 *     sg_inv_step(m, &(sg_inv_step_rec){ t, theta_t, grad_t, theta_t1,
 *                                        imbal_res, imbal_tol });
 * with theta/grad/loss of the MPFR trajectory rounded to double (enough for
 * SIGN, ALIGN, DESCENT, PHASES, GROWTH-END, RATE), and the exact identities
 * evaluated by the shadow in MPFR: homog_res[j] = w_j.g_wj - v_j g_vj and
 * imbal_res[j] = b_j+ - b_j - mu^2(|g_wj|^2 - g_vj^2), rounded to double, with
 * tolerances of the order of 2^-p times the magnitude of their terms.
 * (Passing NULL residuals makes the checker evaluate them exactly on the
 * rounded doubles, where the identities do NOT hold; do not.)  The audit
 * finishes both checkers, so the table and summary.json show both columns
 * and label double-only violations as numerical artefacts.
 */
#ifndef SG_AUDIT_H
#define SG_AUDIT_H

#include "invariants.h"
#include "run.h"

typedef struct sg_audit sg_audit;

/* Create the audit of ctx's run and register it as an observer (after
   sg_run_setup, before sg_run_loop).  Prints the same-sign warning (k = 2,
   equal initial output signs) on stderr.  NULL: out of memory (message
   printed). */
sg_audit *sg_audit_attach(sg_run_ctx *ctx);

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

/* After the loop and summary.json: finish, figures.  0 or -1. */
int sg_audit_after_run(sg_audit *a, sg_run_ctx *ctx);

void sg_audit_free(sg_audit *a);

#endif
