/* inv_finish.c -- the verdicts at the end of a run: PHASES, GROWTH-END, the RATE
 * fit, results set from outside, and the stuck-saddle description (see invariants_private.h). */
#include "audit/relu/invariants_private.h"
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

void inv_fit_rate(sg_inv_checker *c)
{
    sg_inv_phases *ph = &c->ph;
    sg_inv_result *r = &c->res[SG_INV_RATE];
    if (c->cls == SG_CLASS_SAME_SIGN) {
        inv_set_na(r, "k = 2 with equal initial output signs: no global optimum is reached");
        return;
    }
    if (ph->T2_end < 0) {
        inv_set_na(r, "phase 3 not reached (phase 2 did not end)");
        return;
    }
    double floor2 = c->th.rate_floor * c->a_norm * c->a_norm;
    long i0 = -1, i1 = -1;
    for (long i = 0; i < c->nser; i++) {
        if (c->ser_step[i] < ph->T2_end)
            continue;
        if (!(c->ser_val[i] > floor2) || !isfinite(c->ser_val[i]))
            break;
        if (i0 < 0)
            i0 = i;
        i1 = i;
    }
    long n = i0 < 0 ? 0 : i1 - i0 + 1;
    if (n < c->th.rate_min_window || n < 2) {
        snprintf(r->reason, sizeof r->reason,
                 "phase-3 window above the floor has %ld steps (< %ld)", n,
                 c->th.rate_min_window);
        r->verdict = SG_NOT_APPLICABLE;
        return;
    }
    /* least squares of ln dist^2 against t */
    double st = 0, sy = 0, stt = 0, sty = 0;
    for (long i = i0; i <= i1; i++) {
        double x = (double)c->ser_step[i], y = log(c->ser_val[i]);
        st += x; sy += y; stt += x * x; sty += x * y;
    }
    double nn = (double)n, den = nn * stt - st * st;
    double slope = (nn * sty - st * sy) / den, icpt = (sy - slope * st) / nn;
    double ybar = sy / nn, ssr = 0, sst = 0;
    for (long i = i0; i <= i1; i++) {
        double x = (double)c->ser_step[i], y = log(c->ser_val[i]);
        double e = y - (icpt + slope * x);
        ssr += e * e;
        sst += (y - ybar) * (y - ybar);
    }
    ph->rate_start = c->ser_step[i0];
    ph->rate_end = c->ser_step[i1];
    ph->rate = exp(slope);
    ph->rate_c = (1.0 - ph->rate) / (c->p.mu * c->a_norm);
    ph->rate_r2 = sst > 0.0 ? 1.0 - ssr / sst : 1.0;
    r->checked = n;
    r->worst_margin = 1.0 - ph->rate;
    if (ph->rate < 1.0) {
        r->verdict = SG_HELD;
        snprintf(r->reason, sizeof r->reason,
                 "dist^2 x %.6g per step over steps [%ld, %ld] (c = %.3g in 1 - c mu|a|, R^2 = %.4f)",
                 ph->rate, ph->rate_start, ph->rate_end, ph->rate_c, ph->rate_r2);
    } else {
        r->verdict = SG_VIOLATED;
        r->first_violation = ph->rate_start;
        snprintf(r->reason, sizeof r->reason,
                 "dist^2 does not decrease geometrically: x %.6g per step over [%ld, %ld]",
                 ph->rate, ph->rate_start, ph->rate_end);
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
        snprintf(r->reason, sizeof r->reason,
                 "T1 = %ld <= %ld, T2 = %ld <= %ld steps", ph->T1_observed, ph->T1_theory,
                 ph->T2_observed, ph->T2_theory);
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
    int d = c->p.d, k = c->p.k;
    double a2 = c->a_norm * c->a_norm;
    if (k == 2) {
        const double *w1 = theta, *w2 = theta + d;
        double ang = sg_angle(d, w1, w2) * (180.0 / M_PI);
        double n1 = sg_norm(d, w1), n2 = sg_norm(d, w2);
        if (n1 > 0.0 && n2 > 0.0 && ang <= c->th.align_deg && fabs(loss - 0.25 * a2) <= 0.05 * a2) {
            double ra = sg_angle(d, w1, c->p.a) * (180.0 / M_PI);
            snprintf(buf, len,
                     "stuck at a saddle: both neurons on one ray, %s (angle between w_1 and "
                     "w_2 %.3g deg), loss %.6g ~ |a|^2/4 = %.6g; the network acts as one "
                     "ReLU unit along %sa and cannot represent a.x",
                     ra < 90.0 ? "+a" : "-a", ang, loss, 0.25 * a2, ra < 90.0 ? "+" : "-");
            return 1;
        }
    }
    return 0;
}
