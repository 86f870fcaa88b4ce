/* step.c -- composition of the Model B kernels (order in step.h). */
#include "kernels/sensing/step.h"
#include "kernels/sensing/sensing.h"
#include "kernels/relu/empirical.h"
#include <stdlib.h>

int sg_sens_work_init(sg_sens_work *w, const sg_sens_problem *p)
{
    w->P = calloc((size_t)p->N, sizeof(double));
    w->res = calloc((size_t)p->m, sizeof(double));
    w->M = calloc((size_t)p->N, sizeof(double));
    w->grad = calloc((size_t)sg_sens_theta_len(p), sizeof(double));
    if (!w->P || !w->res || !w->M || !w->grad) {
        sg_sens_work_free(w);
        return -1;
    }
    return 0;
}

void sg_sens_work_free(sg_sens_work *w)
{
    free(w->P), free(w->res), free(w->M), free(w->grad);
    w->P = w->res = w->M = w->grad = NULL;
}

double sg_sens_loss_grad(const sg_sens_problem *p, const double *theta, sg_sens_work *w)
{
    const double *U = theta, *V = theta + (long)p->n1 * p->k;
    sg_sens_product(p->n1, p->n2, p->k, U, V, w->P);
    sg_sens_residual(p->m, p->N, p->A, w->P, p->y, p->c, w->res);
    double L = sg_sens_loss(p->m, w->res);
    sg_sens_adjoint(p->m, p->N, p->A, w->res, p->c, w->M);
    sg_sens_grad_U(p->n1, p->n2, p->k, w->M, V, w->grad);
    sg_sens_grad_V(p->n1, p->n2, p->k, w->M, U, w->grad + (long)p->n1 * p->k);
    return L;
}

double sg_sens_gd_step(const sg_sens_problem *p, double mu, double *theta, sg_sens_work *w)
{
    double L = sg_sens_loss_grad(p, theta, w);
    sg_gd_update((int)sg_sens_theta_len(p), mu, w->grad, theta);
    return L;
}
