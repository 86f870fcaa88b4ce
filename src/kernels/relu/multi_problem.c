/* multi_problem.c -- allocation and the composition of the multi-output
 * kernels into the loss and gradient (see multi_problem.h).  The order is
 * problem.c's sg_loss_grad with the multi kernels of multi.h. */
#include "kernels/relu/multi_problem.h"
#include "kernels/relu/empirical.h"
#include <math.h>
#include <stdlib.h>

long sg_mtheta_len(int d, int k, int r)
{
    return (long)k * d + (long)r * k;
}

int sg_mproblem_alloc(sg_mproblem *p, sg_loss_kind loss, int n, int d, int k, int r)
{
    p->loss = loss;
    p->n = loss == SG_LOSS_EMPIRICAL ? n : 0;
    p->d = d;
    p->k = k;
    p->r = r;
    p->X = p->Y = NULL;
    p->A = calloc((size_t)r * (size_t)d, sizeof(double));
    if (loss == SG_LOSS_EMPIRICAL) {
        p->X = calloc((size_t)n * (size_t)d, sizeof(double));
        p->Y = calloc((size_t)n * (size_t)r, sizeof(double));
    }
    if (!p->A || (loss == SG_LOSS_EMPIRICAL && (!p->X || !p->Y))) {
        sg_mproblem_free(p);
        return -1;
    }
    return 0;
}

void sg_mproblem_free(sg_mproblem *p)
{
    free(p->X);
    free(p->Y);
    free(p->A);
    p->X = p->Y = p->A = NULL;
}

int sg_mworkspace_alloc(sg_mworkspace *ws, const sg_mproblem *p)
{
    size_t nk = (size_t)p->n * (size_t)p->k, nr = (size_t)p->n * (size_t)p->r;
    ws->Z = ws->H = ws->Wt = ws->F = ws->R = ws->T = ws->tmp = NULL;
    ws->pop.norm = ws->pop.theta = NULL;
    ws->loss = 0.0;
    ws->grad = calloc((size_t)sg_mtheta_len(p->d, p->k, p->r), sizeof(double));
    int ok = ws->grad != NULL;
    if (p->loss == SG_LOSS_EMPIRICAL) {
        ws->Z = calloc(nk, sizeof(double));
        ws->H = calloc(nk, sizeof(double));
        ws->Wt = calloc((size_t)SG_FWD_SCRATCH(p->d, p->k), sizeof(double));
        ws->T = calloc(nk, sizeof(double));
        ws->F = calloc(nr, sizeof(double));
        ws->R = calloc(nr, sizeof(double));
        ok = ok && ws->Z && ws->H && ws->Wt && ws->T && ws->F && ws->R;
    } else {
        ws->pop.norm = calloc((size_t)p->k, sizeof(double));
        ws->pop.theta = calloc((size_t)p->k * (size_t)p->k, sizeof(double));
        ws->tmp = calloc((size_t)p->k * (size_t)p->d, sizeof(double));
        ok = ok && ws->pop.norm && ws->pop.theta && ws->tmp;
    }
    if (!ok) {
        sg_mworkspace_free(ws);
        return -1;
    }
    return 0;
}

void sg_mworkspace_free(sg_mworkspace *ws)
{
    free(ws->Z);
    free(ws->H);
    free(ws->Wt);
    free(ws->T);
    free(ws->F);
    free(ws->R);
    free(ws->tmp);
    free(ws->grad);
    free(ws->pop.norm);
    free(ws->pop.theta);
    ws->Z = ws->H = ws->Wt = ws->T = ws->F = ws->R = ws->tmp = ws->grad = NULL;
    ws->pop.norm = ws->pop.theta = NULL;
}

void sg_mproblem_labels(sg_mproblem *p)
{
    if (p->loss == SG_LOSS_EMPIRICAL)
        sg_mlabels(p->n, p->d, p->r, p->X, p->A, p->Y);
}

double sg_mloss_grad(const sg_mproblem *p, const double *theta, sg_mworkspace *ws)
{
    int n = p->n, d = p->d, k = p->k, r = p->r;
    const double *W = theta, *V = theta + (long)k * d;
    double *gW = ws->grad, *gV = ws->grad + (long)k * d;
    if (p->loss == SG_LOSS_EMPIRICAL) {
        sg_forward(n, d, k, p->X, W, ws->Wt, ws->Z, ws->H);
        sg_moutput(n, k, r, ws->H, V, ws->F);
        sg_residual(n * r, ws->F, p->Y, ws->R);
        ws->loss = sg_mloss(n, r, ws->R);
        sg_mgrad_V(n, k, r, ws->R, ws->H, gV);
        sg_mbackprop(n, k, r, ws->R, V, ws->T);
        sg_mgrad_W(n, d, k, p->X, ws->Z, ws->T, gW);
    } else {
        sg_pop_geometry(d, k, W, &ws->pop);
        ws->loss = sg_mpop_loss(d, k, r, p->A, W, V, &ws->pop);
        sg_mpop_grad(d, k, r, p->A, W, V, &ws->pop, gW, gV, ws->tmp);
    }
    return ws->loss;
}

double sg_multi_vw_residual(int d, int k, int r, const double *A, const double *theta)
{
    const double *W = theta, *V = theta + (long)k * d;
    double s = 0.0;
    for (int o = 0; o < r; o++)
        for (int l = 0; l < d; l++) {
            double c = 0.0;
            for (int j = 0; j < k; j++)
                c = c + V[(long)o * k + j] * W[(long)j * d + l];
            double e = c - 2.0 * A[(long)o * d + l];
            s = s + e * e;
        }
    return sqrt(s);
}
