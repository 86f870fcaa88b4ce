/* relu_model.c -- the ReLU network's operations for the run loop (see
 * relu_model.h): setup of dataset, target and initial state, the proved
 * loss/gradient and update kernels, measurements, output members, and the
 * registration of its MPFR shadow, invariant audit and region check. */
#include "models/relu/relu_model.h"
#include "kernels/data.h"
#include "kernels/geometry.h"
#include "kernels/relu/empirical.h"
#include "kernels/relu/region.h"
#include "kernels/rng.h"
#include "io/exit_status.h"
#include "io/hash.h"
#include "io/json.h"
#include "io/target_file.h"
#include "io/init_file.h"
#include "models/relu/dump.h"
#include "models/relu/relu_multi.h"
#include "models/relu/relu_observers.h"
#include "models/relu/trajectory.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void relu_free(void *self)
{
    sg_relu_run *m = self;
    if (!m)
        return;
    sg_problem_free(&m->prob);
    sg_workspace_free(&m->ws);
    sg_relu_multi_free(m);
    free(m->sign0);
    free(m->wnorm);
    free(m->angle_deg);
    free(m->angle_g);
    free(m->scratch);
    free(m);
}

static int fill_target(sg_relu_run *m)
{
    const sg_relu_config *c = m->rc;
    sg_rng rng;
    char err[512];
    switch (c->target) {
    case SG_TARGET_E1:
        sg_target_e1(c->d, m->prob.a);
        break;
    case SG_TARGET_RANDOM:
        sg_rng_seed_stream(&rng, m->cfg->seed, SG_STREAM_TARGET);
        sg_target_random(&rng, c->d, m->prob.a);
        break;
    case SG_TARGET_FILE:
        if (sg_target_read(c->target_path, c->d, m->prob.a, err, sizeof err) != 0) {
            fprintf(stderr, "shadowgd: %s\n", err);
            return SG_EXIT_USAGE;
        }
        break;
    }
    return 0;
}

/* dataset (empirical loss), target and theta_0 from the run's seed: the
   data, target and init streams of rng.h, so each is independent of the
   others' sizes */
static void *relu_setup(const sg_config *cfg, double *theta, int *rc)
{
    const sg_relu_config *c = SG_RELU_CFG_C(cfg);
    int d = c->d, k = c->k;
    sg_relu_run *m = calloc(1, sizeof *m);
    if (m) {
        m->cfg = cfg;
        m->rc = c;
        m->r = c->outputs;
    }
    if (m && m->r > 1) { /* relu_multi.c; the scalar code below stays r = 1's */
        if (!(m->sign0 = calloc((size_t)k, sizeof(double))) ||
            !(m->wnorm = calloc((size_t)k, sizeof(double))) ||
            !(m->scratch = calloc((size_t)d, sizeof(double)))) {
            fprintf(stderr, "shadowgd: out of memory for n=%d d=%d k=%d\n", c->n, d, k);
            *rc = SG_EXIT_FAIL;
        } else
            *rc = sg_relu_multi_setup(m, theta);
        if (*rc != 0) {
            relu_free(m);
            return NULL;
        }
        return m;
    }
    if (!m || sg_problem_alloc(&m->prob, c->loss, c->n, d, k) != 0 ||
        sg_workspace_alloc(&m->ws, &m->prob) != 0 ||
        !(m->sign0 = calloc((size_t)k, sizeof(double))) ||
        !(m->wnorm = calloc((size_t)k, sizeof(double))) ||
        !(m->angle_deg = calloc((size_t)k, sizeof(double))) ||
        !(m->angle_g = calloc((size_t)k, sizeof(double))) ||
        !(m->scratch = calloc((size_t)d, sizeof(double)))) {
        fprintf(stderr, "shadowgd: out of memory for n=%d d=%d k=%d\n", c->n, d, k);
        relu_free(m);
        *rc = SG_EXIT_FAIL;
        return NULL;
    }
    *rc = fill_target(m);
    if (*rc != 0) {
        relu_free(m);
        return NULL;
    }
    m->a_norm = sg_norm(d, m->prob.a);
    sg_rng rng;
    if (c->loss == SG_LOSS_EMPIRICAL) {
        sg_rng_seed_stream(&rng, cfg->seed, SG_STREAM_DATA);
        sg_data_gaussian(&rng, c->n, d, m->prob.X);
        sg_labels(c->n, d, m->prob.X, m->prob.a, m->prob.y);
    }
    sg_rng_seed_stream(&rng, cfg->seed, SG_STREAM_INIT);
    sg_init_state(c->init, &rng, d, k, c->sigma, theta, theta + (long)k * d, m->scratch);
    if (c->init_path[0]) {
        char err[512];
        if (sg_init_file_read(c->init_path, d, k, SG_SAFE_W_MAX, theta, theta + (long)k * d,
                              err, sizeof err) != 0) {
            fprintf(stderr, "shadowgd: %s\n", err);
            relu_free(m);
            *rc = SG_EXIT_USAGE;
            return NULL;
        }
    }
    sg_initial_signs(k, theta + (long)k * d, m->sign0);
    return m;
}

static double relu_loss_grad(void *self, const double *theta, const double **grad)
{
    sg_relu_run *m = self;
    if (m->r > 1)
        return sg_relu_multi_loss_grad(m, theta, grad);
    double loss = sg_loss_grad(&m->prob, theta, &m->ws);
    *grad = m->ws.grad;
    /* The population loss's closed form (design section 2) cancels to
       ~1e-16 near the optimum and can come out below 0 (down to -2.2e-16).
       The true loss is >= 0, so max(L, 0) is never farther from it than L
       (the audit's tolerances stay valid); NaN stays NaN for the divergence
       check.  The kernel's raw value stays in ws.loss for the shadow's
       round-off audit.  The empirical loss is a sum of squares, never < 0. */
    return loss < 0.0 ? 0.0 : loss;
}

static void relu_update(void *self, double mu, const double *grad, double *theta)
{
    sg_relu_run *m = self;
    /* --freeze-v: the proved update on the W block only; v stays v(0) */
    long len = m->rc->freeze_v ? (long)m->rc->k * m->rc->d : sg_relu_theta_len(m->cfg);
    sg_gd_update((int)len, mu, grad, theta);
}

static void relu_measure(void *self, const double *theta)
{
    sg_relu_run *m = self;
    if (m->r > 1) {
        sg_relu_multi_measure(m, theta);
        return;
    }
    sg_neuron_metrics(m->rc->d, m->rc->k, m->prob.a, theta, m->sign0, m->wnorm, m->angle_deg,
                      m->scratch);
    /* measure runs after loss_grad at this theta (run.h): ws.grad is its gradient */
    sg_halfspace_metrics(m->rc->d, m->rc->k, theta, m->ws.grad, m->sign0, m->angle_g,
                         m->scratch);
    m->measured = theta;
}

static void relu_csv_header(void *self, FILE *fp)
{
    sg_relu_run *m = self;
    if (m->r > 1)
        sg_relu_multi_csv_header(m, fp);
    else
        sg_traj_header(fp, m->rc->k);
}

static void relu_csv_row(void *self, FILE *fp)
{
    sg_relu_run *m = self;
    int d = m->rc->d, k = m->rc->k;
    if (m->r > 1) {
        sg_relu_multi_csv_row(m, fp);
        return;
    }
    sg_traj_row(fp, k, m->measured + (long)k * d, m->wnorm, m->angle_deg, m->angle_g);
}

static void relu_config_json(void *self, const sg_config *cfg, sg_json *j)
{
    sg_relu_run *m = self;
    const sg_relu_config *c = m->rc;
    sg_json_str(j, "loss", sg_loss_name(c->loss));
    sg_json_int(j, "d", c->d);
    sg_json_int(j, "k", c->k);
    if (m->r > 1) /* only then: r = 1 summaries stay the scalar program's */
        sg_json_int(j, "outputs", m->r);
    if (c->loss == SG_LOSS_EMPIRICAL)
        sg_json_int(j, "n", c->n);
    else
        sg_json_null(j, "n");
    sg_json_num(j, "sigma", c->sigma);
    sg_json_num(j, "mu", cfg->mu);
    sg_json_int(j, "steps", cfg->steps);
    sg_json_str(j, "init", sg_init_name(c->init));
    sg_json_uint(j, "seed", (unsigned long long)cfg->seed);
    sg_json_str(j, "target", c->target == SG_TARGET_FILE ? "file" : sg_target_name(c));
    if (c->target == SG_TARGET_FILE)
        sg_json_str(j, "target_path", c->target_path);
    sg_json_num(j, "target_norm", m->a_norm);
    sg_json_bool(j, "freeze_v", c->freeze_v);
    if (c->init_path[0])
        sg_json_str(j, "init_file", c->init_path);
    else
        sg_json_null(j, "init_file");
    /* every threshold a verdict depends on (--align-deg ... --diverge-max) */
    sg_json_open(j, "thresholds");
    sg_json_num(j, "align_deg", c->inv.align_deg);
    sg_json_num(j, "growth_v", c->inv.growth_v);
    sg_json_num(j, "growth_b", c->inv.growth_b);
    sg_json_num(j, "lemma3_c", c->inv.lemma3_c);
    sg_json_num(j, "rate_floor", c->inv.rate_floor);
    sg_json_int(j, "rate_min_window", c->inv.rate_min_window);
    sg_json_num(j, "line_deg", c->inv.line_deg);
    sg_json_num(j, "diverge_max", c->inv.diverge_max);
    sg_json_close(j);
    if (m->r > 1) { /* relu_observers.c: what an r > 1 run does not check */
        sg_json_open_array(j, "not_applicable");
        sg_json_str(j, NULL, "scalar_invariant_audit");
        sg_json_close_array(j);
    }
}

static void relu_final_json(void *self, const sg_config *cfg, const double *theta, sg_json *j)
{
    sg_relu_run *m = self;
    int d = m->rc->d, k = m->rc->k;
    (void)cfg;
    if (m->r > 1) {
        sg_relu_multi_final_json(m, theta, j);
        return;
    }
    sg_json_open_array(j, "v");
    for (int q = 0; q < k; q++)
        sg_json_num(j, NULL, theta[(long)k * d + q]);
    sg_json_close_array(j);
    sg_json_open_array(j, "wnorm");
    for (int q = 0; q < k; q++)
        sg_json_num(j, NULL, m->wnorm[q]);
    sg_json_close_array(j);
    sg_json_open_array(j, "angle_deg");
    for (int q = 0; q < k; q++)
        sg_json_num(j, NULL, m->angle_deg[q]);
    sg_json_close_array(j);
    /* distance to the optimum (design section 2; invariants.h) */
    sg_json_open(j, "distance_to_optimum");
    if (k == 2 && m->sign0[0] != m->sign0[1])
        sg_json_num(j, "pair_frobenius", sqrt(sg_opt_dist2_pair(d, k, m->prob.a, theta)));
    else
        sg_json_null(j, "pair_frobenius");
    sg_json_num(j, "sum_minus_2a", sg_opt_sum_dist(d, k, m->prob.a, theta));
    int nlines = 0;
    double lr = sg_opt_line_residual(d, k, m->prob.a, theta, m->rc->inv.line_deg, &nlines);
    sg_json_num(j, "line_residual", lr);
    sg_json_int(j, "lines", nlines);
    sg_json_str(j, "definition",
                "pair_frobenius (k = 2, opposite signs): |diag(v)W - W*|_F = sqrt(sum_j "
                "|v_j w_j - a|^2) in the signed convention; sum_minus_2a: |sum_j v_j w_j - 2a|; "
                "line_residual: max over lines through 0 of |sum_{j on it} v_j |w_j|| / |a|");
    sg_json_close(j);
}

static void relu_banner(void *self, const sg_config *cfg, FILE *fp)
{
    const sg_relu_config *c = ((sg_relu_run *)self)->rc;
    if (c->outputs > 1) {
        fprintf(fp, "shadowgd %s: %s loss, d=%d k=%d outputs=%d n=%d init=%s sigma=%g mu=%g "
                    "seed=%llu\n", SG_VERSION, sg_loss_name(c->loss), c->d, c->k, c->outputs,
                c->n, sg_init_name(c->init), c->sigma, cfg->mu, (unsigned long long)cfg->seed);
        return;
    }
    fprintf(fp, "shadowgd %s: %s loss, d=%d k=%d n=%d init=%s sigma=%g mu=%g seed=%llu\n",
            SG_VERSION, sg_loss_name(c->loss), c->d, c->k, c->n, sg_init_name(c->init),
            c->sigma, cfg->mu, (unsigned long long)cfg->seed);
}

static void relu_report(void *self, const double *theta, FILE *fp)
{
    sg_relu_run *m = self;
    int d = m->rc->d, k = m->rc->k;
    if (m->r > 1) {
        sg_relu_multi_report(m, theta, fp);
        return;
    }
    for (int j = 0; j < k && j < 8; j++)
        fprintf(fp, "  neuron %d: v=% .6e  |w|=%.6e  angle=%.4g deg\n", j + 1,
                theta[(long)k * d + j], m->wnorm[j], m->angle_deg[j]);
    if (k > 8)
        fprintf(fp, "  (%d more neurons in trajectory.csv)\n", k - 8);
}

void sg_relu_component_name(int d, int k, long q, char *buf, size_t len)
{
    long kd = (long)k * d;
    if (q < kd)
        snprintf(buf, len, "W[%ld,%ld]", q / d + 1, q % d + 1);
    else
        snprintf(buf, len, "v[%ld]", q - kd + 1);
}

static void relu_component(void *self, long q, char *buf, size_t len)
{
    sg_relu_run *m = self;
    if (m->r > 1)
        sg_relu_multi_component_name(m->rc->d, m->rc->k, q, buf, len);
    else
        sg_relu_component_name(m->rc->d, m->rc->k, q, buf, len);
}

static int relu_dump(void *self, const double *theta0, const char *dir)
{
    sg_relu_run *m = self;
    if (m->r > 1)
        return sg_relu_multi_dump(m, theta0, dir);
    return sg_relu_dump(&m->prob, theta0, dir);
}

/* FNV-1a of the dataset (a, then X and y for the empirical loss) */
static uint64_t relu_data_hash(void *self)
{
    if (((sg_relu_run *)self)->r > 1)
        return sg_relu_multi_data_hash(self);
    const sg_problem *p = &((sg_relu_run *)self)->prob;
    uint64_t h = sg_fnv1a_doubles(SG_FNV_INIT, p->a, p->d);
    if (p->loss == SG_LOSS_EMPIRICAL) {
        h = sg_fnv1a_doubles(h, p->X, (long)p->n * p->d);
        h = sg_fnv1a_doubles(h, p->y, p->n);
    }
    return h;
}

/* --dump, the audit's figures, the final state's structure */
static const char *const relu_outputs[] = {
    "data/X.csv", "data/y.csv", "data/a.csv", "data/W0.csv", "data/v0.csv",
    "fig3.gp", "fig3.png", "audit.gp", "audit.png", "final_state.csv", "units.gp", "units.png", NULL,
};

_Static_assert((long long)SG_SAFE_W_MAX == (long long)SG_SAFE_V_MAX, "one bound for W and v");

const sg_model sg_model_relu = {
    .name = "relu",
    .title = "two-layer ReLU network on a planted linear target (Tinaz, Xie, Soltanolkotabi)",
    .defaults = sg_relu_defaults,
    .options = sg_relu_options,
    .parse_option = sg_relu_parse_option,
    .check = sg_relu_check,
    .usage = sg_relu_usage,
    .config_hash = sg_relu_config_hash,
    .theta_len = sg_relu_theta_len,
    .setup = relu_setup,
    .free_state = relu_free,
    .loss_grad = relu_loss_grad,
    .update = relu_update,
    /* the box |W_jl|, |v_j| <= 1e8 in which the Eva proof
       (proofs/eva/empirical_step.c) shows one GD step free of overflow and
       NaN; region.h is the single source of the constant */
    .theta_max = SG_SAFE_W_MAX,
    .init_scale_flag = "sigma",
    .measure = relu_measure,
    .csv_header = relu_csv_header,
    .csv_row = relu_csv_row,
    .config_json = relu_config_json,
    .final_json = relu_final_json,
    .banner = relu_banner,
    .report = relu_report,
    .component = relu_component,
    .dump = relu_dump,
    .data_hash = relu_data_hash,
    .outputs = relu_outputs,
    .attach = sg_relu_attach_observers,
};
