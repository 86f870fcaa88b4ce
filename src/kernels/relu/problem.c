/* model.c -- allocation and the composition of kernels into a GD step. */
#include "kernels/relu/problem.h"
#include "kernels/relu/empirical.h"
#include <stdlib.h>

long sg_theta_len(int d, int k)
{
    return (long)k * d + k;
}

int sg_problem_alloc(sg_problem *p, sg_loss_kind loss, int n, int d, int k)
{
    p->loss = loss;
    p->n = loss == SG_LOSS_EMPIRICAL ? n : 0;
    p->d = d;
    p->k = k;
    p->X = NULL;
    p->y = NULL;
    p->a = calloc((size_t)d, sizeof(double));
    if (loss == SG_LOSS_EMPIRICAL) {
        p->X = calloc((size_t)n * (size_t)d, sizeof(double));
        p->y = calloc((size_t)n, sizeof(double));
    }
    if (!p->a || (loss == SG_LOSS_EMPIRICAL && (!p->X || !p->y))) {
        sg_problem_free(p);
        return -1;
    }
    return 0;
}

void sg_problem_free(sg_problem *p)
{
    free(p->X);
    free(p->y);
    free(p->a);
    p->X = p->y = p->a = NULL;
}

int sg_workspace_alloc(sg_workspace *ws, const sg_problem *p)
{
    size_t nk = (size_t)p->n * (size_t)p->k;
    ws->Z = ws->H = ws->Wt = ws->f = ws->r = NULL;
    ws->pop.norm = ws->pop.theta = NULL;
    ws->loss = 0.0;
    ws->grad = calloc((size_t)sg_theta_len(p->d, p->k), sizeof(double));
    int ok = ws->grad != NULL;
    if (p->loss == SG_LOSS_EMPIRICAL) {
        ws->Z = calloc(nk, sizeof(double));
        ws->H = calloc(nk, sizeof(double));
        ws->Wt = calloc((size_t)SG_FWD_SCRATCH(p->d, p->k), sizeof(double));
        ws->f = calloc((size_t)p->n, sizeof(double));
        ws->r = calloc((size_t)p->n, sizeof(double));
        ok = ok && ws->Z && ws->H && ws->Wt && ws->f && ws->r;
    } else {
        ws->pop.norm = calloc((size_t)p->k, sizeof(double));
        ws->pop.theta = calloc((size_t)p->k * (size_t)p->k, sizeof(double));
        ok = ok && ws->pop.norm && ws->pop.theta;
    }
    if (!ok) {
        sg_workspace_free(ws);
        return -1;
    }
    return 0;
}

void sg_workspace_free(sg_workspace *ws)
{
    free(ws->Z);
    free(ws->H);
    free(ws->Wt);
    free(ws->f);
    free(ws->r);
    free(ws->grad);
    free(ws->pop.norm);
    free(ws->pop.theta);
    ws->Z = ws->H = ws->Wt = ws->f = ws->r = ws->grad = NULL;
    ws->pop.norm = ws->pop.theta = NULL;
}

double sg_loss_grad(const sg_problem *p, const double *theta, sg_workspace *ws)
{
    int n = p->n, d = p->d, k = p->k;
    const double *W = theta, *v = theta + (long)k * d;
    double *gW = ws->grad, *gv = ws->grad + (long)k * d;
    if (p->loss == SG_LOSS_EMPIRICAL) {
        sg_forward(n, d, k, p->X, W, ws->Wt, ws->Z, ws->H);
        sg_output(n, k, ws->H, v, ws->f);
        sg_residual(n, ws->f, p->y, ws->r);
        ws->loss = sg_loss(n, ws->r);
        sg_grad_v(n, k, ws->r, ws->H, gv);
        sg_grad_W(n, d, k, p->X, ws->Z, ws->r, v, gW);
    } else {
        sg_pop_geometry(d, k, W, &ws->pop);
        ws->loss = sg_pop_loss(d, k, p->a, W, v, &ws->pop);
        sg_pop_grad(d, k, p->a, W, v, &ws->pop, gW, gv);
    }
    return ws->loss;
}

double sg_gd_step(const sg_problem *p, double mu, double *theta, sg_workspace *ws)
{
    double loss = sg_loss_grad(p, theta, ws);
    sg_gd_update((int)sg_theta_len(p->d, p->k), mu, ws->grad, theta);
    return loss;
}
