/* sensing_step.c -- Eva harness: one whole Model B GD step (step.c's
 * composition of the kernels of src/kernels/sensing/sensing.h, then
 * sg_gd_update over theta = [U | V]) is free of floating-point overflow and
 * NaN, and of every other run-time error Eva checks, for EVERY input in the
 * box of src/kernels/sensing/safe_box.h:
 *   1 <= n1, n2, k <= SG_SENS_SAFE_DIM_MAX, 1 <= m <= SG_SENS_SAFE_M_MAX,
 *   0 <= mu <= SG_SENS_SAFE_MU_MAX, 0 < c <= 1 (c = 1/sqrt(m)),
 *   |A| <= SG_SENS_SAFE_A_MAX, |y| <= SG_SENS_SAFE_Y_MAX,
 *   |U|, |V| <= SG_SENS_SAFE_F_MAX.
 * Sizes and values are non-deterministic (Frama_C_interval).  The widening
 * thresholds only make the bounds Eva finds tighter than +-DBL_MAX;
 * soundness does not depend on them.
 */
#include "__fc_builtin.h"
#include "kernels/sensing/sensing.h"
#include "kernels/relu/empirical.h"
#include "kernels/sensing/safe_box.h"

#define DMAX SG_SENS_SAFE_DIM_MAX
#define MMAX SG_SENS_SAFE_M_MAX

static double A[(long)MMAX * DMAX * DMAX], y[MMAX], res[MMAX];
static double theta[2 * DMAX * DMAX], grad[2 * DMAX * DMAX];
static double P[DMAX * DMAX], M[DMAX * DMAX];

int main(void)
{
    int n1 = Frama_C_interval(1, DMAX);
    int n2 = Frama_C_interval(1, DMAX);
    int k = Frama_C_interval(1, DMAX);
    int m = Frama_C_interval(1, MMAX);
    int N = n1 * n2;
    double mu = Frama_C_double_interval(0.0, SG_SENS_SAFE_MU_MAX);
    double c = Frama_C_double_interval(0x1p-9, 1.0);
    for (long q = 0; q < (long)m * N; q++)
        A[q] = Frama_C_double_interval(-SG_SENS_SAFE_A_MAX, SG_SENS_SAFE_A_MAX);
    for (int i = 0; i < m; i++)
        y[i] = Frama_C_double_interval(-SG_SENS_SAFE_Y_MAX, SG_SENS_SAFE_Y_MAX);
    for (long q = 0; q < (long)(n1 + n2) * k; q++)
        theta[q] = Frama_C_double_interval(-SG_SENS_SAFE_F_MAX, SG_SENS_SAFE_F_MAX);
    /*@ widen_hints global: "all", 1.0e30, -1.0e30, 1.0e60, -1.0e60, 1.0e90, -1.0e90,
          1.0e120, -1.0e120, 1.0e150, -1.0e150, 1.0e200, -1.0e200, 1.0e250, -1.0e250; */
    ;
    /* sg_sens_loss_grad (step.c) */
    const double *U = theta, *V = theta + (long)n1 * k;
    sg_sens_product(n1, n2, k, U, V, P);
    sg_sens_residual(m, N, A, P, y, c, res);
    double L = sg_sens_loss(m, res);
    sg_sens_adjoint(m, N, A, res, c, M);
    sg_sens_grad_U(n1, n2, k, M, V, grad);
    sg_sens_grad_V(n1, n2, k, M, U, grad + (long)n1 * k);
    /* sg_sens_gd_step: theta <- theta - mu grad */
    sg_gd_update((n1 + n2) * k, mu, grad, theta);
    return L >= 0.0;
}
