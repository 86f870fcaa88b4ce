/* checker.c -- matrix sensing's invariants on one trajectory (see checker.h). */
#include "audit/sensing/checker.h"
#include "io/binio.h"
#include "io/json.h"
#include <math.h>
#include <stdarg.h>
#include <string.h>

static const char *const names[SG_SI_COUNT] = {
    "BALANCE", "IMBALANCE", "LOWRANK", "RECOVERY", "SPECTRAL", "PHASES", "DESCENT",
    "BOUND", "FLIPS", "DIVERGE"};

const char *sg_sens_inv_name(int id)
{
    return id >= 0 && id < SG_SI_COUNT ? names[id] : "?";
}

static const char *const units[SG_SI_COUNT] = {
    "1 - max |residual|/tolerance", "slack / (|D_0| + k sum drift)",
    "1 - max sigma_{r+1}/(factor alpha)", "1 - error/(factor alpha)",
    "1 - final angle/threshold", "steps between alignment and end of growth",
    "loss slack L(t)+tol-L(t+1)", "1 - max error/bound", "", "1 - max divergence/diverge_max"};

void sg_sens_inv_init(sg_sens_checker *c, const char *name, const sg_sens_inv_setup *set)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->set = *set;
    sg_sens_inv_stats *s = &c->st;
    s->descent_first = s->imb_first = s->imb_max_step = s->lowrank_max_step = -1;
    s->err_min_step = s->spectral_first = s->growth_end = s->balance_first = -1;
    s->descent_worst = s->imb_worst = INFINITY;
    s->err_min = INFINITY;
    s->lowrank_max = s->imb_max = -INFINITY;
    for (int id = 0; id < SG_SI_COUNT; id++)
        sg_vresult_init(&c->res[id], units[id]);
}

void sg_sens_inv_state(sg_sens_checker *c, long t, double loss, double tol,
                       const sg_sens_meas *m)
{
    sg_sens_inv_stats *s = &c->st;
    int r = c->set.r;
    if (s->states == 0)
        s->imb0 = m->imbalance;
    else {
        /* DESCENT: L(t) <= L(t-1) + tol(t-1) + tol(t) */
        double slack = s->loss_prev + s->tol_prev + tol - loss;
        if (!(slack >= s->descent_worst))
            s->descent_worst = slack;
        if (!(slack >= 0.0) && s->descent_first < 0)
            s->descent_first = t;
    }
    s->loss_prev = loss;
    s->tol_prev = tol;
    /* IMBALANCE: |D_t| <= |D_0| + k sum drift (the triangle inequality on
       the exact identity D_t = D_0 + sum_s mu^2 (...)); slack relative */
    double cap = s->imb0 + (double)c->set.k * s->drift_sum;
    double islack = (cap * (1.0 + 1e-12) + 1e-300 - m->imbalance) / (cap > 0 ? cap : 1.0);
    if (s->states > 0 && !(islack >= s->imb_worst)) /* state 0 defines |D_0| */
        s->imb_worst = islack;
    if (s->states > 0 && !(islack >= 0.0) && s->imb_first < 0)
        s->imb_first = t;
    if (!(m->imbalance <= s->imb_max)) {
        s->imb_max = m->imbalance;
        s->imb_max_step = t;
    }
    double sr = m->nsigma > r - 1 ? m->sigma[r - 1] : NAN;
    double sr1 = m->nsigma > r ? m->sigma[r] : 0.0;
    if (!(sr1 <= s->lowrank_max)) {
        s->lowrank_max = sr1;
        s->lowrank_ratio_at_max = sr > 0 ? sr1 / sr : NAN;
        s->lowrank_max_step = t;
    }
    s->err_final = m->rel_error;
    if (!(m->rel_error >= s->err_min)) {
        s->err_min = m->rel_error;
        s->err_min_step = t;
    }
    s->angle_final = m->angle * (180.0 / M_PI);
    if (s->spectral_first < 0 && s->angle_final <= c->set.spectral_deg)
        s->spectral_first = t;
    if (s->growth_end < 0 && sr >= 0.5 * c->set.s_r)
        s->growth_end = t;
    s->sigma_r_final = sr;
    s->sigma_r1_final = sr1;
    s->states++;
}

void sg_sens_inv_balance(sg_sens_checker *c, long t, const sg_sens_balance *b)
{
    sg_sens_inv_stats *s = &c->st;
    s->steps++;
    s->drift_sum += b->drift;
    if (b->drift > s->balance_max_drift)
        s->balance_max_drift = b->drift;
    if (!(b->max_ratio <= s->balance_max_ratio))
        s->balance_max_ratio = b->max_ratio;
    if (b->violations != 0) {
        s->balance_viol++;
        if (s->balance_first < 0)
            s->balance_first = t;
    }
}

static void set(sg_vresult *r, sg_verdict v, long first, double margin, long checked,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void set(sg_vresult *r, sg_verdict v, long first, double margin, long checked,
                const char *fmt, ...)
{
    va_list ap;
    r->verdict = v;
    r->first_violation = v == SG_VIOLATED ? first : -1;
    r->worst_margin = margin;
    r->checked = checked;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
}

void sg_sens_inv_finish(sg_sens_checker *c)
{
    if (c->finished)
        return;
    c->finished = 1;
    const sg_sens_inv_stats *s = &c->st;
    const sg_sens_inv_setup *p = &c->set;
    double alpha = p->alpha;
    if (s->steps == 0)
        sg_vresult_na(&c->res[SG_SI_BALANCE], "no step taken");
    else
        set(&c->res[SG_SI_BALANCE], s->balance_viol ? SG_VIOLATED : SG_HELD, s->balance_first,
            1.0 - s->balance_max_ratio, s->steps,
            s->balance_viol ? "%.0f steps outside the tolerance (worst |res|/tol %.3g)"
                            : "identity held at every step (worst |res|/tol %.3g; max drift "
                              "mu^2|G_U'G_U - G_V'G_V|_max %.3g)",
            s->balance_viol ? (double)s->balance_viol : s->balance_max_ratio,
            s->balance_viol ? s->balance_max_ratio : s->balance_max_drift);
    if (s->states == 0) {
        for (int id = SG_SI_IMBALANCE; id <= SG_SI_DESCENT; id++)
            sg_vresult_na(&c->res[id], "no state logged");
        return;
    }
    set(&c->res[SG_SI_IMBALANCE], s->imb_first >= 0 ? SG_VIOLATED : SG_HELD, s->imb_first,
        s->imb_worst, s->states,
        "|D_0| = %.3g (%.3g alpha^2), max |D_t| = %.3g, accumulated drift k sum = %.3g",
        s->imb0, s->imb0 / (alpha * alpha), s->imb_max, (double)p->k * s->drift_sum);
    double lr_cap = p->lowrank_factor * alpha;
    set(&c->res[SG_SI_LOWRANK], s->lowrank_max <= lr_cap ? SG_HELD : SG_VIOLATED,
        s->lowrank_max_step, 1.0 - s->lowrank_max / lr_cap, s->states,
        "max sigma_{r+1}(UV') = %.3g = %.3g alpha (limit %.3g alpha), sigma_{r+1}/sigma_r "
        "there %.3g", s->lowrank_max, s->lowrank_max / alpha, p->lowrank_factor,
        s->lowrank_ratio_at_max);
    double er_cap = p->recovery_factor * alpha;
    set(&c->res[SG_SI_RECOVERY], s->err_final <= er_cap ? SG_HELD : SG_VIOLATED,
        s->states - 1, 1.0 - s->err_final / er_cap, s->states,
        "final |UV' - X*|_F/|X*|_F = %.3g = %.3g alpha (limit %.3g alpha); plateau min %.3g",
        s->err_final, s->err_final / alpha, p->recovery_factor, s->err_min);
    if (s->spectral_first >= 0)
        set(&c->res[SG_SI_SPECTRAL], s->angle_final <= p->spectral_deg ? SG_HELD : SG_VIOLATED,
            s->states - 1, 1.0 - s->angle_final / p->spectral_deg, s->states,
            "largest principal angle below %.3g deg from step %.0f; final %.3g deg",
            p->spectral_deg, (double)s->spectral_first, s->angle_final);
    else
        set(&c->res[SG_SI_SPECTRAL], SG_VIOLATED, s->states - 1,
            1.0 - s->angle_final / p->spectral_deg, s->states,
            "the angle never fell below %.3g deg (final %.3g deg)", p->spectral_deg,
            s->angle_final);
    sg_vresult *ph = &c->res[SG_SI_PHASES];
    if (s->spectral_first < 0 || s->growth_end < 0) {
        char why[320];
        snprintf(why, sizeof why, "not every phase was reached: alignment %ld, end of growth "
                                  "%ld (-1: not reached)", s->spectral_first, s->growth_end);
        sg_vresult_na(ph, why);
    } else {
        long gap = s->growth_end - s->spectral_first;
        set(ph, gap >= 0 ? SG_HELD : SG_VIOLATED, s->growth_end, (double)gap, 1,
            "alignment at step %.0f, end of growth (sigma_r >= s_r/2) at step %.0f, "
            "refinement after it; final sigma_r = %.4g, sigma_{r+1} = %.3g",
            (double)s->spectral_first, (double)s->growth_end, s->sigma_r_final,
            s->sigma_r1_final);
    }
    if (s->states < 2)
        sg_vresult_na(&c->res[SG_SI_DESCENT], "one state: no step to compare");
    else
        set(&c->res[SG_SI_DESCENT], s->descent_first >= 0 ? SG_VIOLATED : SG_HELD,
            s->descent_first, s->descent_worst, s->states - 1,
            s->descent_first >= 0 ? "the loss increased beyond its tolerance (worst slack "
                                    "%.3g)"
                                  : "the loss never increased beyond its tolerance (worst "
                                    "slack %.3g)",
            s->descent_worst);
}

int sg_sens_inv_save(const sg_sens_checker *c, FILE *fp)
{
    sg_bw w = {fp, 0};
#define PUT_L(f) sg_bw_i64(&w, c->st.f);
#define PUT_D(f) sg_bw_f64(&w, c->st.f);
    SG_SENS_STAT_LONGS(PUT_L)
    SG_SENS_STAT_DOUBLES(PUT_D)
    return w.bad ? -1 : 0;
}

int sg_sens_inv_load(sg_sens_checker *c, FILE *fp, size_t len)
{
    sg_br r = {fp, len, 0};
    sg_sens_inv_stats s;
#define GET_L(f) s.f = sg_br_i64(&r);
#define GET_D(f) s.f = sg_br_f64(&r);
    SG_SENS_STAT_LONGS(GET_L)
    SG_SENS_STAT_DOUBLES(GET_D)
    if (r.bad || r.left != 0 || c->finished || s.states < 0 || s.steps < 0)
        return -1;
    c->st = s;
    return 0;
}

void sg_sens_inv_json(sg_json *j, const sg_sens_checker *dbl, const sg_sens_checker *mp)
{
    sg_json_open(j, "invariants");
    for (int id = 0; id < SG_SI_COUNT; id++) {
        const sg_vresult *r = &dbl->res[id];
        sg_json_open(j, names[id]);
        sg_vresult_json(j, r, dbl->name);
        sg_vresult_json_mpfr(j, r, mp ? &mp->res[id] : NULL, mp ? mp->name : NULL);
        sg_json_close(j);
    }
    sg_json_close(j);
}

void sg_sens_inv_table(FILE *fp, const sg_sens_checker *dbl, const sg_sens_checker *mp)
{
    sg_vtable_header(fp);
    int artefacts = 0;
    for (int id = 0; id < SG_SI_COUNT; id++)
        artefacts += sg_vtable_row(fp, names[id], &dbl->res[id], mp ? &mp->res[id] : NULL);
    sg_vtable_footnote(fp, artefacts);
}
