/* observer.h -- matrix sensing's shadow and audit as one observer of the
 * run loop (run/context.h), registered by the model's attach:
 *   - the local step audit (shadow/sensing/step_audit.h) every audit_every
 *     steps: the MPFR step from the double state, every component within
 *     its rigorous bound (BOUND), the loss's bound doubling as DESCENT's
 *     tolerance;
 *   - BALANCE on every double step (audit/sensing/balance.h);
 *   - the independent MPFR trajectory (unless --no-shadow-trajectory): its
 *     divergence from the double one (DIVERGE) and the same invariants on
 *     it (the verdict table's mpfr column), with BALANCE at 2^-p;
 *   - measurements (LAPACK, measure.h) of both trajectories every state.
 * CSV columns: max_err_ratio, bound_violations, balance_ratio, divergence,
 * rel_error_mpfr.  summary.json: "invariants", "phases", "shadow".
 */
#ifndef SG_SENS_OBSERVER_H
#define SG_SENS_OBSERVER_H

#include "audit/sensing/checker.h"
#include "kernels/sensing/step.h"
#include "run/run.h"

#define SG_SENS_AUDIT_NAME "sensing-audit"

/* Register the observer on ctx's run of problem p whose kernels leave
   their intermediates in w (both borrowed); thresholds in set, DIVERGE's
   limit diverge_max.  0 or an exit status (message printed). */
int sg_sens_audit_attach(sg_run_ctx *ctx, const sg_sens_problem *p, const sg_sens_work *w,
                         const sg_sens_inv_setup *set, double diverge_max);

#endif
