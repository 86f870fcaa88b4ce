/* inv_feed.c -- the per-state and per-step checks of a trajectory (see invariants_private.h). */
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

/* ------------------------------------------------------------- feeding */

void sg_inv_state(sg_inv_checker *c, const sg_inv_state_rec *s)
{
    int d = c->p.d, k = c->p.k;
    const double *th = s->theta, *v = th + (long)k * d, *g = s->grad;
    long t = s->step;
    if (!c->started) {
        c->started = 1;
        c->loss0 = s->loss;
    }
    /* SIGN */
    double m = INFINITY;
    for (int j = 0; j < k; j++) {
        double x = c->p.sign0[j] * v[j];
        if (x < m || isnan(x))
            m = isnan(x) ? -INFINITY : x;
    }
    inv_note_margin(&c->res[SG_INV_SIGN], t, m);

    /* angles, ALIGN, T1, plateau */
    double mx = inv_current_angles(c, th);
    c->last_maxang = mx;
    int pre_growth = c->ph.growth_step < 0 && c->ph.T1_observed < 0 && !inv_growth_reached(c, th);
    if (pre_growth && mx < c->ph.plateau_deg) {
        c->ph.plateau_deg = mx;
        c->ph.plateau_step = t;
    }
    /* the empirical (half-space) direction: alignment the data can see */
    double mg = 0.0;
    for (int j = 0; j < k; j++) {
        c->ang_g[j] = sg_halfspace_angle_deg(d, th + (long)j * d, g + (long)j * d, v[j],
                                             c->p.sign0[j], c->tmp);
        if (!(c->ang_g[j] <= mg))
            mg = c->ang_g[j];
        if (c->align_g[j] < 0 && c->ang_g[j] <= c->th.align_deg)
            c->align_g[j] = t;
        if (c->align_a[j] < 0) {
            for (int l = 0; l < d; l++)
                c->tmp[l] = c->p.sign0[j] * c->p.a[l];
            if (sg_angle(d, th + (long)j * d, c->tmp) * (180.0 / M_PI) <= c->th.align_deg)
                c->align_a[j] = t;
        }
    }
    if (c->ph.T1_empirical < 0 && mg <= c->th.align_deg)
        c->ph.T1_empirical = t;
    if (c->ph.growth_any < 0 && inv_growth_reached(c, th))
        c->ph.growth_any = t;
    if (c->ph.T1_observed < 0 && mx <= c->th.align_deg) {
        c->ph.T1_observed = t;
        c->phase_now = 2;
    }
    if (c->ph.T1_observed >= 0 && c->cls == SG_CLASS_PAIR)
        inv_note_margin(&c->res[SG_INV_ALIGN], t, c->th.align_deg - mx);

    /* end of phase 2: growth condition, then the balance condition */
    if (c->ph.T1_observed >= 0) {
        if (c->ph.growth_step < 0 && inv_growth_reached(c, th)) {
            c->ph.growth_step = t;
            if (c->cls == SG_CLASS_PAIR) {
                double bs = inv_balance_slack(c, th);
                c->growth_margin = bs;
                if (!(bs >= 0.0)) {
                    c->growth_violated = 1;
                    snprintf(c->growth_reason, sizeof c->growth_reason,
                             "at step %ld (every |v_j| >= %g sqrt|a|) some |b_j| > %g |a|", t,
                             c->th.growth_v, c->th.growth_b);
                }
            }
        }
        if (c->ph.T2_end < 0 && c->ph.growth_step >= 0 &&
            (c->cls != SG_CLASS_PAIR || inv_balance_slack(c, th) >= 0.0)) {
            c->ph.T2_end = t;
            c->ph.T2_observed = t - c->ph.T1_observed;
            c->phase_now = 3;
            inv_fit_init(&c->fit[0], t); /* the phase-3 window starts here */
        }
    }

    /* HOMOG */
    double worst = 0.0;
    for (int j = 0; j < k; j++) {
        const double *w = th + (long)j * d;
        double r = s->homog_res ? s->homog_res[j]
                                : inv_homog_acc(c->acc, d, w, g + (long)j * d, v[j], g[(long)k * d + j]);
        double tol = s->homog_tol[j];
        if (!isfinite(r) || !isfinite(tol)) {
            worst = NAN; /* overflow: this state cannot be checked */
            break;
        }
        double q = tol > 0.0 ? fabs(r) / tol : (r == 0.0 ? 0.0 : INFINITY);
        if (q > worst)
            worst = q;
    }
    c->homog_ratio_now = worst;
    if (isnan(worst))
        c->skip_homog++;
    else
        inv_note_margin(&c->res[SG_INV_HOMOG], t, 1.0 - worst);

    /* DESCENT */
    if (c->last_step >= 0) {
        double slack = c->last_loss + c->last_tol + s->loss_tol - s->loss;
        inv_note_margin(&c->res[SG_INV_DESCENT], t, slack);
    }
    c->last_step = t;
    c->last_loss = s->loss;
    c->last_tol = s->loss_tol;

    /* distance to the optimum, into the RATE fits */
    c->dist2_now = inv_current_dist2(c, th);
    double floor2 = c->th.rate_floor * c->a_norm * c->a_norm;
    for (int q = 0; q < INV_NFIT; q++)
        inv_fit_feed(&c->fit[q], t, c->dist2_now, floor2);
}

void sg_inv_step(sg_inv_checker *c, const sg_inv_step_rec *s)
{
    int d = c->p.d, k = c->p.k;
    const double *th = s->theta, *v = th + (long)k * d, *g = s->grad;
    const double *th1 = s->theta_next, *v1 = th1 + (long)k * d;
    double worst = 0.0, worst3 = 0.0;
    double D = c->cls == SG_CLASS_PAIR ? sg_opt_dist2_pair(d, k, c->p.a, th) : 0.0;
    for (int j = 0; j < k; j++) {
        const double *w = th + (long)j * d, *w1 = th1 + (long)j * d;
        const double *gw = g + (long)j * d;
        double gv = g[(long)k * d + j];
        /* db (Lemma 3) is the first part of the residual's exact sum: one
           pass gives both (the values of two separate sums) */
        double dbx = NAN, *dbp = c->cls == SG_CLASS_PAIR && !s->db ? &dbx : NULL;
        double r = s->imbal_res ? s->imbal_res[j]
                                : inv_imbal_db_acc(c->acc, d, c->p.mu, w, gw, v[j], gv, w1,
                                                   v1[j], dbp);
        double tol = s->imbal_tol[j];
        if (!isfinite(r) || !isfinite(tol)) {
            worst = worst3 = NAN; /* overflow: this step cannot be checked */
            break;
        }
        double q = tol > 0.0 ? fabs(r) / tol : (r == 0.0 ? 0.0 : INFINITY);
        if (q > worst)
            worst = q;
        if (c->cls == SG_CLASS_PAIR) {
            double db = s->db ? s->db[j]
                    : s->imbal_res ? inv_db_acc(c->acc, d, w, v[j], w1, v1[j]) : dbx;
            double nw = sg_norm(d, w);
            double bound = c->th.lemma3_c * c->p.mu * c->p.mu * (v[j] * v[j] + nw * nw) * D;
            bound = bound * (1.0 + 1e-12) + tol;
            double q3 = bound > 0.0 ? fabs(db) / bound : (db == 0.0 ? 0.0 : INFINITY);
            if (q3 > worst3 || isnan(q3))
                worst3 = isnan(q3) ? INFINITY : q3;
        }
    }
    c->imbal_ratio_now = worst;
    if (c->p.freeze_v) /* the identity is about a step of both layers */
        return;
    if (isnan(worst)) {
        c->skip_imbal++;
        return;
    }
    inv_note_margin(&c->ident, s->step, 1.0 - worst);
    if (c->cls == SG_CLASS_PAIR)
        inv_note_margin(&c->lemma3, s->step, 1.0 - worst3);
}
