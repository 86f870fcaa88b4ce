/* sensing_model.c -- matrix sensing's operations for the run loop (see
 * sensing_model.h): data and initialisation, the proved loss/gradient and
 * update kernels, LAPACK measurements as trajectory columns, output
 * members, and the registration of its shadow and audit. */
#include "models/sensing/sensing_model.h"
#include "audit/sensing/observer.h"
#include "io/exit_status.h"
#include "io/hash.h"
#include "io/json.h"
#include "io/outdir.h"
#include "io/outfile.h"
#include "kernels/relu/empirical.h" /* sg_gd_update: the shared update kernel */
#include "kernels/sensing/safe_box.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void sensing_free(void *self)
{
    sg_sensing_run *m = self;
    if (!m)
        return;
    sg_sens_meas_free(&m->mws);
    sg_sens_work_free(&m->w);
    sg_sens_problem_free(&m->p);
    free(m);
}

static void *sensing_setup(const sg_config *cfg, double *theta, int *rc)
{
    const sg_sensing_config *c = SG_SENSING_CFG_C(cfg);
    char msg[256] = "out of memory";
    sg_sensing_run *m = calloc(1, sizeof *m);
    *rc = SG_EXIT_FAIL;
    if (!m || sg_sens_problem_init(&m->p, c->n1, c->n2, c->rank, c->k, c->m, c->kappa, msg,
                                   sizeof msg) != 0) {
        fprintf(stderr, "shadowgd: %s\n", msg);
        free(m);
        return NULL;
    }
    m->cfg = cfg;
    m->sc = c;
    if (sg_sens_work_init(&m->w, &m->p) != 0 || sg_sens_meas_init(&m->mws, &m->p) != 0) {
        fprintf(stderr, "shadowgd: out of memory for n1=%d n2=%d m=%d\n", c->n1, c->n2, c->m);
        sensing_free(m);
        return NULL;
    }
    sg_sens_problem_data(&m->p, cfg->seed);
    sg_sens_init_theta(&m->p, cfg->seed, c->alpha, theta);
    /* the data part of the proved box (the sizes were checked by the CLI;
       the state's part is the loop's theta_max check) */
    if (sg_sens_safe_data(c->m, m->p.N, m->p.A, m->p.y, msg, sizeof msg) != 0) {
        fprintf(stderr, "shadowgd: outside the proved floating-point region: %s\n", msg);
        sensing_free(m);
        *rc = SG_EXIT_DIVERGED;
        return NULL;
    }
    *rc = 0;
    return m;
}

static double sensing_loss_grad(void *self, const double *theta, const double **grad)
{
    sg_sensing_run *m = self;
    double loss = sg_sens_loss_grad(&m->p, theta, &m->w);
    *grad = m->w.grad;
    return loss;
}

static void sensing_update(void *self, double mu, const double *grad, double *theta)
{
    sg_sensing_run *m = self;
    sg_gd_update((int)sg_sens_theta_len(&m->p), mu, grad, theta);
}

static void sensing_measure(void *self, const double *theta)
{
    sg_sensing_run *m = self;
    sg_sens_measure(&m->mws, &m->p, theta, &m->meas);
}

static void sensing_csv_header(void *self, FILE *fp)
{
    sg_sensing_run *m = self;
    fputs(",rel_error", fp);
    for (int i = 1; i <= m->meas.nsigma || (i <= m->p.r + 1 && i <= SG_SENS_MAX_SIGMA &&
                                           m->meas.nsigma == 0); i++)
        fprintf(fp, ",sigma_%d", i);
    fputs(",imbalance,angle_deg", fp);
}

static void sensing_csv_row(void *self, FILE *fp)
{
    const sg_sens_meas *s = &((sg_sensing_run *)self)->meas;
    fprintf(fp, ",%.17g", s->rel_error);
    for (int i = 0; i < s->nsigma; i++)
        fprintf(fp, ",%.17g", s->sigma[i]);
    fprintf(fp, ",%.17g,%.17g", s->imbalance, s->angle * (180.0 / M_PI));
}

static void sensing_config_json(void *self, const sg_config *cfg, sg_json *j)
{
    const sg_sensing_config *c = ((sg_sensing_run *)self)->sc;
    sg_json_str(j, "model", "sensing");
    sg_json_int(j, "n1", c->n1);
    sg_json_int(j, "n2", c->n2);
    sg_json_int(j, "rank", c->rank);
    sg_json_int(j, "k", c->k);
    sg_json_int(j, "m", c->m);
    sg_json_num(j, "kappa", c->kappa);
    sg_json_num(j, "alpha", c->alpha);
    sg_json_num(j, "mu", cfg->mu);
    sg_json_int(j, "steps", cfg->steps);
    sg_json_uint(j, "seed", (unsigned long long)cfg->seed);
    sg_json_str(j, "normalisation", "loss 1/2 |A(UV') - y|^2 with A(Z)_i = <A_i, Z>/sqrt(m)");
    sg_json_open(j, "thresholds");
    sg_json_num(j, "lowrank_factor", c->lowrank_factor);
    sg_json_num(j, "recovery_factor", c->recovery_factor);
    sg_json_num(j, "spectral_deg", c->spectral_deg);
    sg_json_num(j, "diverge_max", c->diverge_max);
    sg_json_close(j);
}

static void sensing_final_json(void *self, const sg_config *cfg, const double *theta,
                               sg_json *j)
{
    const sg_sensing_run *m = self;
    const sg_sens_meas *s = &m->meas;
    (void)cfg;
    (void)theta; /* measured by the loop's last measure() */
    int r = m->p.r;
    sg_json_num(j, "rel_error", s->rel_error);
    sg_json_num(j, "sigma_r", s->nsigma > r - 1 ? s->sigma[r - 1] : NAN);
    sg_json_num(j, "sigma_r1", s->nsigma > r ? s->sigma[r] : 0.0);
    sg_json_num(j, "imbalance", s->imbalance);
    sg_json_num(j, "principal_angle_deg", s->angle * (180.0 / M_PI));
    sg_json_open_array(j, "sigma");
    for (int i = 0; i < s->nsigma; i++)
        sg_json_num(j, NULL, s->sigma[i]);
    sg_json_close_array(j);
    sg_json_str(j, "definition",
                "rel_error: |UV' - X*|_F/|X*|_F; sigma: the largest singular values of UV' "
                "(sigma_r1 = sigma_{r+1}); imbalance: |U'U - V'V|_2; principal_angle_deg: "
                "largest principal angle between the top-r left singular subspace of UV' and "
                "col(U*)");
}

static void sensing_banner(void *self, const sg_config *cfg, FILE *fp)
{
    const sg_sensing_config *c = ((sg_sensing_run *)self)->sc;
    fprintf(fp, "shadowgd %s: matrix sensing, n1=%d n2=%d rank=%d k=%d m=%d kappa=%g "
                "alpha=%g mu=%g seed=%llu\n", SG_VERSION, c->n1, c->n2, c->rank, c->k, c->m,
            c->kappa, c->alpha, cfg->mu, (unsigned long long)cfg->seed);
}

static void sensing_report(void *self, const double *theta, FILE *fp)
{
    const sg_sensing_run *m = self;
    const sg_sens_meas *s = &m->meas;
    (void)theta;
    int r = m->p.r;
    fprintf(fp, "  |UV' - X*|_F/|X*|_F = %.4e  sigma_r(UV') = %.6g  sigma_{r+1}(UV') = %.4e"
                "  |U'U - V'V|_2 = %.4e  angle = %.4g deg\n", s->rel_error,
            s->nsigma > r - 1 ? s->sigma[r - 1] : NAN, s->nsigma > r ? s->sigma[r] : 0.0,
            s->imbalance, s->angle * (180.0 / M_PI));
}

static void sensing_component(void *self, long q, char *buf, size_t len)
{
    const sg_sensing_run *m = self;
    int k = m->p.k;
    long nu = (long)m->p.n1 * k;
    if (q < nu)
        snprintf(buf, len, "U[%ld,%ld]", q / k + 1, q % k + 1);
    else
        snprintf(buf, len, "V[%ld,%ld]", (q - nu) / k + 1, (q - nu) % k + 1);
}

/* --dump: X*, U*, V*, s, A (one measurement matrix per row), y, U0, V0 */
static int sensing_dump(void *self, const double *theta0, const char *out_dir)
{
    const sg_sensing_run *m = self;
    const sg_sens_problem *p = &m->p;
    char dir[SG_PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/data", out_dir);
    if (sg_make_dir(dir) != 0)
        return -1;
    long nu = (long)p->n1 * p->k;
    return sg_write_csv_matrix(dir, "Xstar.csv", p->n1, p->n2, p->Xs) != 0 ||
                   sg_write_csv_matrix(dir, "Ustar.csv", p->n1, p->r, p->Us) != 0 ||
                   sg_write_csv_matrix(dir, "Vstar.csv", p->n2, p->r, p->Vs) != 0 ||
                   sg_write_csv_matrix(dir, "s.csv", p->r, 1, p->s) != 0 ||
                   sg_write_csv_matrix(dir, "A.csv", p->m, p->N, p->A) != 0 ||
                   sg_write_csv_matrix(dir, "y.csv", p->m, 1, p->y) != 0 ||
                   sg_write_csv_matrix(dir, "U0.csv", p->n1, p->k, theta0) != 0 ||
                   sg_write_csv_matrix(dir, "V0.csv", p->n2, p->k, theta0 + nu) != 0
               ? -1
               : 0;
}

/* FNV-1a of the dataset: A, y and X* */
static uint64_t sensing_data_hash(void *self)
{
    const sg_sens_problem *p = &((sg_sensing_run *)self)->p;
    uint64_t h = sg_fnv1a_doubles(SG_FNV_INIT, p->A, (long)p->m * p->N);
    h = sg_fnv1a_doubles(h, p->y, p->m);
    return sg_fnv1a_doubles(h, p->Xs, p->N);
}

static int sensing_attach(struct sg_run_ctx *ctx)
{
    sg_sensing_run *m = ctx->m;
    const sg_sensing_config *c = m->sc;
    sg_sens_inv_setup set = {c->alpha, ctx->cfg.mu, c->rank, c->k, ctx->cfg.steps,
                             m->p.s[c->rank - 1], c->lowrank_factor, c->recovery_factor,
                             c->spectral_deg};
    return sg_sens_audit_attach(ctx, &m->p, &m->w, &set, c->diverge_max);
}

/* --dump and the figures */
static const char *const sensing_outputs[] = {
    "data/Xstar.csv", "data/Ustar.csv", "data/Vstar.csv", "data/s.csv", "data/A.csv",
    "data/y.csv", "data/U0.csv", "data/V0.csv",
    "sensing.gp", "sensing.png", "audit.gp", "audit.png", NULL,
};

const sg_model sg_model_sensing = {
    .name = "sensing",
    .title = "overparameterised asymmetric matrix sensing (Soltanolkotabi, Stoger, Xie)",
    .defaults = sg_sensing_defaults,
    .options = sg_sensing_options,
    .parse_option = sg_sensing_parse_option,
    .check = sg_sensing_check,
    .usage = sg_sensing_usage,
    .config_hash = sg_sensing_config_hash,
    .theta_len = sg_sensing_theta_len,
    .setup = sensing_setup,
    .free_state = sensing_free,
    .loss_grad = sensing_loss_grad,
    .update = sensing_update,
    /* |U_aj|, |V_bj| <= 1e4: the box of proofs/eva/sensing_step.c */
    .theta_max = SG_SENS_SAFE_F_MAX,
    .init_scale_flag = "alpha",
    .measure = sensing_measure,
    .csv_header = sensing_csv_header,
    .csv_row = sensing_csv_row,
    .config_json = sensing_config_json,
    .final_json = sensing_final_json,
    .banner = sensing_banner,
    .report = sensing_report,
    .component = sensing_component,
    .dump = sensing_dump,
    .data_hash = sensing_data_hash,
    .outputs = sensing_outputs,
    .attach = sensing_attach,
};
