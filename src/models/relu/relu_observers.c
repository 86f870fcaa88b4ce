/* relu_observers.c -- the ReLU model's observers (see relu_observers.h). */
#include "models/relu/relu_observers.h"
#include "audit/relu/audit.h"
#include "audit/relu/invariants_shadow.h"
#include "audit/relu/multi_audit.h"
#include "models/relu/relu_run.h"
#include "models/relu/safe_region.h"
#include "shadow/relu/multi_shadow_observer.h"
#include "shadow/relu/multi_traj.h"
#include "shadow/relu/shadow_audit.h"

int sg_relu_attach_observers(sg_run_ctx *ctx)
{
    sg_relu_run *m = ctx->m;
    const sg_relu_config *c = m->rc;
    if (m->r > 1) {
        /* The scalar MPFR shadow and the scalar invariant audit are written
           for the scalar v (sg_problem): neither is attached at r > 1 rather
           than attached wrong (summary.json's config lists the audit under
           "not_applicable"); the r > 1 MPFR step audit (roundoff.md
           M1-M10), the r > 1 MPFR trajectory (multi_traj.h) and the
           identities that generalise (audit/relu/multi_audit.h) are (issue
           16).  Both shadows are registered first: they feed the audit's
           BOUND, FLIPS and DIVERGE rows, whose table must end stdout.  The
           proved region is checked by the CLI (sizes), setup (X, Y:
           relu_multi.c) and the run loop (theta). */
        if (!ctx->cfg.quiet)
            printf("--outputs %d: scalar invariants not applicable (written for scalar "
                   "v); %s%s%s\n", m->r,
                   ctx->cfg.audit_every > 0 ? "MPFR step audit (BOUND, FLIPS); " : "",
                   ctx->cfg.shadow_trajectory ? "MPFR trajectory (DIVERGE); " : "",
                   c->no_invariants ? "--no-invariants: no invariant audit"
                                    : "auditing HOMOG, IMBAL, DESCENT, ODDPART, EVENPART, "
                                      "BOUND, FLIPS, DIVERGE, PAIRING");
        if (sg_mshadow_attach(ctx, &m->mprob, &m->mws, c->freeze_v) != 0)
            return SG_EXIT_FAIL;
        if (sg_mtraj_attach(ctx, &m->mprob, c->freeze_v) != 0)
            return SG_EXIT_FAIL;
        if (c->no_invariants)
            return 0;
        return sg_multi_audit_attach(ctx, &m->mprob, &m->mws, c->freeze_v,
                                     c->pairing_tol, c->inv.diverge_max) != 0 ? SG_EXIT_FAIL
                                                                                : 0;
    }
    /* MPFR shadow and round-off audit, registered before the invariant
       audit, whose MPFR column it feeds and whose verdict table must end
       stdout (audit.h).  Both are freed by their observers' destroy. */
    int rc = sg_shadow_audit_attach(ctx, &m->prob, &m->ws);
    if (rc != 0)
        return rc;
    sg_shadow_audit *sh = sg_shadow_audit_of(ctx);
    if (sh && c->freeze_v) /* the shadow mirrors the frozen update */
        sg_shadow_audit_freeze_v(sh, (long)c->k * c->d);
    if (c->no_invariants) /* --no-invariants: neither the audit nor its MPFR feed */
        goto region;
    sg_audit_setup set = {&m->prob, &m->ws, m->sign0, &c->inv, c->sigma, {0}, 0};
    set.plot.dir = ctx->cfg.out_dir;
    set.freeze_v = c->freeze_v;
    set.plot.plots = ctx->cfg.plots;
    set.plot.steps = ctx->cfg.steps;
    if (c->loss == SG_LOSS_EMPIRICAL)
        snprintf(set.plot.setting, sizeof set.plot.setting, "empirical loss, d=%d k=%d n=%d",
                 c->d, c->k, c->n);
    else
        snprintf(set.plot.setting, sizeof set.plot.setting, "population loss, d=%d k=%d", c->d,
                 c->k);
    set.plot.init = sg_init_name(c->init);
    set.plot.sigma = c->sigma;
    set.plot.mu = ctx->cfg.mu;
    set.plot.seed = (unsigned long long)ctx->cfg.seed;
    set.plot.align_deg = c->inv.align_deg;
    set.plot.k = c->k;
    sg_audit *audit = sg_audit_attach(ctx, &set);
    if (!audit)
        return SG_EXIT_FAIL;
    /* the shadow's MPFR trajectory feeds the audit's MPFR column */
    sg_shadow_audit *sa = sg_shadow_audit_of(ctx);
    if (sa)
        sa->on_trajectory = sg_inv_feed_shadow;
    sg_audit_set_ext_restore(audit, sg_inv_feed_shadow_restore);
region:
    /* the configuration part of the proved floating-point region: sizes,
       mu and the data, checked at step 0 (registered last, so that every
       other observer has seen row 0 when it stops the run); the parameters'
       part is the run loop's own theta_max check */
    if (c->loss == SG_LOSS_EMPIRICAL && sg_safe_region_attach(ctx, &m->prob) != 0)
        return SG_EXIT_FAIL;
    return 0;
}
