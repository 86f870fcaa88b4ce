/* invariants_shadow.h -- feeds the MPFR trajectory of the shadow (issue 4,
 * shadow.h) to the invariant auditor's "mpfr" checker (audit.h).
 *
 * Compiled only when shadow_audit.h is present (after the shadow branch is merged);
 * SG_HAVE_SHADOW_FEED is then defined.  The one hook the shadow's observer
 * needs, in shadow_audit.c's obs_observe, right after
 *     sg_shadow_audit_trajectory(a, ctx->step, ctx->theta);
 * is
 *     sg_inv_feed_shadow(ctx, ctx->step, &a->st, ctx->cfg.mu);
 * At that point sg_shadow_step has run: s->theta_new holds theta_t (the
 * arrays were swapped), s->theta holds theta_{t+1}, and s->grad, s->loss,
 * s->Z, s->r (or s->norm) belong to theta_t.
 *
 * What is fed: theta_t, theta_{t+1}, the gradient and the loss rounded to
 * double (SIGN, ALIGN, DESCENT, PHASES, GROWTH-END, RATE work on those);
 * the HOMOG and IMBAL residuals and b+ - b computed EXACTLY from the MPFR
 * values (every product exact at 2p + 106 bits, one correctly rounded
 * mpfr_sum); tolerances from tolerance.h with u = 2^-p.
 */
#ifndef SG_INVARIANTS_SHADOW_H
#define SG_INVARIANTS_SHADOW_H

#if defined(__has_include)
#if __has_include("shadow_audit.h") /* not "shadow.h": glibc has one */
#define SG_HAVE_SHADOW_FEED 1
#endif
#endif

#ifdef SG_HAVE_SHADOW_FEED
#include "run.h"
#include "shadow.h"

/* Feed state t and step t -> t+1 of the shadow trajectory s to the MPFR
   checker of the audit registered on ctx (nothing if there is none). */
void sg_inv_feed_shadow(sg_run_ctx *ctx, long step, const sg_shadow *s, double mu);
#endif

#endif
