/* invariants_shadow.h -- feeds the MPFR trajectory of the shadow (issue 4,
 * shadow.h) to the invariant auditor's "mpfr" checker (audit.h).
 *
 * The shadow does not know the audit: whoever assembles the run connects
 * them through the shadow's trajectory hook (shadow_audit.h,
 * sg_shadow_audit_on_trajectory), which calls sg_inv_feed_shadow right
 * after sg_shadow_audit_trajectory(a, ctx->step, ctx->theta).
 * At that point sg_shadow_step has run on a->st: its theta_new holds theta_t
 * (the arrays were swapped), theta holds theta_{t+1}, and grad, loss, Z, r
 * (or norm) belong to theta_t.  (Without the trajectory shadow nothing is
 * fed and the table's mpfr column says so.)
 *
 * At the end the shadow's own totals become the verdicts of the IDs that
 * compare the double trajectory with MPFR (double column):
 *   BOUND    held iff no audited component exceeded its round-off bound
 *            (margin 1 - max error/bound);
 *   FLIPS    the ambiguous and flipped activation pairs (a measurement:
 *            held when every flip was within its bound, i.e. BOUND held;
 *            not-applicable for the population loss, which has none);
 *   DIVERGE  held iff max_t |theta_t - theta_t^MPFR| / |theta_t^MPFR| <=
 *            --diverge-max (margin 1 - max divergence / diverge_max).
 *
 * What is fed: theta_t, theta_{t+1}, the gradient and the loss rounded to
 * double (SIGN, ALIGN, DESCENT, PHASES, GROWTH-END, RATE work on those);
 * the HOMOG and IMBAL residuals and b+ - b computed EXACTLY from the MPFR
 * values (every product exact at 2p + 106 bits, one correctly rounded
 * mpfr_sum); tolerances from tolerance.h with u = 2^-p.
 */
#ifndef SG_INVARIANTS_SHADOW_H
#define SG_INVARIANTS_SHADOW_H

#include "run/run.h"
#include "shadow/relu/shadow_audit.h"
#include "audit/relu/invariants.h"

/* BOUND of checker dbl from the shadow's totals (called at the end of the
   run; exported for its tests): held / violated on the compared
   components; not-applicable ("inconclusive") when the components with an
   infinite or NaN bound, or a non-finite value, are at least as many as
   the compared ones; violated when a population replica mismatched. */
void sg_inv_shadow_bound(sg_inv_checker *dbl, const sg_shadow_audit *sa);

/* Feed state t and step t -> t+1 of the shadow trajectory sa->st to the MPFR
   checker of the audit registered on ctx (nothing if there is none). */
void sg_inv_feed_shadow(sg_run_ctx *ctx, long step, sg_shadow_audit *sa);

/* Checkpoints: the feed keeps no state of its own beyond scratch and the
   shadow's address (the shadow saves its totals, the MPFR checker is saved
   by the audit), but whether it exists decides whether its finish (BOUND,
   FLIPS, DIVERGE from the shadow's totals) runs.  The audit's load calls
   this when the saved audit had a feed: it creates the feed (and the MPFR
   checker) for the shadow registered on ctx.  0, or -1 (no trajectory
   shadow registered, or out of memory). */
struct sg_audit;
int sg_inv_feed_shadow_restore(sg_run_ctx *ctx, struct sg_audit *a);

#endif
