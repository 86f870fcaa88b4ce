/* multi_shadow_verdicts.c -- the r > 1 verdicts measured by the MPFR
 * shadows (see multi_audit.h): FLIPS from the step audit's totals
 * (shadow/relu/multi_shadow.h), DIVERGE from the independent MPFR
 * trajectory's (shadow/relu/multi_traj.h).  Same meaning, threshold and
 * wording as the scalar rows (audit/relu/invariants_shadow.c). */
#include "audit/relu/multi_audit.h"
#include <math.h>
#include <stdio.h>

void sg_multi_audit_flips(sg_multi_audit *a)
{
    sg_vresult *res = &a->flips_res;
    sg_vresult_init(res, "-(flipped pairs)");
    if (!a->msh) {
        sg_vresult_na(res, a->bound_na[0] ? "the local round-off audit is off (--audit-every 0)"
                                          : "no MPFR step audit");
        return;
    }
    const sg_mshadow *s = &a->msh->s;
    if (s->pop) {
        sg_vresult_na(res, "the population loss has no activation indicators");
        return;
    }
    if (s->steps == 0) {
        sg_vresult_na(res, "no step audited");
        return;
    }
    /* a measurement: held when every flip was within its bound (BOUND) */
    res->checked = s->steps;
    res->worst_margin = (double)-s->flips;
    snprintf(res->reason, sizeof res->reason,
             "%ld ambiguous and %ld flipped activation pairs in %ld audited steps%s", s->ambiguous,
             s->flips, s->steps, s->violations == 0 ? "; every flip within its bound" : "");
    res->verdict = s->violations == 0 ? SG_HELD : SG_VIOLATED;
    res->first_violation = s->violations == 0 ? -1 : s->first_step;
}

void sg_multi_audit_diverge(sg_multi_audit *a)
{
    sg_vresult *res = &a->diverge_res;
    sg_vresult_init(res, "1 - max divergence/diverge_max");
    const sg_mtraj *t = a->traj;
    if (!t || t->max_div_step < 0) {
        sg_vresult_na(res, t ? "no state compared" : "--no-shadow-trajectory: no MPFR trajectory");
        return;
    }
    double md = t->max_div, lim = a->diverge_max;
    res->checked = 1;
    res->worst_margin = 1.0 - md / lim;
    snprintf(res->reason, sizeof res->reason,
             "max |theta - theta_mpfr|/|theta_mpfr| = %.3g at step %ld (final %.3g, limit %g)", md,
             t->max_div_step, t->final_div, lim);
    res->verdict = md <= lim ? SG_HELD : SG_VIOLATED;
    res->first_violation = md <= lim ? -1 : t->max_div_step;
}
