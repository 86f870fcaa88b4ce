/* multi_shadow_observer.h -- the r > 1 MPFR step audit (multi_shadow.h) as
 * an observer of the run loop: every --audit-every steps of an --outputs
 * r > 1 run, each component of the double step is checked against its exact
 * value within its rigorous round-off bound (specs/roundoff.md M1-M9
 * empirical, M10 population).  Trajectory columns max_err_ratio, bound_violations,
 * ambiguous, flips; summary.json "audit"; one report line; checkpointed
 * totals (a resumed run reports what the uninterrupted run reports).  The
 * BOUND verdict itself is the r > 1 audit's (audit/relu/multi_audit.h). */
#ifndef SG_MULTI_SHADOW_OBSERVER_H
#define SG_MULTI_SHADOW_OBSERVER_H

#include "run/run.h"
#include "shadow/relu/multi_shadow.h"

#define SG_MSHADOW_NAME "mpfr-audit-multi"

typedef struct {
    sg_mshadow s;
    const sg_mworkspace *ws; /* the run's intermediates at theta_t        */
    double mu;
    long every;
    double *tn_pred;         /* the predicted theta_{t+1}                 */
    int row_audited;
    long mismatch;           /* run's theta_{t+1} != predicted (never)    */
} sg_mshadow_obs;

/* register on ctx (nothing with --audit-every 0);
   0, or -1 after one line on stderr */
int sg_mshadow_attach(sg_run_ctx *ctx, const sg_mproblem *p, const sg_mworkspace *ws,
                      int freeze_v);

/* the audit registered on ctx, or NULL */
sg_mshadow_obs *sg_mshadow_of(sg_run_ctx *ctx);

#endif
