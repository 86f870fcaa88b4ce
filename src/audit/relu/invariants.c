/* invariants.c -- the invariant auditor of one trajectory (see invariants.h). */
#include "audit/relu/invariants_private.h"
#include "kernels/geometry.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const inv_names[SG_INV_COUNT] = {
    "SIGN", "ALIGN", "IMBAL", "HOMOG", "DESCENT", "PHASES", "GROWTH-END", "RATE",
    "BOUND", "FLIPS", "DIVERGE"};

const char *sg_inv_name(sg_inv_id id)
{
    return (unsigned)id < SG_INV_COUNT ? inv_names[id] : "?";
}

void sg_inv_thresholds_default(sg_inv_thresholds *t)
{
    t->align_deg = 9.0;      /* pi/20 */
    t->growth_v = 0.25;
    t->growth_b = 0.02;
    t->lemma3_c = 6.0;
    t->rate_floor = 1e-20;
    t->rate_min_window = 10;
    t->line_deg = 1.0;
    t->diverge_max = 1e-6;
}

sg_inv_class sg_inv_classify(int k, const double *sign0)
{
    if (k != 2)
        return SG_CLASS_GENERAL;
    return sign0[0] != sign0[1] ? SG_CLASS_PAIR : SG_CLASS_SAME_SIGN;
}

void inv_result_init(sg_inv_result *r, const char *unit)
{
    sg_vresult_init(r, unit);
}

void inv_set_na(sg_inv_result *r, const char *why)
{
    sg_vresult_na(r, why);
}

void inv_note_margin(sg_inv_result *r, long t, double m)
{
    sg_vresult_margin(r, t, m);
}

sg_inv_checker *sg_inv_new(const char *name, const sg_inv_problem *p,
                           const sg_inv_thresholds *th)
{
    sg_inv_checker *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    snprintf(c->name, sizeof c->name, "%s", name);
    c->p = *p;
    c->th = *th;
    c->cls = sg_inv_classify(p->k, p->sign0);
    c->a_norm = sg_norm(p->d, p->a);
    c->sqrt_a = sqrt(c->a_norm);
    c->ngroups = c->cls == SG_CLASS_GENERAL ? 2 : p->k;
    c->ang = calloc((size_t)(c->ngroups > 0 ? c->ngroups : 1), sizeof(double));
    c->tmp = calloc((size_t)p->d, sizeof(double));
    c->acc = inv_acc_new(3L * p->d + 3);
    c->ang_g = calloc((size_t)(p->k > 0 ? p->k : 1), sizeof(double));
    c->align_a = malloc((size_t)(p->k > 0 ? p->k : 1) * sizeof(long));
    c->align_g = malloc((size_t)(p->k > 0 ? p->k : 1) * sizeof(long));
    if (!c->ang || !c->tmp || !c->acc || !c->ang_g || !c->align_a || !c->align_g) {
        inv_acc_delete(c->acc);
        free(c->ang);
        free(c->tmp);
        free(c->ang_g);
    free(c->align_a);
    free(c->align_g);
        free(c->align_a);
        free(c->align_g);
        free(c);
        return NULL;
    }
    inv_result_init(&c->res[SG_INV_SIGN], "min_j s_j v_j(t)");
    inv_result_init(&c->res[SG_INV_ALIGN], "degrees below the threshold");
    inv_result_init(&c->res[SG_INV_IMBAL], "1 - |residual|/tolerance");
    inv_result_init(&c->res[SG_INV_HOMOG], "1 - |residual|/tolerance");
    inv_result_init(&c->res[SG_INV_DESCENT], "loss slack L(t)+tol-L(t+1)");
    inv_result_init(&c->res[SG_INV_PHASES], "steps before the theory's bound");
    inv_result_init(&c->res[SG_INV_GROWTH_END], "relative slack of |b_j| <= growth_b |a|");
    inv_result_init(&c->res[SG_INV_RATE], "1 - fitted rate");
    inv_result_init(&c->res[SG_INV_BOUND], "");
    inv_result_init(&c->res[SG_INV_FLIPS], "");
    inv_result_init(&c->res[SG_INV_DIVERGE], "");
    inv_result_init(&c->ident, "1 - |residual|/tolerance");
    inv_result_init(&c->lemma3, "1 - |b+ - b|/(Lemma 3 bound + tolerance)");
    c->ph.T1_observed = c->ph.growth_step = c->ph.T2_end = c->ph.T2_observed = -1;
    c->ph.T1_theory = sg_phase_T1_theory(p->mu, c->a_norm);
    c->ph.T2_theory = sg_phase_T2_theory(p->mu, c->a_norm, p->sigma);
    c->ph.plateau_deg = INFINITY;
    c->ph.plateau_step = -1;
    c->ph.rate_start = c->ph.rate_end = -1;
    c->ph.rate = c->ph.rate_c = c->ph.rate_r2 = NAN;
    c->ph.T1_empirical = c->ph.growth_any = -1;
    for (int j = 0; j < p->k; j++)
        c->align_a[j] = c->align_g[j] = -1;
    c->ph.plateau_predicted_deg = sg_plateau_predicted_deg(p->d, p->n);
    inv_fit_init(&c->fit[0], -1);
    for (int m = 1; m < INV_NFIT; m++)
        inv_fit_init(&c->fit[m], (long)((double)(m - 1) * (double)p->steps / (INV_NFIT - 1)));
    c->phase_now = 1;
    c->last_step = -1;
    c->dist2_now = c->homog_ratio_now = c->imbal_ratio_now = NAN;
    return c;
}

void sg_inv_free(sg_inv_checker *c)
{
    if (!c)
        return;
    inv_acc_delete(c->acc);
    free(c->ang);
    free(c->tmp);
    free(c->ang_g);
    free(c->align_a);
    free(c->align_g);
    free(c);
}

/* ------------------------------------------------------------ queries */

const sg_inv_result *sg_inv_get(const sg_inv_checker *c, sg_inv_id id)
{
    return &c->res[id];
}

const sg_inv_phases *sg_inv_get_phases(const sg_inv_checker *c)
{
    return &c->ph;
}

const char *sg_inv_trajectory(const sg_inv_checker *c)
{
    return c->name;
}

int sg_inv_phase_now(const sg_inv_checker *c) { return c->phase_now; }
double sg_inv_dist2_now(const sg_inv_checker *c) { return c->dist2_now; }
double sg_inv_homog_ratio_now(const sg_inv_checker *c) { return c->homog_ratio_now; }
double sg_inv_imbal_ratio_now(const sg_inv_checker *c) { return c->imbal_ratio_now; }
