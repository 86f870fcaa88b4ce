/* multi_problem.h -- the multi-output network's training problem (issue 16):
 * dataset, target, parameter vector and workspace for --outputs r > 1.
 * (r = 1 runs use problem.h unchanged: the scalar program.)
 *
 * theta = [W (k x d, row-major) | V (r x k, row-major)], grad = [dL/dW |
 * dL/dV] with the same layout: at r = 1 this is problem.h's [W | v].
 * Component q < k*d is W[q / d][q % d]; q = k*d + o*k + j is V[o][j], the
 * o-th entry of unit j's output vector V_j (column j of V).
 */
#ifndef SG_MULTI_PROBLEM_H
#define SG_MULTI_PROBLEM_H

#include "kernels/relu/multi.h"
#include "kernels/relu/problem.h"

typedef struct {
    sg_loss_kind loss;
    int n, d, k, r;  /* n is 0 for the population loss                 */
    double *X;       /* n x d, NULL for the population loss             */
    double *Y;       /* n x r, labels A x_i (empirical only)            */
    double *A;       /* r x d, the planted target                       */
} sg_mproblem;

typedef struct {
    double *Z, *H;   /* n x k (empirical only)                          */
    double *Wt;      /* d x k, sg_forward's transposed W (empirical)    */
    double *F, *R;   /* n x r (empirical only)                          */
    double *T;       /* n x k back-propagated residuals (empirical)     */
    double *tmp;     /* k x d, one output's dL/dW (population)          */
    double *grad;    /* k*d + r*k: [gW | gV]                            */
    sg_pop_ws pop;   /* norms and angles (population only)              */
    double loss;     /* loss at the point of the last evaluation        */
} sg_mworkspace;

/* Number of parameters k*d + r*k. */
long sg_mtheta_len(int d, int k, int r);

/* 0 on success, -1 (everything freed) when out of memory. */
int sg_mproblem_alloc(sg_mproblem *p, sg_loss_kind loss, int n, int d, int k, int r);
void sg_mproblem_free(sg_mproblem *p);
int sg_mworkspace_alloc(sg_mworkspace *ws, const sg_mproblem *p);
void sg_mworkspace_free(sg_mworkspace *ws);

/* Y <- X A^T (call after X and A are filled; empirical only) */
void sg_mproblem_labels(sg_mproblem *p);

/* Loss and gradient at theta (ws->grad, ws->loss); returns the loss. */
double sg_mloss_grad(const sg_mproblem *p, const double *theta, sg_mworkspace *ws);

/* |V W - 2A|_F (j, then the sum over (o, l) in row-major order): zero at
   every zero-loss point, since ReLU(z) = (z + |z|)/2 makes the odd part of
   V ReLU(W x) equal to V W x / 2 (the zero-loss characterisation) */
double sg_multi_vw_residual(int d, int k, int r, const double *A, const double *theta);

#endif
