/* relu_multi.c -- the ReLU model at --outputs r > 1 (see relu_multi.h). */
#include "models/relu/relu_multi.h"
#include "io/exit_status.h"
#include "io/hash.h"
#include "io/json.h"
#include "io/outdir.h"
#include "io/outfile.h"
#include "io/target_rows.h"
#include "kernels/data.h"
#include "kernels/geometry.h"
#include "kernels/relu/multi_init.h"
#include "kernels/relu/region.h"
#include "kernels/rng.h"
#include <math.h>
#include <stdlib.h>

static int fill_target(sg_relu_run *m)
{
    const sg_relu_config *c = m->rc;
    int r = m->r, d = c->d;
    sg_rng rng;
    char err[640];
    switch (c->target) {
    case SG_TARGET_E1:
        sg_mtarget_e(r, d, m->mprob.A);
        break;
    case SG_TARGET_RANDOM:
        sg_rng_seed_stream(&rng, m->cfg->seed, SG_STREAM_TARGET);
        sg_mtarget_random(&rng, r, d, m->mprob.A);
        break;
    case SG_TARGET_FILE:
        if (sg_target_read_rows(c->target_path, r, d, m->mprob.A, err, sizeof err) != 0) {
            fprintf(stderr, "shadowgd: %s\n", err);
            return SG_EXIT_USAGE;
        }
        break;
    }
    return 0;
}

int sg_relu_multi_setup(sg_relu_run *m, double *theta)
{
    const sg_relu_config *c = m->rc;
    int d = c->d, k = c->k, r = m->r;
    if (sg_mproblem_alloc(&m->mprob, c->loss, c->n, d, k, r) != 0 ||
        sg_mworkspace_alloc(&m->mws, &m->mprob) != 0 ||
        !(m->vnorm = calloc((size_t)k, sizeof(double))) ||
        !(m->u = calloc((size_t)r * (size_t)r, sizeof(double)))) {
        fprintf(stderr, "shadowgd: out of memory for n=%d d=%d k=%d outputs=%d\n", c->n, d, k,
                r);
        return SG_EXIT_FAIL;
    }
    int rc = fill_target(m);
    if (rc != 0)
        return rc;
    m->a_norm = sg_norm(r * d, m->mprob.A);
    sg_rng rng;
    if (c->loss == SG_LOSS_EMPIRICAL) {
        sg_rng_seed_stream(&rng, m->cfg->seed, SG_STREAM_DATA);
        sg_data_gaussian(&rng, c->n, d, m->mprob.X);
        sg_mproblem_labels(&m->mprob);
        /* the data part of the proved region (multi.h, region.h; the sizes
           are the CLI's, theta the run loop's): Gaussian X never leaves it,
           a --target file with huge rows can make Y leave it */
        const sg_mproblem *p = &m->mprob;
        for (long q = 0; q < (long)p->n * d; q++)
            if (!(fabs(p->X[q]) <= SG_SAFE_X_MAX)) {
                fprintf(stderr, "shadowgd: |X[%ld,%ld]| = %g is outside the proved region "
                                "|X| <= %g of --loss empirical (kernels/relu/region.h)\n",
                        q / d + 1, q % d + 1, fabs(p->X[q]), SG_SAFE_X_MAX);
                return SG_EXIT_USAGE;
            }
        for (long q = 0; q < (long)p->n * r; q++)
            if (!(fabs(p->Y[q]) <= SG_SAFE_Y_MAX)) {
                fprintf(stderr, "shadowgd: --target %s gives |y[%ld,%ld]| = %g, outside the "
                                "proved region |y| <= %g of --loss empirical "
                                "(kernels/relu/region.h)\n", sg_target_name(c), q / r + 1,
                        q % r + 1, fabs(p->Y[q]), SG_SAFE_Y_MAX);
                return SG_EXIT_USAGE;
            }
    }
    sg_rng_seed_stream(&rng, m->cfg->seed, SG_STREAM_INIT);
    sg_minit_state(c->init, &rng, d, k, r, c->sigma, theta, theta + (long)k * d, m->scratch,
                   m->u);
    for (int j = 0; j < k; j++)
        m->sign0[j] = 1.0; /* no scalar sign at r > 1 */
    return 0;
}

void sg_relu_multi_free(sg_relu_run *m)
{
    sg_mproblem_free(&m->mprob);
    sg_mworkspace_free(&m->mws);
    free(m->vnorm);
    free(m->u);
    m->vnorm = m->u = NULL;
}

double sg_relu_multi_loss_grad(sg_relu_run *m, const double *theta, const double **grad)
{
    double loss = sg_mloss_grad(&m->mprob, theta, &m->mws);
    *grad = m->mws.grad;
    /* as the scalar model (relu_model.c): the population closed form can
       cancel to slightly below 0; the true loss is >= 0 */
    return loss < 0.0 ? 0.0 : loss;
}

void sg_relu_multi_measure(sg_relu_run *m, const double *theta)
{
    int d = m->rc->d, k = m->rc->k, r = m->r;
    const double *V = theta + (long)k * d;
    for (int j = 0; j < k; j++) {
        m->wnorm[j] = sg_norm(d, theta + (long)j * d);
        double s = 0.0;
        for (int o = 0; o < r; o++)
            s = s + V[(long)o * k + j] * V[(long)o * k + j];
        m->vnorm[j] = sqrt(s);
    }
    m->vw_res = sg_multi_vw_residual(d, k, r, m->mprob.A, theta);
    m->measured = theta;
}

void sg_relu_multi_csv_header(sg_relu_run *m, FILE *fp)
{
    for (int j = 1; j <= m->rc->k; j++)
        fprintf(fp, ",vnorm_%d,wnorm_%d", j, j);
    fputs(",vw_minus_2A", fp);
}

void sg_relu_multi_csv_row(sg_relu_run *m, FILE *fp)
{
    for (int j = 0; j < m->rc->k; j++)
        fprintf(fp, ",%.17g,%.17g", m->vnorm[j], m->wnorm[j]);
    fprintf(fp, ",%.17g", m->vw_res);
}

void sg_relu_multi_final_json(sg_relu_run *m, const double *theta, sg_json *j)
{
    int d = m->rc->d, k = m->rc->k, r = m->r;
    const double *V = theta + (long)k * d;
    sg_json_open_array(j, "V");
    for (int o = 0; o < r; o++) {
        sg_json_open_array(j, NULL);
        for (int q = 0; q < k; q++)
            sg_json_num(j, NULL, V[(long)o * k + q]);
        sg_json_close_array(j);
    }
    sg_json_close_array(j);
    /* W too (k x d): the final state is the result of an r > 1 run (the
       pairing of units, issue 16), and no audit writes final_state.csv */
    sg_json_open_array(j, "W");
    for (int q = 0; q < k; q++) {
        sg_json_open_array(j, NULL);
        for (int l = 0; l < d; l++)
            sg_json_num(j, NULL, theta[(long)q * d + l]);
        sg_json_close_array(j);
    }
    sg_json_close_array(j);
    sg_json_open_array(j, "vnorm");
    for (int q = 0; q < k; q++)
        sg_json_num(j, NULL, m->vnorm[q]);
    sg_json_close_array(j);
    sg_json_open_array(j, "wnorm");
    for (int q = 0; q < k; q++)
        sg_json_num(j, NULL, m->wnorm[q]);
    sg_json_close_array(j);
    sg_json_open(j, "distance_to_optimum");
    sg_json_num(j, "vw_minus_2A", m->vw_res);
    sg_json_str(j, "definition",
                "vw_minus_2A: |V W - 2A|_F, zero at every zero-loss point (the odd part of "
                "V ReLU(W x) is V W x / 2)");
    sg_json_close(j);
}

void sg_relu_multi_report(sg_relu_run *m, const double *theta, FILE *fp)
{
    int k = m->rc->k;
    (void)theta;
    for (int j = 0; j < k && j < 8; j++)
        fprintf(fp, "  unit %d: |V_j|=%.6e  |w_j|=%.6e\n", j + 1, m->vnorm[j], m->wnorm[j]);
    if (k > 8)
        fprintf(fp, "  (%d more units in trajectory.csv)\n", k - 8);
    fprintf(fp, "  |V W - 2A|_F = %.6e\n", m->vw_res);
}

void sg_relu_multi_component_name(int d, int k, long q, char *buf, size_t len)
{
    long kd = (long)k * d;
    if (q < kd)
        snprintf(buf, len, "W[%ld,%ld]", q / d + 1, q % d + 1);
    else
        snprintf(buf, len, "V[%ld,%ld]", (q - kd) / k + 1, (q - kd) % k + 1);
}

/* the scalar dump's files with the r > 1 shapes: y n x r, a r x d, v0 r x k */
int sg_relu_multi_dump(sg_relu_run *m, const double *theta0, const char *out_dir)
{
    const sg_mproblem *p = &m->mprob;
    char dir[SG_PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/data", out_dir);
    if (sg_make_dir(dir) != 0)
        return -1;
    int d = p->d, k = p->k, r = p->r;
    if (p->loss == SG_LOSS_EMPIRICAL &&
        (sg_write_csv_matrix(dir, "X.csv", p->n, d, p->X) != 0 ||
         sg_write_csv_matrix(dir, "y.csv", p->n, r, p->Y) != 0))
        return -1;
    if (sg_write_csv_matrix(dir, "a.csv", r, d, p->A) != 0 ||
        sg_write_csv_matrix(dir, "W0.csv", k, d, theta0) != 0 ||
        sg_write_csv_matrix(dir, "v0.csv", r, k, theta0 + (long)k * d) != 0)
        return -1;
    return 0;
}

uint64_t sg_relu_multi_data_hash(sg_relu_run *m)
{
    const sg_mproblem *p = &m->mprob;
    uint64_t h = sg_fnv1a_doubles(SG_FNV_INIT, p->A, (long)p->r * p->d);
    if (p->loss == SG_LOSS_EMPIRICAL) {
        h = sg_fnv1a_doubles(h, p->X, (long)p->n * p->d);
        h = sg_fnv1a_doubles(h, p->Y, (long)p->n * p->r);
    }
    return h;
}
