/* problem.h -- the ReLU network's training problem: dataset, parameter vector and workspace.
 *
 * The parameters live in one vector theta = [W (k*d, row-major) | v (k)] and
 * the gradient in grad = [dL/dW | dL/dv] with the same layout, so that one
 * GD update, one checkpoint and one shadow comparison cover everything.
 * This layer owns the memory; the kernels (empirical.h, population.h) only
 * see caller-owned buffers.
 */
#ifndef SG_PROBLEM_H
#define SG_PROBLEM_H

#include "kernels/relu/population.h"

typedef enum { SG_LOSS_EMPIRICAL = 0, SG_LOSS_POPULATION } sg_loss_kind;

typedef struct {
    sg_loss_kind loss;
    int n, d, k;     /* n is unused (0) for the population loss          */
    double *X;       /* n x d, NULL for the population loss              */
    double *y;       /* n                                                */
    double *a;       /* d, the planted target                            */
} sg_problem;

typedef struct {
    double *Z, *H;   /* n x k (empirical only)                           */
    double *Wt;      /* d x k, sg_forward's transposed W (empirical)     */
    double *f, *r;   /* n (empirical only)                               */
    double *grad;    /* k*d + k: [gW | gv]                               */
    sg_pop_ws pop;   /* norms and angles (population only)               */
    double loss;     /* loss at the point of the last evaluation         */
} sg_workspace;

/* Number of parameters k*d + k. */
long sg_theta_len(int d, int k);

/* Allocate X, y, a (X, y only for the empirical loss).  0 on success. */
int sg_problem_alloc(sg_problem *p, sg_loss_kind loss, int n, int d, int k);
void sg_problem_free(sg_problem *p);

int sg_workspace_alloc(sg_workspace *ws, const sg_problem *p);
void sg_workspace_free(sg_workspace *ws);

/* Loss and gradient at theta: fills ws->grad, ws->loss (and the empirical
   intermediates Z, H, f, r); returns the loss. */
double sg_loss_grad(const sg_problem *p, const double *theta, sg_workspace *ws);

/* One full-batch GD step, both layers at once, gradient at the old point:
   theta <- theta - mu grad(theta).  Returns the loss at the old point. */
double sg_gd_step(const sg_problem *p, double mu, double *theta, sg_workspace *ws);

#endif
