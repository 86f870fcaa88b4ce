/* invariants.c -- the invariant auditor of one trajectory (see invariants.h). */
#include "audit/relu/invariants.h"
#include "io/binio.h"
#include "kernels/geometry.h"
#include "io/json.h"
#include <float.h>
#include <limits.h>
#include <math.h>
#include <mpfr.h>
#include <stdlib.h>
#include <string.h>

#define U_DBL (DBL_EPSILON / 2.0) /* unit round-off 2^-53 */

static const char *const inv_names[SG_INV_COUNT] = {
    "SIGN", "ALIGN", "IMBAL", "HOMOG", "DESCENT", "PHASES", "GROWTH-END", "RATE",
    "BOUND", "FLIPS", "DIVERGE"};

const char *sg_inv_name(sg_inv_id id)
{
    return (unsigned)id < SG_INV_COUNT ? inv_names[id] : "?";
}

const char *sg_verdict_name(sg_verdict v)
{
    switch (v) {
    case SG_HELD: return "held";
    case SG_VIOLATED: return "violated";
    case SG_NOT_APPLICABLE: return "not-applicable";
    }
    return "?";
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

/* ---------------------------------------------------------------- state */

struct sg_inv_checker {
    char name[16];
    sg_inv_problem p;
    sg_inv_thresholds th;
    sg_inv_class cls;
    double a_norm, sqrt_a, loss0;
    int ngroups;            /* angles tracked: k (pair/same sign) or 1..2 groups */
    double *ang;            /* current angles, degrees                            */
    double *tmp;            /* d scratch                                          */
    sg_inv_result res[SG_INV_COUNT];
    sg_inv_result ident, lemma3;  /* the two parts of IMBAL                      */
    sg_inv_phases ph;
    int started, finished;
    long last_step;
    double last_loss, last_tol, last_maxang;
    int phase_now;
    double dist2_now, homog_ratio_now, imbal_ratio_now;
    double growth_margin;   /* GROWTH-END margin at growth_step                   */
    char growth_reason[200];
    int growth_violated;
    /* dist^2 series for RATE */
    long *ser_step;
    double *ser_val;
    long nser, cap;
    void *acc;              /* exact_acc of 3d + 3 terms, reused every step       */
    long skip_homog, skip_imbal; /* states/steps not checkable: non-finite numbers  */
};

typedef struct exact_acc exact_acc;
static exact_acc *acc_new(long cap);
static void acc_delete(exact_acc *e);
static double homog_acc(exact_acc *e, int d, const double *w, const double *g, double v,
                        double gv);
static double imbal_acc(exact_acc *e, int d, double mu, const double *w, const double *g,
                        double v, double gv, const double *w1, double v1);
static double db_acc(exact_acc *e, int d, const double *w, double v, const double *w1,
                     double v1);

static void result_init(sg_inv_result *r, const char *unit)
{
    r->verdict = SG_HELD;
    r->reason[0] = '\0';
    r->first_violation = -1;
    r->worst_margin = NAN;
    r->margin_unit = unit;
    r->checked = 0;
}

static void set_na(sg_inv_result *r, const char *why)
{
    r->verdict = SG_NOT_APPLICABLE;
    r->first_violation = -1; /* an observation, if any, is in the reason */
    snprintf(r->reason, sizeof r->reason, "%s", why);
}

/* record a margin (smaller is worse) at step t; margin < 0 (or NaN) violates */
static void note_margin(sg_inv_result *r, long t, double m)
{
    r->checked++;
    if (isnan(r->worst_margin) || m < r->worst_margin || isnan(m))
        r->worst_margin = isnan(m) ? -INFINITY : m;
    if ((!(m >= 0.0)) && r->first_violation < 0)
        r->first_violation = t;
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
    c->acc = acc_new(3L * p->d + 3);
    c->cap = 1024;
    c->ser_step = calloc((size_t)c->cap, sizeof(long));
    c->ser_val = calloc((size_t)c->cap, sizeof(double));
    if (!c->ang || !c->tmp || !c->acc || !c->ser_step || !c->ser_val) {
        acc_delete(c->acc);
        free(c->ang);
        free(c->tmp);
        free(c->ser_step);
        free(c->ser_val);
        free(c);
        return NULL;
    }
    result_init(&c->res[SG_INV_SIGN], "min_j s_j v_j(t)");
    result_init(&c->res[SG_INV_ALIGN], "degrees below the threshold");
    result_init(&c->res[SG_INV_IMBAL], "1 - |residual|/tolerance");
    result_init(&c->res[SG_INV_HOMOG], "1 - |residual|/tolerance");
    result_init(&c->res[SG_INV_DESCENT], "loss slack L(t)+tol-L(t+1)");
    result_init(&c->res[SG_INV_PHASES], "steps before the theory's bound");
    result_init(&c->res[SG_INV_GROWTH_END], "relative slack of |b_j| <= growth_b |a|");
    result_init(&c->res[SG_INV_RATE], "1 - fitted rate");
    result_init(&c->res[SG_INV_BOUND], "");
    result_init(&c->res[SG_INV_FLIPS], "");
    result_init(&c->res[SG_INV_DIVERGE], "");
    result_init(&c->ident, "1 - |residual|/tolerance");
    result_init(&c->lemma3, "1 - |b+ - b|/(Lemma 3 bound + tolerance)");
    c->ph.T1_observed = c->ph.growth_step = c->ph.T2_end = c->ph.T2_observed = -1;
    c->ph.T1_theory = sg_phase_T1_theory(p->mu, c->a_norm);
    c->ph.T2_theory = sg_phase_T2_theory(p->mu, c->a_norm, p->sigma);
    c->ph.plateau_deg = INFINITY;
    c->ph.plateau_step = -1;
    c->ph.rate_start = c->ph.rate_end = -1;
    c->ph.rate = c->ph.rate_c = c->ph.rate_r2 = NAN;
    c->phase_now = 1;
    c->last_step = -1;
    c->dist2_now = c->homog_ratio_now = c->imbal_ratio_now = NAN;
    return c;
}

void sg_inv_free(sg_inv_checker *c)
{
    if (!c)
        return;
    acc_delete(c->acc);
    free(c->ang);
    free(c->tmp);
    free(c->ser_step);
    free(c->ser_val);
    free(c);
}

/* ------------------------------------------------------ exact residuals */

/* One correctly rounded sum of exact terms: every term is a product of at
   most four doubles, held exactly at 4*53 bits; mpfr_sum rounds the sum once. */
struct exact_acc {
    mpfr_t *t;
    mpfr_ptr *p;
    long n, cap;
};

static exact_acc *acc_new(long cap)
{
    exact_acc *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->t = calloc((size_t)cap, sizeof(mpfr_t));
    e->p = calloc((size_t)cap, sizeof(mpfr_ptr));
    e->n = 0;
    e->cap = cap;
    if (!e->t || !e->p) {
        free(e->t);
        free(e->p);
        free(e);
        return NULL;
    }
    for (long q = 0; q < cap; q++) {
        mpfr_init2(e->t[q], 4 * 53 + 8);
        e->p[q] = e->t[q];
    }
    return e;
}

static void acc_delete(exact_acc *e)
{
    if (!e)
        return;
    for (long q = 0; q < e->cap; q++)
        mpfr_clear(e->t[q]);
    free(e->t);
    free(e->p);
    free(e);
}

/* += s * x * y (exact: at most 3 doubles) */
static void acc_add3(exact_acc *e, double s, double x, double y)
{
    mpfr_ptr t = e->p[e->n++];
    mpfr_set_d(t, x, MPFR_RNDN);
    mpfr_mul_d(t, t, y, MPFR_RNDN);
    mpfr_mul_d(t, t, s, MPFR_RNDN);
}

/* += s * (m x)^2 (exact at 212 bits) */
static void acc_add_sq_scaled(exact_acc *e, double s, double m, double x)
{
    mpfr_ptr t = e->p[e->n++];
    mpfr_set_d(t, x, MPFR_RNDN);
    mpfr_mul_d(t, t, m, MPFR_RNDN);
    mpfr_sqr(t, t, MPFR_RNDN);
    mpfr_mul_d(t, t, s, MPFR_RNDN);
}

static double acc_sum(exact_acc *e)
{
    mpfr_t s;
    mpfr_init2(s, 53);
    mpfr_sum(s, e->p, (unsigned long)e->n, MPFR_RNDN);
    double r = mpfr_get_d(s, MPFR_RNDN);
    mpfr_clear(s);
    e->n = 0;
    return r;
}

static double homog_acc(exact_acc *e, int d, const double *w, const double *g, double v,
                        double gv)
{
    for (int l = 0; l < d; l++)
        acc_add3(e, 1.0, w[l], g[l]);
    acc_add3(e, -1.0, v, gv);
    return acc_sum(e);
}

static double imbal_acc(exact_acc *e, int d, double mu, const double *w, const double *g,
                        double v, double gv, const double *w1, double v1)
{
    for (int l = 0; l < d; l++) {
        acc_add3(e, 1.0, w1[l], w1[l]);
        acc_add3(e, -1.0, w[l], w[l]);
        acc_add_sq_scaled(e, -1.0, mu, g[l]);
    }
    acc_add3(e, -1.0, v1, v1);
    acc_add3(e, 1.0, v, v);
    acc_add_sq_scaled(e, 1.0, mu, gv);
    return acc_sum(e);
}

static double db_acc(exact_acc *e, int d, const double *w, double v, const double *w1,
                     double v1)
{
    for (int l = 0; l < d; l++) {
        acc_add3(e, 1.0, w1[l], w1[l]);
        acc_add3(e, -1.0, w[l], w[l]);
    }
    acc_add3(e, -1.0, v1, v1);
    acc_add3(e, 1.0, v, v);
    return acc_sum(e);
}

double sg_exact_homog(int d, const double *w, const double *g, double v, double gv)
{
    exact_acc *e = acc_new(d + 1L);
    double r = e ? homog_acc(e, d, w, g, v, gv) : NAN;
    acc_delete(e);
    return r;
}

double sg_exact_imbal(int d, double mu, const double *w, const double *g, double v,
                      double gv, const double *w1, double v1)
{
    exact_acc *e = acc_new(3L * d + 3);
    double r = e ? imbal_acc(e, d, mu, w, g, v, gv, w1, v1) : NAN;
    acc_delete(e);
    return r;
}

double sg_exact_db(int d, const double *w, double v, const double *w1, double v1)
{
    exact_acc *e = acc_new(2L * d + 2);
    double r = e ? db_acc(e, d, w, v, w1, v1) : NAN;
    acc_delete(e);
    return r;
}

/* The update w+ = fl(w - fl(mu g)) has w+ = (w - mu g) + e with
   |e_l| <= u|mu g_l|(1+u) + u|w+_l|/(1-u) (two roundings).  With
   x = w - mu g = w+ - e:  |w+|^2 - |x|^2 = 2 w+.e - |e|^2, so the imbalance
   moves by at most 2|w+||e| + |e|^2 (and likewise for v) beyond the exact
   step.  The bound is evaluated in double and inflated by (1 + 1e-6), far
   more than its own O(d u) relative evaluation error. */
double sg_update_imbal_bound(int d, double mu, const double *g, double gv,
                             const double *w1, double v1)
{
    return sg_update_imbal_bound_u(d, mu, g, gv, w1, v1, U_DBL);
}

double sg_update_imbal_bound_u(int d, double mu, const double *g, double gv,
                               const double *w1, double v1, double u)
{
    double ng = 0.0, nw = 0.0;
    for (int l = 0; l < d; l++) {
        ng += g[l] * g[l];
        nw += w1[l] * w1[l];
    }
    ng = sqrt(ng);
    nw = sqrt(nw);
    double ew = u * (1.0 + u) * fabs(mu) * ng + u / (1.0 - u) * nw;
    double ev = u * (1.0 + u) * fabs(mu * gv) + u / (1.0 - u) * fabs(v1);
    double b = 2.0 * nw * ew + ew * ew + 2.0 * fabs(v1) * ev + ev * ev;
    return b * (1.0 + 1e-6) + 1e-300;
}

/* ------------------------------------------------------------ geometry */

double sg_opt_dist2_pair(int d, int k, const double *a, const double *theta)
{
    const double *v = theta + (long)k * d;
    double s = 0.0;
    for (int j = 0; j < k; j++)
        for (int l = 0; l < d; l++) {
            double e = v[j] * theta[(long)j * d + l] - a[l];
            s += e * e;
        }
    return s;
}

double sg_opt_sum_dist(int d, int k, const double *a, const double *theta)
{
    const double *v = theta + (long)k * d;
    double s = 0.0;
    for (int l = 0; l < d; l++) {
        double t = 0.0;
        for (int j = 0; j < k; j++)
            t += v[j] * theta[(long)j * d + l];
        t -= 2.0 * a[l];
        s += t * t;
    }
    return sqrt(s);
}

double sg_opt_line_residual(int d, int k, const double *a, const double *theta,
                            double line_deg, int *nlines)
{
    const double *v = theta + (long)k * d;
    double an = sg_norm(d, a);
    char *used = calloc((size_t)k, 1);
    double worst = 0.0;
    int lines = 0;
    if (!used)
        return NAN;
    for (int j = 0; j < k; j++) {
        const double *wj = theta + (long)j * d;
        double nj = sg_norm(d, wj);
        if (used[j] || nj == 0.0)
            continue;
        used[j] = 1;
        lines++;
        double s = v[j] * nj;
        for (int i = j + 1; i < k; i++) {
            const double *wi = theta + (long)i * d;
            double ni = sg_norm(d, wi);
            if (used[i] || ni == 0.0)
                continue;
            double t = sg_angle_n(d, wj, nj, wi, ni) * (180.0 / M_PI);
            if (t <= line_deg || t >= 180.0 - line_deg) {
                used[i] = 1;
                s += v[i] * ni;
            }
        }
        double r = fabs(s) / (an > 0.0 ? an : 1.0);
        if (r > worst)
            worst = r;
    }
    free(used);
    if (nlines)
        *nlines = lines;
    return worst;
}

/* ceil(x) as a step count; beyond any run (or NaN, e.g. mu|a| underflowing
   to 0): LONG_MAX, never an out-of-range conversion */
static long ceil_steps(double x)
{
    return x < 0x1p62 ? (long)ceil(x) : LONG_MAX;
}

long sg_phase_T1_theory(double mu, double a_norm)
{
    return ceil_steps(404.0 / (mu * a_norm));
}

long sg_phase_T2_theory(double mu, double a_norm, double sigma)
{
    double l = log(sqrt(a_norm) / sigma);
    if (!(l > 0.0))
        return 0;
    return ceil_steps((32.0 / (mu * a_norm)) * l);
}

/* angles tracked by the checker: per neuron angle(w_j, s_j a), or for the
   general class the angle of each sign group's sum_j v_j w_j with a.
   Returns the largest; groups that are empty are skipped. */
static double current_angles(sg_inv_checker *c, const double *theta)
{
    int d = c->p.d, k = c->p.k;
    const double *v = theta + (long)k * d;
    double mx = 0.0;
    if (c->cls != SG_CLASS_GENERAL) {
        for (int j = 0; j < k; j++) {
            for (int l = 0; l < d; l++)
                c->tmp[l] = c->p.sign0[j] * c->p.a[l];
            c->ang[j] = sg_angle(d, theta + (long)j * d, c->tmp) * (180.0 / M_PI);
            if (c->ang[j] > mx || isnan(c->ang[j]))
                mx = c->ang[j];
        }
        return mx;
    }
    for (int gi = 0; gi < 2; gi++) {
        double want = gi == 0 ? 1.0 : -1.0;
        int any = 0;
        for (int l = 0; l < d; l++)
            c->tmp[l] = 0.0;
        for (int j = 0; j < k; j++)
            if (c->p.sign0[j] == want) {
                any = 1;
                for (int l = 0; l < d; l++)
                    c->tmp[l] += v[j] * theta[(long)j * d + l];
            }
        c->ang[gi] = any ? sg_angle(d, c->tmp, c->p.a) * (180.0 / M_PI) : NAN;
        if (any && (c->ang[gi] > mx || isnan(c->ang[gi])))
            mx = c->ang[gi];
    }
    return mx;
}

static double current_dist2(const sg_inv_checker *c, const double *theta)
{
    if (c->cls == SG_CLASS_PAIR)
        return sg_opt_dist2_pair(c->p.d, c->p.k, c->p.a, theta);
    double s = sg_opt_sum_dist(c->p.d, c->p.k, c->p.a, theta);
    return s * s;
}

/* growth condition: every |v_j| >= growth_v sqrt|a| (pair); general class:
   every sign group's mass sum |v_j||w_j| >= growth_v^2 |a| */
static int growth_reached(const sg_inv_checker *c, const double *theta)
{
    int d = c->p.d, k = c->p.k;
    const double *v = theta + (long)k * d;
    if (c->cls != SG_CLASS_GENERAL) {
        for (int j = 0; j < k; j++)
            if (!(fabs(v[j]) >= c->th.growth_v * c->sqrt_a))
                return 0;
        return 1;
    }
    for (int gi = 0; gi < 2; gi++) {
        double want = gi == 0 ? 1.0 : -1.0, m = 0.0;
        int any = 0;
        for (int j = 0; j < k; j++)
            if (c->p.sign0[j] == want) {
                any = 1;
                m += fabs(v[j]) * sg_norm(d, theta + (long)j * d);
            }
        if (any && !(m >= c->th.growth_v * c->th.growth_v * c->a_norm))
            return 0;
    }
    return 1;
}

/* worst relative slack of |b_j| <= growth_b |a| over neurons */
static double balance_slack(const sg_inv_checker *c, const double *theta)
{
    int d = c->p.d, k = c->p.k;
    const double *v = theta + (long)k * d;
    double lim = c->th.growth_b * c->a_norm, worst = INFINITY;
    for (int j = 0; j < k; j++) {
        double n = sg_norm(d, theta + (long)j * d);
        double b = n * n - v[j] * v[j];
        double s = (lim - fabs(b)) / lim;
        if (s < worst || isnan(s))
            worst = s;
    }
    return worst;
}

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
    note_margin(&c->res[SG_INV_SIGN], t, m);

    /* angles, ALIGN, T1, plateau */
    double mx = current_angles(c, th);
    c->last_maxang = mx;
    int pre_growth = c->ph.growth_step < 0 && c->ph.T1_observed < 0 && !growth_reached(c, th);
    if (pre_growth && mx < c->ph.plateau_deg) {
        c->ph.plateau_deg = mx;
        c->ph.plateau_step = t;
    }
    if (c->ph.T1_observed < 0 && mx <= c->th.align_deg) {
        c->ph.T1_observed = t;
        c->phase_now = 2;
    }
    if (c->ph.T1_observed >= 0 && c->cls == SG_CLASS_PAIR)
        note_margin(&c->res[SG_INV_ALIGN], t, c->th.align_deg - mx);

    /* end of phase 2: growth condition, then the balance condition */
    if (c->ph.T1_observed >= 0) {
        if (c->ph.growth_step < 0 && growth_reached(c, th)) {
            c->ph.growth_step = t;
            if (c->cls == SG_CLASS_PAIR) {
                double bs = balance_slack(c, th);
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
            (c->cls != SG_CLASS_PAIR || balance_slack(c, th) >= 0.0)) {
            c->ph.T2_end = t;
            c->ph.T2_observed = t - c->ph.T1_observed;
            c->phase_now = 3;
        }
    }

    /* HOMOG */
    double worst = 0.0;
    for (int j = 0; j < k; j++) {
        const double *w = th + (long)j * d;
        double r = s->homog_res ? s->homog_res[j]
                                : homog_acc(c->acc, d, w, g + (long)j * d, v[j], g[(long)k * d + j]);
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
        note_margin(&c->res[SG_INV_HOMOG], t, 1.0 - worst);

    /* DESCENT */
    if (c->last_step >= 0) {
        double slack = c->last_loss + c->last_tol + s->loss_tol - s->loss;
        note_margin(&c->res[SG_INV_DESCENT], t, slack);
    }
    c->last_step = t;
    c->last_loss = s->loss;
    c->last_tol = s->loss_tol;

    /* distance series for RATE */
    c->dist2_now = current_dist2(c, th);
    if (c->nser == c->cap) {
        long nc = c->cap * 2;
        long *ns = realloc(c->ser_step, (size_t)nc * sizeof(long));
        if (ns)
            c->ser_step = ns;
        double *nv = ns ? realloc(c->ser_val, (size_t)nc * sizeof(double)) : NULL;
        if (nv) {
            c->ser_val = nv;
            c->cap = nc;
        }
    }
    if (c->nser < c->cap) {
        c->ser_step[c->nser] = t;
        c->ser_val[c->nser] = c->dist2_now;
        c->nser++;
    }
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
        double r = s->imbal_res ? s->imbal_res[j]
                                : imbal_acc(c->acc, d, c->p.mu, w, gw, v[j], gv, w1, v1[j]);
        double tol = s->imbal_tol[j];
        if (!isfinite(r) || !isfinite(tol)) {
            worst = worst3 = NAN; /* overflow: this step cannot be checked */
            break;
        }
        double q = tol > 0.0 ? fabs(r) / tol : (r == 0.0 ? 0.0 : INFINITY);
        if (q > worst)
            worst = q;
        if (c->cls == SG_CLASS_PAIR) {
            double db = s->db ? s->db[j] : db_acc(c->acc, d, w, v[j], w1, v1[j]);
            double nw = sg_norm(d, w);
            double bound = c->th.lemma3_c * c->p.mu * c->p.mu * (v[j] * v[j] + nw * nw) * D;
            bound = bound * (1.0 + 1e-12) + tol;
            double q3 = bound > 0.0 ? fabs(db) / bound : (db == 0.0 ? 0.0 : INFINITY);
            if (q3 > worst3 || isnan(q3))
                worst3 = isnan(q3) ? INFINITY : q3;
        }
    }
    c->imbal_ratio_now = worst;
    if (isnan(worst)) {
        c->skip_imbal++;
        return;
    }
    note_margin(&c->ident, s->step, 1.0 - worst);
    if (c->cls == SG_CLASS_PAIR)
        note_margin(&c->lemma3, s->step, 1.0 - worst3);
}

/* ------------------------------------------------------------- finish */

static void finish_verdict(sg_inv_result *r, const char *held_why, const char *viol_fmt)
{
    if (r->verdict == SG_NOT_APPLICABLE)
        return;
    if (r->first_violation >= 0) {
        r->verdict = SG_VIOLATED;
        snprintf(r->reason, sizeof r->reason, viol_fmt, r->first_violation);
    } else if (r->checked == 0) {
        set_na(r, "nothing to check (no steps)");
    } else {
        r->verdict = SG_HELD;
        snprintf(r->reason, sizeof r->reason, "%s", held_why);
    }
}

static void fit_rate(sg_inv_checker *c)
{
    sg_inv_phases *ph = &c->ph;
    sg_inv_result *r = &c->res[SG_INV_RATE];
    if (c->cls == SG_CLASS_SAME_SIGN) {
        set_na(r, "k = 2 with equal initial output signs: no global optimum is reached");
        return;
    }
    if (ph->T2_end < 0) {
        set_na(r, "phase 3 not reached (phase 2 did not end)");
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

static void finish_phases(sg_inv_checker *c)
{
    sg_inv_phases *ph = &c->ph;
    sg_inv_result *r = &c->res[SG_INV_PHASES];
    if (c->cls == SG_CLASS_SAME_SIGN) {
        set_na(r, "k = 2 with equal initial output signs: outside the theory");
        return;
    }
    if (c->cls == SG_CLASS_GENERAL) {
        set_na(r, "the phase bounds are proved for k = 2; observed group-level phases are reported");
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
    finish_verdict(&c->res[SG_INV_SIGN], "every v_j kept its initial sign",
                   "an output weight changed sign at step %ld");
    if (c->cls != SG_CLASS_PAIR && c->res[SG_INV_SIGN].verdict != SG_NOT_APPLICABLE) {
        sg_inv_result *sr = &c->res[SG_INV_SIGN];
        snprintf(buf, sizeof buf,
                 "the sign pattern is claimed for k = 2 with opposite signs only; observed: %.200s",
                 sr->reason);
        set_na(sr, buf);
    }
    /* ALIGN */
    sg_inv_result *al = &c->res[SG_INV_ALIGN];
    if (c->cls == SG_CLASS_SAME_SIGN) {
        set_na(al, "k = 2 with equal initial output signs: one neuron cannot align with its ray");
    } else if (c->cls == SG_CLASS_GENERAL) {
        snprintf(buf, sizeof buf,
                 "per-neuron alignment is proved for k = 2 only; group angles reported "
                 "(T1 by group angles: %ld)", c->ph.T1_observed);
        set_na(al, buf);
    } else if (c->ph.T1_observed < 0) {
        snprintf(buf, sizeof buf,
                 "the angles never all reached %g deg (smallest max-angle %.3g deg at step %ld)",
                 c->th.align_deg, c->ph.plateau_deg, c->ph.plateau_step);
        set_na(al, buf);
    } else {
        snprintf(buf, sizeof buf, "after T1 = %ld every angle stayed <= %g deg",
                 c->ph.T1_observed, c->th.align_deg);
        finish_verdict(al, buf, "an angle exceeded the threshold again at step %ld");
    }
    /* IMBAL = identity and (k = 2) Lemma 3 */
    sg_inv_result *im = &c->res[SG_INV_IMBAL];
    finish_verdict(&c->ident, "identity within tolerance at every step",
                   "identity residual above its tolerance at step %ld");
    if (c->cls == SG_CLASS_PAIR)
        finish_verdict(&c->lemma3, "Lemma 3 bound held at every step",
                       "Lemma 3 bound exceeded at step %ld");
    else
        set_na(&c->lemma3, "Lemma 3 is stated for k = 2 with opposite signs");
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
    finish_verdict(&c->res[SG_INV_HOMOG], "identity within tolerance at every state",
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
    finish_verdict(&c->res[SG_INV_DESCENT], "the loss never increased beyond its tolerance",
                   "the loss increased at step %ld");
    finish_phases(c);
    /* GROWTH-END */
    sg_inv_result *ge = &c->res[SG_INV_GROWTH_END];
    if (c->cls != SG_CLASS_PAIR) {
        set_na(ge, c->cls == SG_CLASS_SAME_SIGN
                       ? "k = 2 with equal initial output signs: outside the theory"
                       : "Lemma 7 is stated for k = 2 with opposite signs");
    } else if (c->ph.growth_step < 0) {
        set_na(ge, c->ph.T1_observed < 0 ? "phase 1 did not end" : "phase 2 did not end");
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
    fit_rate(c);
    if (c->cls == SG_CLASS_GENERAL && c->res[SG_INV_RATE].verdict != SG_NOT_APPLICABLE) {
        sg_inv_result *rr = &c->res[SG_INV_RATE];
        snprintf(buf, sizeof buf, "the linear rate is proved for k = 2; group level: %.220s",
                 rr->reason);
        set_na(rr, buf);
    }
    if (c->cls == SG_CLASS_PAIR && !(c->p.sigma < c->sqrt_a)) {
        snprintf(buf, sizeof buf,
                 "the phase analysis assumes a small initialisation sigma < sqrt|a|; here sigma = %g, sqrt|a| = %g",
                 c->p.sigma, c->sqrt_a);
        set_na(&c->res[SG_INV_PHASES], buf);
        set_na(&c->res[SG_INV_GROWTH_END], buf);
    }
    const char *shadow = "measured by the MPFR shadow (issue 4); not produced by this checker";
    set_na(&c->res[SG_INV_BOUND], shadow);
    set_na(&c->res[SG_INV_FLIPS], shadow);
    set_na(&c->res[SG_INV_DIVERGE], shadow);
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

/* -------------------------------------------------------- checkpoints */

#define INV_MAGIC "SGINVCK\n"
#define INV_VERSION 1u
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
    /* the series: its steps as runs of consecutive steps, then the values */
    long runs = 0;
    for (long i = 0; i < c->nser; i++)
        runs += i == 0 || c->ser_step[i] != c->ser_step[i - 1] + 1;
    sg_bw_u64(&w, (uint64_t)c->nser);
    sg_bw_u64(&w, (uint64_t)runs);
    for (long i = 0; i < c->nser;) {
        long j = i + 1;
        while (j < c->nser && c->ser_step[j] == c->ser_step[j - 1] + 1)
            j++;
        sg_bw_i64(&w, c->ser_step[i]);
        sg_bw_u64(&w, (uint64_t)(j - i));
        i = j;
    }
    for (long i = 0; i < c->nser; i++)
        sg_bw_f64(&w, c->ser_val[i]);
    return w.bad ? -1 : 0;
}

/* the series of t (nser and last_step read): runs, values; the arrays are
   new (t's old ones are c's).  0 or -1 (nothing allocated). */
static int load_series(sg_br *r, sg_inv_checker *t, long S)
{
    uint64_t n = sg_br_u64(r), runs = sg_br_u64(r);
    /* at most one entry per state fed; exactly the bytes the counts need */
    if (r->bad || n > (uint64_t)t->last_step + 1 || n > (uint64_t)S + 1 || runs > n ||
        (runs == 0) != (n == 0) || r->left != runs * 16 + n * 8)
        return -1;
    long cap = n > 1024 ? (long)n : 1024;
    long *st = malloc((size_t)cap * sizeof(long));
    double *val = malloc((size_t)cap * sizeof(double));
    long filled = 0, prev = -1;
    for (uint64_t q = 0; st && val && q < runs; q++) {
        int64_t first = sg_br_i64(r);
        uint64_t cnt = sg_br_u64(r);
        /* runs of increasing, not adjacent (else one run), fed steps */
        if (r->bad || first < 0 || first > t->last_step || (q > 0 && first <= prev + 1) ||
            cnt < 1 || cnt > n - (uint64_t)filled || (int64_t)cnt - 1 > t->last_step - first) {
            r->bad = 1;
            break;
        }
        for (uint64_t i = 0; i < cnt; i++)
            st[filled++] = (long)first + (long)i;
        prev = st[filled - 1];
    }
    for (long i = 0; st && val && !r->bad && i < (long)n; i++)
        val[i] = sg_br_f64(r);
    if (!st || !val || r->bad || filled != (long)n || r->left != 0) {
        free(st);
        free(val);
        return -1;
    }
    t->ser_step = st;
    t->ser_val = val;
    t->nser = (long)n;
    t->cap = cap;
    return 0;
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
    if (load_series(&r, &t, S) != 0)
        return -1;
    free(c->ser_step);
    free(c->ser_val);
    *c = t;
    return 0;
}

/* ---------------------------------------------------------- reporting */

static void json_result(sg_json *j, const sg_inv_result *r, const char *traj)
{
    sg_json_str(j, "verdict", sg_verdict_name(r->verdict));
    sg_json_str(j, "reason", r->reason);
    if (r->first_violation >= 0)
        sg_json_int(j, "first_violation_step", r->first_violation);
    else
        sg_json_null(j, "first_violation_step");
    sg_json_num(j, "worst_margin", r->worst_margin); /* NaN -> null */
    sg_json_str(j, "margin_unit", r->margin_unit);
    sg_json_int(j, "checked", r->checked);
    sg_json_str(j, "trajectory", traj);
}

void sg_inv_json(sg_json *j, const sg_inv_checker *dbl, const sg_inv_checker *mp)
{
    sg_json_open(j, "invariants");
    for (int id = 0; id < SG_INV_COUNT; id++) {
        const sg_inv_result *r = &dbl->res[id];
        sg_json_open(j, inv_names[id]);
        json_result(j, r, dbl->name);
        if (id == SG_INV_IMBAL) {
            sg_json_open(j, "identity");
            json_result(j, &dbl->ident, dbl->name);
            sg_json_close(j);
            sg_json_open(j, "lemma3");
            json_result(j, &dbl->lemma3, dbl->name);
            sg_json_close(j);
        }
        if (mp) {
            sg_json_open(j, "mpfr");
            json_result(j, &mp->res[id], mp->name);
            sg_json_close(j);
            sg_json_bool(j, "numerical_artefact",
                         r->verdict == SG_VIOLATED && mp->res[id].verdict != SG_VIOLATED);
        } else {
            sg_json_null(j, "mpfr");
            sg_json_null(j, "numerical_artefact");
        }
        sg_json_close(j);
    }
    sg_json_close(j);
}

static void json_phase_obj(sg_json *j, const sg_inv_checker *c)
{
    const sg_inv_phases *ph = &c->ph;
    sg_json_str(j, "trajectory", c->name);
    sg_json_str(j, "class", c->cls == SG_CLASS_PAIR ? "k=2 opposite signs"
                            : c->cls == SG_CLASS_SAME_SIGN ? "k=2 equal signs"
                                                           : "general k (group level)");
#define OPT_INT(key, x) do { if ((x) >= 0) sg_json_int(j, key, x); else sg_json_null(j, key); } while (0)
    OPT_INT("T1_observed", ph->T1_observed);
    sg_json_int(j, "T1_theory", ph->T1_theory);
    OPT_INT("T2_observed", ph->T2_observed);
    sg_json_int(j, "T2_theory", ph->T2_theory);
    OPT_INT("phase2_end_step", ph->T2_end);
    OPT_INT("growth_step", ph->growth_step);
    sg_json_num(j, "align_plateau_deg", isfinite(ph->plateau_deg) ? ph->plateau_deg : NAN);
    OPT_INT("align_plateau_step", ph->plateau_step);
    sg_json_open(j, "rate");
    sg_json_num(j, "per_step", ph->rate);
    sg_json_num(j, "c", ph->rate_c);
    sg_json_num(j, "r2", ph->rate_r2);
    OPT_INT("window_start", ph->rate_start);
    OPT_INT("window_end", ph->rate_end);
    sg_json_str(j, "quantity", c->cls == SG_CLASS_PAIR ? "sum_j |v_j w_j - a|^2"
                                                       : "|sum_j v_j w_j - 2a|^2");
    sg_json_close(j);
#undef OPT_INT
}

void sg_inv_json_phases(sg_json *j, const sg_inv_checker *dbl, const sg_inv_checker *mp)
{
    sg_json_open(j, "phases");
    json_phase_obj(j, dbl);
    sg_json_str(j, "T1_definition",
                "first step at which every angle(w_j, s_j a) (k = 2) or every sign group's "
                "angle(sum v_j w_j, a) (other k) is <= align_deg");
    sg_json_str(j, "T2_definition",
                "T2_observed = phase2_end_step - T1_observed, where phase2_end_step is the first "
                "step >= T1 with every |v_j| >= growth_v sqrt|a| and |b_j| <= growth_b |a|; "
                "T2_theory is a duration too (Lemma 7)");
    if (mp) {
        sg_json_open(j, "mpfr");
        json_phase_obj(j, mp);
        sg_json_close(j);
    } else {
        sg_json_null(j, "mpfr");
    }
    sg_json_close(j);
}

static void fmt_margin(char *b, size_t n, const sg_inv_result *r)
{
    if (isnan(r->worst_margin))
        snprintf(b, n, "-");
    else
        snprintf(b, n, "%.3g", r->worst_margin);
}

void sg_inv_table(FILE *fp, const sg_inv_checker *dbl, const sg_inv_checker *mp)
{
    fprintf(fp, "%-11s %-15s %-15s %-10s %-10s %s\n", "invariant", "double", "mpfr",
            "first-viol", "margin", "note (double)");
    for (int id = 0; id < SG_INV_COUNT; id++) {
        const sg_inv_result *r = &dbl->res[id];
        char fv[24], mg[32], mv[32];
        if (r->first_violation >= 0)
            snprintf(fv, sizeof fv, "%ld", r->first_violation);
        else
            snprintf(fv, sizeof fv, "-");
        fmt_margin(mg, sizeof mg, r);
        if (mp) {
            snprintf(mv, sizeof mv, "%s%s", sg_verdict_name(mp->res[id].verdict),
                     r->verdict == SG_VIOLATED && mp->res[id].verdict != SG_VIOLATED ? "*" : "");
        } else {
            snprintf(mv, sizeof mv, "(no shadow)");
        }
        fprintf(fp, "%-11s %-15s %-15s %-10s %-10s %s\n", inv_names[id],
                sg_verdict_name(r->verdict), mv, fv, mg, r->reason);
    }
    int artefacts = 0;
    for (int id = 0; mp && id < SG_INV_COUNT; id++)
        artefacts += dbl->res[id].verdict == SG_VIOLATED && mp->res[id].verdict != SG_VIOLATED;
    if (artefacts)
        fprintf(fp, "(* violated in double only: a numerical artefact)\n");
    const sg_inv_phases *ph = &dbl->ph;
    char t1[32], t2[32];
    if (ph->T1_observed >= 0) snprintf(t1, sizeof t1, "%ld", ph->T1_observed);
    else snprintf(t1, sizeof t1, "not reached");
    if (ph->T2_observed >= 0) snprintf(t2, sizeof t2, "%ld", ph->T2_observed);
    else snprintf(t2, sizeof t2, "not reached");
    fprintf(fp, "phases (double%s): T1 observed %s, theory <= %ld; T2 observed %s, theory <= %ld",
            dbl->cls == SG_CLASS_PAIR ? "" : dbl->cls == SG_CLASS_GENERAL
                                                 ? ", group level, theory for k = 2"
                                                 : ", equal signs: outside the theory",
            t1, ph->T1_theory, t2, ph->T2_theory);
    if (ph->T2_end >= 0)
        fprintf(fp, " (phase 3 from step %ld)", ph->T2_end);
    fputc('\n', fp);
    if (isfinite(ph->plateau_deg) && ph->plateau_step >= 0) {
        fprintf(fp, "  alignment before growth: max angle %.3g deg at step %ld (threshold %g)",
                ph->plateau_deg, ph->plateau_step, dbl->th.align_deg);
        if (ph->plateau_deg > dbl->th.align_deg && ph->T1_observed >= 0)
            fprintf(fp, "; the angles stall above the threshold until growth starts, so T1 "
                        "falls inside growth");
        fputc('\n', fp);
    }
    if (!isnan(ph->rate))
        fprintf(fp, "  phase-3 rate: dist^2 x %.6g per step over [%ld, %ld], c = %.3g, R^2 = %.4f\n",
                ph->rate, ph->rate_start, ph->rate_end, ph->rate_c, ph->rate_r2);
}
