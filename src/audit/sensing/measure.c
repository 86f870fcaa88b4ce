/* measure.c -- Model B measurements with LAPACK (measure.h). */
#include "audit/sensing/measure.h"
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int sg_sens_meas_init(sg_sens_meas_ws *ws, const sg_sens_problem *p)
{
    memset(ws, 0, sizeof *ws);
    ws->n1 = p->n1, ws->n2 = p->n2, ws->k = p->k, ws->r = p->r;
    int mn = p->n1 < p->n2 ? p->n1 : p->n2;
    size_t n1 = (size_t)p->n1, r = (size_t)p->r, k = (size_t)p->k;
    ws->P = malloc((size_t)p->N * sizeof(double));
    ws->sv = malloc((size_t)mn * sizeof(double));
    ws->Ul = malloc(n1 * (size_t)mn * sizeof(double));
    ws->D = malloc(k * k * sizeof(double));
    ws->C = malloc((2 * n1 * r + r * r + n1 + k + (size_t)mn) * sizeof(double));
    ws->R = malloc(n1 * r * sizeof(double));
    ws->work = malloc(((size_t)mn + k) * sizeof(double));
    if (!ws->P || !ws->sv || !ws->Ul || !ws->D || !ws->C || !ws->R || !ws->work) {
        sg_sens_meas_free(ws);
        return -1;
    }
    return 0;
}

void sg_sens_meas_free(sg_sens_meas_ws *ws)
{
    free(ws->P), free(ws->sv), free(ws->Ul), free(ws->D), free(ws->C), free(ws->R);
    free(ws->work);
    memset(ws, 0, sizeof *ws);
}

double sg_sens_sym_norm2(int k, double *S, double *scratch)
{
    if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', k, S, k, scratch) != 0)
        return NAN;
    double nrm = 0.0;
    for (int j = 0; j < k; j++)
        if (fabs(scratch[j]) > nrm)
            nrm = fabs(scratch[j]);
    return nrm;
}

/* singular values of the n x c row-major X (destroyed) into sv */
static int svals(int n, int c, double *X, double *sv, double *superb)
{
    return LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', n, c, X, c, sv, NULL, 1, NULL, 1, superb);
}

double sg_sens_principal_angle(int n, int r, const double *Q, const double *Us, double *scratch)
{
    double *C = scratch, *R = C + (size_t)r * r, *sv = R + (size_t)n * r;
    double *superb = sv + r;
    /* C = Us^T Q (r x r), R = Q - Us C (n x r) */
    for (int i = 0; i < r; i++)
        for (int j = 0; j < r; j++) {
            double s = 0.0;
            for (int a = 0; a < n; a++)
                s += Us[(long)a * r + i] * Q[(long)a * r + j];
            C[i * r + j] = s;
        }
    for (int a = 0; a < n; a++)
        for (int j = 0; j < r; j++) {
            double s = Q[(long)a * r + j];
            for (int i = 0; i < r; i++)
                s -= Us[(long)a * r + i] * C[i * r + j];
            R[(long)a * r + j] = s;
        }
    if (svals(n, r, R, sv, superb) != 0)
        return NAN;
    double smax = sv[0];
    if (svals(r, r, C, sv, superb) != 0)
        return NAN;
    double cmin = sv[r - 1];
    return atan2(smax, cmin);
}

int sg_sens_measure(sg_sens_meas_ws *ws, const sg_sens_problem *p, const double *theta,
                    sg_sens_meas *out)
{
    int n1 = p->n1, n2 = p->n2, k = p->k, r = p->r;
    int mn = n1 < n2 ? n1 : n2;
    const double *U = theta, *V = theta + (long)n1 * k;
    /* P = U V^T (left to right over j), relative error */
    double e2 = 0.0, x2 = 0.0;
    for (int a = 0; a < n1; a++)
        for (int b = 0; b < n2; b++) {
            double s = 0.0;
            for (int j = 0; j < k; j++)
                s += U[(long)a * k + j] * V[(long)b * k + j];
            ws->P[(long)a * n2 + b] = s;
            double d = s - p->Xs[(long)a * n2 + b];
            e2 += d * d;
            x2 += p->Xs[(long)a * n2 + b] * p->Xs[(long)a * n2 + b];
        }
    out->rel_error = sqrt(e2) / sqrt(x2);
    /* SVD of P: singular values and the left singular vectors */
    if (LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'S', 'N', n1, n2, ws->P, n2, ws->sv, ws->Ul, mn, NULL,
                       1, ws->work) != 0)
        return -1;
    int ns = r + 1 < mn ? r + 1 : mn;
    if (ns > SG_SENS_MAX_SIGMA)
        ns = SG_SENS_MAX_SIGMA;
    out->nsigma = ns;
    for (int q = 0; q < ns; q++)
        out->sigma[q] = ws->sv[q];
    /* top-r left singular vectors: the first r columns of Ul (n1 x mn) */
    for (int a = 0; a < n1; a++)
        for (int j = 0; j < r; j++)
            ws->R[(long)a * r + j] = ws->Ul[(long)a * mn + j];
    out->angle = sg_sens_principal_angle(n1, r, ws->R, p->Us, ws->C);
    /* D = U^T U - V^T V */
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            double su = 0.0, sv = 0.0;
            for (int a = 0; a < n1; a++)
                su += U[(long)a * k + i] * U[(long)a * k + j];
            for (int b = 0; b < n2; b++)
                sv += V[(long)b * k + i] * V[(long)b * k + j];
            ws->D[i * k + j] = su - sv;
        }
    out->imbalance = sg_sens_sym_norm2(k, ws->D, ws->work);
    if (isnan(out->angle) || isnan(out->imbalance))
        return -1;
    return 0;
}
