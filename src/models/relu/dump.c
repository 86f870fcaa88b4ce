/* dump.c -- CSV dumps of the dataset and the initial state (see dump.h). */
#include "models/relu/dump.h"
#include "io/outdir.h"
#include "io/outfile.h"
#include "run/config.h"
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

int sg_relu_dump(const sg_problem *p, const double *theta0, const char *out_dir)
{
    char dir[SG_PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/data", out_dir);
    if (sg_make_dir(dir) != 0)
        return -1;
    int d = p->d, k = p->k;
    if (p->loss == SG_LOSS_EMPIRICAL &&
        (write_matrix(dir, "X.csv", p->n, d, p->X) != 0 ||
         write_matrix(dir, "y.csv", p->n, 1, p->y) != 0))
        return -1;
    if (write_matrix(dir, "a.csv", d, 1, p->a) != 0 ||
        write_matrix(dir, "W0.csv", k, d, theta0) != 0 ||
        write_matrix(dir, "v0.csv", k, 1, theta0 + (long)k * d) != 0)
        return -1;
    return 0;
}
