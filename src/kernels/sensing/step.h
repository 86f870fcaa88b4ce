/* step.h -- one Model B loss/gradient evaluation and one GD step, composed
 * from the proved kernels of sensing.h in the documented order:
 *   P = U V^T; res = A(P) - y; L = 1/2 |res|^2; M = A^*(res);
 *   grad = [GU | GV] = [M V | M^T U]; theta <- theta - mu grad
 * (sg_gd_update).  theta = [U (n1 x k row-major) | V (n2 x k row-major)].
 * The gradient is taken at the old point for both factors: GV uses the old
 * U, never U+ (the balance identity, design section 3, depends on it). */
#ifndef SG_SENS_STEP_H
#define SG_SENS_STEP_H

#include "kernels/sensing/problem.h"

/* intermediates of the last evaluation (caller-owned, see sg_sens_work_init) */
typedef struct {
    double *P;     /* N:  U V^T            */
    double *res;   /* m:  residuals        */
    double *M;     /* N:  adjoint A^*(res) */
    double *grad;  /* (n1 + n2) k: [GU | GV] */
} sg_sens_work;

/* 0, or -1 if out of memory */
int sg_sens_work_init(sg_sens_work *w, const sg_sens_problem *p);
void sg_sens_work_free(sg_sens_work *w);

/* w <- intermediates at theta; returns the loss 1/2 |res|^2 */
double sg_sens_loss_grad(const sg_sens_problem *p, const double *theta, sg_sens_work *w);

/* theta <- theta - mu * grad(theta); returns the loss at the OLD theta.
   w holds the intermediates at the old theta afterwards. */
double sg_sens_gd_step(const sg_sens_problem *p, double mu, double *theta, sg_sens_work *w);

#endif
