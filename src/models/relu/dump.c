/* dump.c -- CSV dumps of the dataset and the initial state (see dump.h). */
#include "models/relu/dump.h"
#include <stdio.h>

static int write_matrix(const char *dir, const char *name, long rows, int cols,
                        const double *m)
{
    sg_outfile o;
    if (sg_outfile_open(&o, dir, name) != 0)
        return -1;
    for (long i = 0; i < rows; i++) {
        for (int l = 0; l < cols; l++)
            fprintf(o.fp, l ? ",%.17g" : "%.17g", m[i * cols + l]);
        fputc('\n', o.fp);
    }
    return sg_outfile_commit(&o);
}

int sg_dump_data(const sg_run_ctx *ctx)
{
    const sg_config *c = &ctx->cfg;
    char dir[SG_PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/data", c->out_dir);
    if (sg_make_dir(dir) != 0)
        return -1;
    int d = c->d, k = c->k;
    if (c->loss == SG_LOSS_EMPIRICAL &&
        (write_matrix(dir, "X.csv", c->n, d, ctx->prob.X) != 0 ||
         write_matrix(dir, "y.csv", c->n, 1, ctx->prob.y) != 0))
        return -1;
    if (write_matrix(dir, "a.csv", d, 1, ctx->prob.a) != 0 ||
        write_matrix(dir, "W0.csv", k, d, ctx->theta0) != 0 ||
        write_matrix(dir, "v0.csv", k, 1, ctx->theta0 + (long)k * d) != 0)
        return -1;
    return 0;
}
