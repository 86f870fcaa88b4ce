/* inv_finish.c -- the verdicts at the end of a run: PHASES, GROWTH-END, the RATE
 * fit, results set from outside, and the stuck-saddle description (see invariants_private.h). */
#include "audit/relu/invariants_private.h"
#include "audit/relu/stuck.h"
#include "io/binio.h"
#include "io/json.h"
#include "kernels/geometry.h"
#include <float.h>
#include <limits.h>
#include <math.h>
#include <mpfr.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- finish */

void inv_finish_verdict(sg_inv_result *r, const char *held_why, const char *viol_fmt)
{
    if (r->verdict == SG_NOT_APPLICABLE)
        return;
    if (r->first_violation >= 0) {
        r->verdict = SG_VIOLATED;
        snprintf(r->reason, sizeof r->reason, viol_fmt, r->first_violation);
    } else if (r->checked == 0) {
        inv_set_na(r, "nothing to check (no steps)");
    } else {
        r->verdict = SG_HELD;
        snprintf(r->reason, sizeof r->reason, "%s", held_why);
    }
}

/* the phase-3 window (fit[0]) when phase 2 ended; otherwise the earliest of
   the windows from m S/8 that is geometric (R^2 >= INV_RATE_MIN_R2, rate < 1,
   at least rate_min_window states): a run that converges linearly without
   the phase structure (e.g. sigma = 1) gets a rate too */
void inv_fit_rate(sg_inv_checker *c)
{
    sg_inv_phases *ph = &c->ph;
    sg_inv_result *r = &c->res[SG_INV_RATE];
    if (c->cls == SG_CLASS_SAME_SIGN) {
        inv_set_na(r, "k = 2 with equal initial output signs: no global optimum is reached");
        return;
    }
    const inv_fit *f = NULL;
    double slope = NAN, r2 = NAN;
    long need = c->th.rate_min_window < 2 ? 2 : c->th.rate_min_window;
    if (ph->T2_end >= 0) {
        f = &c->fit[0];
        if (f->n < need) {
            snprintf(r->reason, sizeof r->reason,
                     "phase-3 window above the floor has %ld steps (< %ld)", f->n,
                     c->th.rate_min_window);
            r->verdict = SG_NOT_APPLICABLE;
            return;
        }
        inv_fit_result(f, &slope, &r2);
    } else {
        double best_r2 = NAN;
        for (int m = 1; m < INV_NFIT && !f; m++) {
            const inv_fit *q = &c->fit[m];
            if (q->n < need)
                continue;
            double sl, rr;
            inv_fit_result(q, &sl, &rr);
            if (isnan(best_r2) || rr > best_r2)
                best_r2 = rr;
            /* geometric and converging: dist^2 falls by >= 10x over the window */
            if (exp(sl) < 1.0 && rr >= INV_RATE_MIN_R2 &&
                -sl * (double)(q->last - q->first) >= log(10.0)) {
                f = q;
                slope = sl;
                r2 = rr;
            }
        }
        if (!f) {
            snprintf(r->reason, sizeof r->reason,
                     "phase 3 not reached (phase 2 did not end) and no window of dist^2 from "
                     "m S/8 decreases geometrically (R^2 >= %g and >= 10x over >= %ld steps; "
                     "best R^2 %.4f)",
                     INV_RATE_MIN_R2, need, best_r2);
            r->verdict = SG_NOT_APPLICABLE;
            return;
        }
        ph->rate_detected = 1;
    }
    long n = f->n;
    ph->rate_start = f->first;
    ph->rate_end = f->last;
    ph->rate = exp(slope);
    ph->rate_c = (1.0 - ph->rate) / (c->p.mu * c->a_norm);
    ph->rate_r2 = r2;
    r->checked = n;
    r->worst_margin = 1.0 - ph->rate;
    const char *where = ph->rate_detected ? "phase 2 did not end; window detected from dist^2: " : "";
    if (ph->rate < 1.0) {
        r->verdict = SG_HELD;
        snprintf(r->reason, sizeof r->reason,
                 "%sdist^2 x %.6g per step over steps [%ld, %ld] (c = %.3g in 1 - c mu|a|, R^2 = %.4f)",
                 where, ph->rate, ph->rate_start, ph->rate_end, ph->rate_c, ph->rate_r2);
    } else {
        r->verdict = SG_VIOLATED;
        r->first_violation = ph->rate_start;
        snprintf(r->reason, sizeof r->reason,
                 "dist^2 does not decrease geometrically: x %.6g per step over [%ld, %ld]",
                 ph->rate, ph->rate_start, ph->rate_end);
    }
}

/* what the alignment did, appended to a PHASES reason: with the empirical
   direction g_j first, with a only once growth had started when the
   sampling plateau is above the threshold */
static void inv_phases_story(const sg_inv_checker *c, char *buf, size_t len)
{
    const sg_inv_phases *ph = &c->ph;
    double pred = ph->plateau_predicted_deg;
    char nd[48];
    if (c->p.n > 0)
        snprintf(nd, sizeof nd, "n/d = %.3g", (double)c->p.n / (double)c->p.d);
    else
        snprintf(nd, sizeof nd, "the population loss");
    if (ph->T1_empirical < 0) {
        snprintf(buf, len, "; never within %g deg of the empirical direction", c->th.align_deg);
    } else if (ph->growth_any >= 0 && ph->T1_observed >= ph->growth_any) {
        snprintf(buf, len,
                 "; aligned with the empirical direction at step %ld; with a only during "
                 "growth (from step %ld; plateau %.3g deg before it): the %g deg threshold "
                 "is below the plateau %.3g deg predicted for %s",
                 ph->T1_empirical, ph->growth_any, ph->plateau_deg, c->th.align_deg, pred, nd);
    } else {
        snprintf(buf, len,
                 "; aligned with the empirical direction at step %ld and with a at step %ld, "
                 "before growth (predicted plateau %.3g deg for %s)",
                 ph->T1_empirical, ph->T1_observed, pred, nd);
    }
}

void inv_finish_phases(sg_inv_checker *c)
{
    sg_inv_phases *ph = &c->ph;
    sg_inv_result *r = &c->res[SG_INV_PHASES];
    if (c->cls == SG_CLASS_SAME_SIGN) {
        inv_set_na(r, "k = 2 with equal initial output signs: outside the theory");
        return;
    }
    if (c->cls == SG_CLASS_GENERAL) {
        inv_set_na(r, "the phase bounds are proved for k = 2; observed group-level phases are reported");
        return;
    }
    long last = c->last_step;
    int v1 = 0, v2 = 0, n1 = 0, n2 = 0;
    if (ph->T1_observed >= 0) {
        if (ph->T1_observed > ph->T1_theory)
            v1 = 1;
    } else if (last >= ph->T1_theory) {
        v1 = 1;
    } else {
        n1 = 1;
    }
    if (ph->T2_observed >= 0) {
        if (ph->T2_observed > ph->T2_theory)
            v2 = 1;
    } else if (ph->T1_observed >= 0 && last - ph->T1_observed >= ph->T2_theory) {
        v2 = 1;
    } else {
        n2 = 1;
    }
    double m1 = ph->T1_observed >= 0 ? (double)(ph->T1_theory - ph->T1_observed) : NAN;
    double m2 = ph->T2_observed >= 0 ? (double)(ph->T2_theory - ph->T2_observed) : NAN;
    r->worst_margin = isnan(m1) ? m2 : (isnan(m2) ? m1 : fmin(m1, m2));
    r->checked = last + 1;
    if (v1 || v2) {
        r->verdict = SG_VIOLATED;
        r->first_violation = v1 ? (ph->T1_observed >= 0 ? ph->T1_observed : ph->T1_theory)
                                : (ph->T2_observed >= 0 ? ph->T2_end
                                                        : ph->T1_observed + ph->T2_theory);
        snprintf(r->reason, sizeof r->reason, "%s took longer than the theory's bound",
                 v1 ? "phase 1 (alignment)" : "phase 2 (growth)");
    } else if (n1 || n2) {
        r->verdict = SG_NOT_APPLICABLE;
        snprintf(r->reason, sizeof r->reason,
                 "run too short: phase %d not over by step %ld, before the theory's bound",
                 n1 ? 1 : 2, last);
    } else {
        r->verdict = SG_HELD;
        int n = snprintf(r->reason, sizeof r->reason,
                         "T1 = %ld <= %ld, T2 = %ld <= %ld steps", ph->T1_observed,
                         ph->T1_theory, ph->T2_observed, ph->T2_theory);
        inv_phases_story(c, r->reason + n, sizeof r->reason - (size_t)n);
    }
}

void sg_inv_finish(sg_inv_checker *c)
{
    if (c->finished)
        return;
    c->finished = 1;
    char buf[320];
    inv_finish_verdict(&c->res[SG_INV_SIGN], "every v_j kept its initial sign",
                   "an output weight changed sign at step %ld");
    if (c->cls != SG_CLASS_PAIR && c->res[SG_INV_SIGN].verdict != SG_NOT_APPLICABLE) {
        sg_inv_result *sr = &c->res[SG_INV_SIGN];
        snprintf(buf, sizeof buf,
                 "the sign pattern is claimed for k = 2 with opposite signs only; observed: %.200s",
                 sr->reason);
        inv_set_na(sr, buf);
    }
    /* ALIGN */
    sg_inv_result *al = &c->res[SG_INV_ALIGN];
    if (c->cls == SG_CLASS_SAME_SIGN) {
        inv_set_na(al, "k = 2 with equal initial output signs: one neuron cannot align with its ray");
    } else if (c->cls == SG_CLASS_GENERAL) {
        snprintf(buf, sizeof buf,
                 "per-neuron alignment is proved for k = 2 only; group angles reported "
                 "(T1 by group angles: %ld)", c->ph.T1_observed);
        inv_set_na(al, buf);
    } else if (c->ph.T1_observed < 0) {
        snprintf(buf, sizeof buf,
                 "the angles never all reached %g deg (smallest max-angle %.3g deg at step %ld)",
                 c->th.align_deg, c->ph.plateau_deg, c->ph.plateau_step);
        inv_set_na(al, buf);
    } else {
        snprintf(buf, sizeof buf, "after T1 = %ld every angle stayed <= %g deg",
                 c->ph.T1_observed, c->th.align_deg);
        inv_finish_verdict(al, buf, "an angle exceeded the threshold again at step %ld");
    }
    /* IMBAL = identity and (k = 2) Lemma 3 */
    sg_inv_result *im = &c->res[SG_INV_IMBAL];
    inv_finish_verdict(&c->ident, "identity within tolerance at every step",
                   "identity residual above its tolerance at step %ld");
    if (c->cls == SG_CLASS_PAIR)
        inv_finish_verdict(&c->lemma3, "Lemma 3 bound held at every step",
                       "Lemma 3 bound exceeded at step %ld");
    else
        inv_set_na(&c->lemma3, "Lemma 3 is stated for k = 2 with opposite signs");
    *im = c->ident;
    if (c->lemma3.verdict == SG_VIOLATED && c->ident.verdict != SG_VIOLATED) {
        im->verdict = SG_VIOLATED;
        im->first_violation = c->lemma3.first_violation;
    }
    {
        char l3[160];
        if (c->lemma3.verdict == SG_NOT_APPLICABLE)
            snprintf(l3, sizeof l3, "not-applicable (k = 2, opposite signs only)");
        else
            snprintf(l3, sizeof l3, "%s%s (worst |db|/bound %.3g)",
                     sg_verdict_name(c->lemma3.verdict),
                     c->lemma3.first_violation >= 0 ? " at a step" : "",
                     1.0 - c->lemma3.worst_margin);
        snprintf(im->reason, sizeof im->reason,
                 "identity %s (worst |res|/tol %.3g); Lemma 3 %s",
                 sg_verdict_name(c->ident.verdict), 1.0 - c->ident.worst_margin, l3);
    }
    inv_finish_verdict(&c->res[SG_INV_HOMOG], "identity within tolerance at every state",
                   "residual above its tolerance at step %ld");
    if (c->skip_homog > 0) {
        size_t n = strlen(c->res[SG_INV_HOMOG].reason);
        snprintf(c->res[SG_INV_HOMOG].reason + n, sizeof c->res[SG_INV_HOMOG].reason - n,
                 " (%ld states not checkable: overflow)", c->skip_homog);
    }
    if (c->skip_imbal > 0) {
        size_t n = strlen(im->reason);
        snprintf(im->reason + n, sizeof im->reason - n,
                 " (%ld steps not checkable: overflow)", c->skip_imbal);
    }
    inv_finish_verdict(&c->res[SG_INV_DESCENT], "the loss never increased beyond its tolerance",
                   "the loss increased at step %ld");
    inv_finish_phases(c);
    /* GROWTH-END */
    sg_inv_result *ge = &c->res[SG_INV_GROWTH_END];
    if (c->cls != SG_CLASS_PAIR) {
        inv_set_na(ge, c->cls == SG_CLASS_SAME_SIGN
                       ? "k = 2 with equal initial output signs: outside the theory"
                       : "Lemma 7 is stated for k = 2 with opposite signs");
    } else if (c->ph.growth_step < 0) {
        inv_set_na(ge, c->ph.T1_observed < 0 ? "phase 1 did not end" : "phase 2 did not end");
    } else {
        ge->checked = 1;
        ge->worst_margin = c->growth_margin;
        if (c->growth_violated) {
            ge->verdict = SG_VIOLATED;
            ge->first_violation = c->ph.growth_step;
            snprintf(ge->reason, sizeof ge->reason, "%s", c->growth_reason);
        } else {
            snprintf(ge->reason, sizeof ge->reason,
                     "at step %ld: every |v_j| >= %g sqrt|a| and |b_j| <= %g |a|",
                     c->ph.growth_step, c->th.growth_v, c->th.growth_b);
        }
    }
    inv_fit_rate(c);
    if (c->cls == SG_CLASS_GENERAL && c->res[SG_INV_RATE].verdict != SG_NOT_APPLICABLE) {
        sg_inv_result *rr = &c->res[SG_INV_RATE];
        snprintf(buf, sizeof buf, "the linear rate is proved for k = 2; group level: %.220s",
                 rr->reason);
        inv_set_na(rr, buf);
    }
    if (c->cls == SG_CLASS_PAIR && !(c->p.sigma < c->sqrt_a)) {
        snprintf(buf, sizeof buf,
                 "the phase analysis assumes a small initialisation sigma < sqrt|a|; here sigma = %g, sqrt|a| = %g",
                 c->p.sigma, c->sqrt_a);
        inv_set_na(&c->res[SG_INV_PHASES], buf);
        inv_set_na(&c->res[SG_INV_GROWTH_END], buf);
    }
    if (c->p.freeze_v) {
        const char *fz = "--freeze-v: v is not trained; the identity, Lemma 3 and the phase "
                         "analysis are about GD on both layers";
        inv_set_na(&c->res[SG_INV_IMBAL], fz);
        inv_set_na(&c->res[SG_INV_PHASES], fz);
        inv_set_na(&c->res[SG_INV_GROWTH_END], fz);
    }
    const char *shadow = "measured by the MPFR shadow (issue 4); not produced by this checker";
    inv_set_na(&c->res[SG_INV_BOUND], shadow);
    inv_set_na(&c->res[SG_INV_FLIPS], shadow);
    inv_set_na(&c->res[SG_INV_DIVERGE], shadow);
}

void sg_inv_set_result(sg_inv_checker *c, sg_inv_id id, sg_verdict v, const char *reason,
                       long first_violation, double worst_margin, const char *margin_unit,
                       long checked)
{
    sg_inv_result *r = &c->res[id];
    r->verdict = v;
    snprintf(r->reason, sizeof r->reason, "%s", reason);
    r->first_violation = first_violation;
    r->worst_margin = worst_margin;
    r->margin_unit = margin_unit;
    r->checked = checked;
}

int sg_inv_stuck(const sg_inv_checker *c, const double *theta, double loss, char *buf,
                 size_t len)
{
    return sg_stuck_detect(c->p.d, c->p.k, c->p.a, theta, loss, buf, len);
}

void sg_inv_mark_stuck(sg_inv_checker *c)
{
    char buf[320];
    c->stuck = 1;
    int fitted = c->res[SG_INV_RATE].verdict != SG_NOT_APPLICABLE;
    snprintf(buf, sizeof buf,
             "stuck at a saddle (loss ~ |a|^2/4): no optimum is approached; %s%.200s",
             fitted ? "the fit would give " : "", c->res[SG_INV_RATE].reason);
    inv_set_na(&c->res[SG_INV_RATE], buf);
    c->ph.rate = c->ph.rate_c = c->ph.rate_r2 = NAN;
    c->ph.rate_start = c->ph.rate_end = -1;
}
