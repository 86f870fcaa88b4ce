/* dump.c -- CSV dumps of the dataset and the initial state (see dump.h). */
#include "models/relu/dump.h"
#include "io/outdir.h"
#include "io/outfile.h"
#include "run/config.h"
#include <stdio.h>

int sg_relu_dump(const sg_problem *p, const double *theta0, const char *out_dir)
{
    char dir[SG_PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/data", out_dir);
    if (sg_make_dir(dir) != 0)
        return -1;
    int d = p->d, k = p->k;
    if (p->loss == SG_LOSS_EMPIRICAL &&
        (sg_write_csv_matrix(dir, "X.csv", p->n, d, p->X) != 0 ||
         sg_write_csv_matrix(dir, "y.csv", p->n, 1, p->y) != 0))
        return -1;
    if (sg_write_csv_matrix(dir, "a.csv", d, 1, p->a) != 0 ||
        sg_write_csv_matrix(dir, "W0.csv", k, d, theta0) != 0 ||
        sg_write_csv_matrix(dir, "v0.csv", k, 1, theta0 + (long)k * d) != 0)
        return -1;
    return 0;
}
