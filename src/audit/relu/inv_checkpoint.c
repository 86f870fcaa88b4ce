/* inv_checkpoint.c -- save and load of a checker (the audit's checkpoint section) (see invariants_private.h). */
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

/* -------------------------------------------------------- checkpoints */

#define INV_MAGIC "SGINVCK\n"
#define INV_VERSION 2u
#define INV_NRES (SG_INV_COUNT + 2) /* the IDs, then the two parts of IMBAL */

static const sg_inv_result *result_at(const sg_inv_checker *c, int q)
{
    return q < SG_INV_COUNT ? &c->res[q] : q == SG_INV_COUNT ? &c->ident : &c->lemma3;
}

static int same_bits(double x, double y)
{
    return memcmp(&x, &y, sizeof x) == 0;
}

static void put_thresholds(sg_bw *w, const sg_inv_thresholds *th)
{
    sg_bw_f64(w, th->align_deg);
    sg_bw_f64(w, th->growth_v);
    sg_bw_f64(w, th->growth_b);
    sg_bw_f64(w, th->lemma3_c);
    sg_bw_f64(w, th->rate_floor);
    sg_bw_i64(w, th->rate_min_window);
    sg_bw_f64(w, th->line_deg);
    sg_bw_f64(w, th->diverge_max);
}

/* the stored thresholds are exactly th */
static int check_thresholds(sg_br *r, const sg_inv_thresholds *th)
{
    int ok = same_bits(sg_br_f64(r), th->align_deg);
    ok &= same_bits(sg_br_f64(r), th->growth_v);
    ok &= same_bits(sg_br_f64(r), th->growth_b);
    ok &= same_bits(sg_br_f64(r), th->lemma3_c);
    ok &= same_bits(sg_br_f64(r), th->rate_floor);
    ok &= sg_br_i64(r) == th->rate_min_window;
    ok &= same_bits(sg_br_f64(r), th->line_deg);
    ok &= same_bits(sg_br_f64(r), th->diverge_max);
    return ok && !r->bad;
}

static void put_result(sg_bw *w, const sg_inv_result *res)
{
    sg_bw_u32(w, (uint32_t)res->verdict);
    sg_bw_i64(w, res->first_violation);
    sg_bw_f64(w, res->worst_margin);
    sg_bw_i64(w, res->checked);
    sg_bw_str(w, res->reason);
}

/* into res (margin_unit untouched); 0, or -1 if out of range for steps S */
static int get_result(sg_br *r, sg_inv_result *res, long S)
{
    uint32_t v = sg_br_u32(r);
    res->first_violation = sg_br_i64(r);
    res->worst_margin = sg_br_f64(r);
    res->checked = sg_br_i64(r);
    sg_br_str(r, res->reason, sizeof res->reason);
    res->verdict = (sg_verdict)(v <= SG_NOT_APPLICABLE ? v : 0);
    return !r->bad && v <= SG_NOT_APPLICABLE && res->first_violation >= -1 &&
                   res->first_violation <= S && res->checked >= 0 && res->checked <= S + 1
               ? 0
               : -1;
}

/* a step field: -1 (none) or 0..S */
static int step_ok(long t, long S)
{
    return t >= -1 && t <= S;
}

int sg_inv_save(const sg_inv_checker *c, FILE *fp)
{
    if (c->finished)
        return -1; /* finish() has rewritten the results */
    sg_bw w = {fp, 0};
    sg_bw_bytes(&w, INV_MAGIC, 8);
    sg_bw_u32(&w, INV_VERSION);
    sg_bw_str(&w, c->name);
    sg_bw_u32(&w, (uint32_t)c->p.d);
    sg_bw_u32(&w, (uint32_t)c->p.k);
    sg_bw_u32(&w, (uint32_t)c->cls);
    sg_bw_u64(&w, (uint64_t)c->p.steps);
    sg_bw_f64(&w, c->p.mu);
    sg_bw_f64(&w, c->p.sigma);
    sg_bw_f64(&w, c->a_norm);
    put_thresholds(&w, &c->th);
    sg_bw_u32(&w, (uint32_t)c->started);
    sg_bw_f64(&w, c->loss0);
    sg_bw_i64(&w, c->last_step);
    sg_bw_f64(&w, c->last_loss);
    sg_bw_f64(&w, c->last_tol);
    sg_bw_f64(&w, c->last_maxang);
    sg_bw_u32(&w, (uint32_t)c->phase_now);
    sg_bw_f64(&w, c->dist2_now);
    sg_bw_f64(&w, c->homog_ratio_now);
    sg_bw_f64(&w, c->imbal_ratio_now);
    sg_bw_f64(&w, c->growth_margin);
    sg_bw_u32(&w, (uint32_t)c->growth_violated);
    sg_bw_str(&w, c->growth_reason);
    sg_bw_i64(&w, c->skip_homog);
    sg_bw_i64(&w, c->skip_imbal);
    sg_bw_u32(&w, INV_NRES);
    for (int q = 0; q < INV_NRES; q++)
        put_result(&w, result_at(c, q));
    const sg_inv_phases *ph = &c->ph;
    sg_bw_i64(&w, ph->T1_observed);
    sg_bw_i64(&w, ph->T1_theory);
    sg_bw_i64(&w, ph->growth_step);
    sg_bw_i64(&w, ph->T2_end);
    sg_bw_i64(&w, ph->T2_observed);
    sg_bw_i64(&w, ph->T2_theory);
    sg_bw_f64(&w, ph->plateau_deg);
    sg_bw_i64(&w, ph->plateau_step);
    sg_bw_i64(&w, ph->rate_start);
    sg_bw_i64(&w, ph->rate_end);
    sg_bw_f64(&w, ph->rate);
    sg_bw_f64(&w, ph->rate_c);
    sg_bw_f64(&w, ph->rate_r2);
    sg_bw_i64(&w, ph->T1_empirical);
    sg_bw_i64(&w, ph->growth_any);
    sg_bw_u32(&w, INV_NFIT);
    for (int q = 0; q < INV_NFIT; q++)
        inv_fit_save(&w, &c->fit[q]);
    sg_bw_u32(&w, (uint32_t)c->p.k);
    for (int j = 0; j < c->p.k; j++) {
        sg_bw_i64(&w, c->align_a[j]);
        sg_bw_i64(&w, c->align_g[j]);
    }
    return w.bad ? -1 : 0;
}

int sg_inv_load(sg_inv_checker *c, FILE *fp, size_t len)
{
    sg_br r = {fp, len, 0};
    char magic[8], name[sizeof c->name];
    sg_br_bytes(&r, magic, 8);
    uint32_t version = sg_br_u32(&r);
    sg_br_str(&r, name, sizeof name);
    if (r.bad || c->finished || memcmp(magic, INV_MAGIC, 8) != 0 || version != INV_VERSION ||
        strcmp(name, c->name) != 0)
        return -1;
    /* the configuration this state belongs to */
    uint32_t d = sg_br_u32(&r), k = sg_br_u32(&r), cls = sg_br_u32(&r);
    uint64_t steps = sg_br_u64(&r);
    double mu = sg_br_f64(&r), sigma = sg_br_f64(&r), an = sg_br_f64(&r);
    if (r.bad || d != (uint32_t)c->p.d || k != (uint32_t)c->p.k || cls != (uint32_t)c->cls ||
        steps != (uint64_t)c->p.steps || !same_bits(mu, c->p.mu) ||
        !same_bits(sigma, c->p.sigma) || !same_bits(an, c->a_norm) ||
        !check_thresholds(&r, &c->th))
        return -1;
    long S = c->p.steps;
    sg_inv_checker t = *c; /* staged: c stays as it was on failure */
    uint32_t started = sg_br_u32(&r);
    t.loss0 = sg_br_f64(&r);
    t.last_step = sg_br_i64(&r);
    t.last_loss = sg_br_f64(&r);
    t.last_tol = sg_br_f64(&r);
    t.last_maxang = sg_br_f64(&r);
    uint32_t phase = sg_br_u32(&r);
    t.dist2_now = sg_br_f64(&r);
    t.homog_ratio_now = sg_br_f64(&r);
    t.imbal_ratio_now = sg_br_f64(&r);
    t.growth_margin = sg_br_f64(&r);
    uint32_t gviol = sg_br_u32(&r);
    sg_br_str(&r, t.growth_reason, sizeof t.growth_reason);
    t.skip_homog = sg_br_i64(&r);
    t.skip_imbal = sg_br_i64(&r);
    uint32_t nres = sg_br_u32(&r);
    if (r.bad || started > 1 || (started == 1) != (t.last_step >= 0) ||
        !step_ok(t.last_step, S) || phase < 1 || phase > 3 || gviol > 1 ||
        t.skip_homog < 0 || t.skip_homog > S + 1 || t.skip_imbal < 0 || t.skip_imbal > S ||
        nres != INV_NRES)
        return -1;
    t.started = (int)started;
    t.phase_now = (int)phase;
    t.growth_violated = (int)gviol;
    for (int q = 0; q < INV_NRES; q++)
        if (get_result(&r, (sg_inv_result *)result_at(&t, q), S) != 0)
            return -1;
    sg_inv_phases *ph = &t.ph;
    ph->T1_observed = sg_br_i64(&r);
    long T1_theory = sg_br_i64(&r);
    ph->growth_step = sg_br_i64(&r);
    ph->T2_end = sg_br_i64(&r);
    ph->T2_observed = sg_br_i64(&r);
    long T2_theory = sg_br_i64(&r);
    ph->plateau_deg = sg_br_f64(&r);
    ph->plateau_step = sg_br_i64(&r);
    ph->rate_start = sg_br_i64(&r);
    ph->rate_end = sg_br_i64(&r);
    ph->rate = sg_br_f64(&r);
    ph->rate_c = sg_br_f64(&r);
    ph->rate_r2 = sg_br_f64(&r);
    if (r.bad || T1_theory != c->ph.T1_theory || T2_theory != c->ph.T2_theory ||
        !step_ok(ph->T1_observed, S) || !step_ok(ph->growth_step, S) ||
        !step_ok(ph->T2_end, S) || !step_ok(ph->T2_observed, S) ||
        !step_ok(ph->plateau_step, S) || !step_ok(ph->rate_start, S) ||
        !step_ok(ph->rate_end, S))
        return -1;
    ph->T1_empirical = sg_br_i64(&r);
    ph->growth_any = sg_br_i64(&r);
    uint32_t nfit = sg_br_u32(&r);
    if (r.bad || !step_ok(ph->T1_empirical, S) || !step_ok(ph->growth_any, S) ||
        nfit != INV_NFIT)
        return -1;
    for (int q = 0; q < INV_NFIT; q++)
        if (inv_fit_load(&r, &t.fit[q], S) != 0)
            return -1;
    /* the windows may not hold states that were not fed */
    for (int q = 0; q < INV_NFIT; q++)
        if (t.fit[q].last > t.last_step)
            return -1;
    /* per-neuron alignment steps, staged: c's arrays change only on success */
    uint32_t kk = sg_br_u32(&r);
    if (r.bad || kk != (uint32_t)c->p.k || r.left != (size_t)kk * 16)
        return -1;
    long *st = malloc((size_t)(kk > 0 ? kk : 1) * 2 * sizeof(long));
    if (!st)
        return -1;
    for (uint32_t j = 0; j < 2 * kk; j++) {
        st[j] = (long)sg_br_i64(&r);
        if (!step_ok(st[j], t.last_step))
            r.bad = 1;
    }
    if (r.bad || r.left != 0) {
        free(st);
        return -1;
    }
    for (uint32_t j = 0; j < kk; j++) {
        c->align_a[j] = st[2 * j];
        c->align_g[j] = st[2 * j + 1];
    }
    free(st);
    *c = t;
    return 0;
}
