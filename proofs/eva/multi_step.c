/* multi_step.c -- Eva harness for the multi-output network (issue 16): one
 * whole empirical GD step of --outputs r (multi_problem.c's composition) is
 * free of floating-point overflow and NaN and of every other run-time error
 * Eva checks, for EVERY input inside the box of src/kernels/relu/region.h
 * extended by 1 <= r <= SG_SAFE_R_MAX outputs, |Y_io| <= SG_SAFE_Y_MAX and
 * |V_oj| <= SG_SAFE_V_MAX.  Same method as empirical_step.c. */
#include "__fc_builtin.h"
#include "kernels/relu/empirical.h"
#include "kernels/relu/multi.h"
#include "kernels/relu/region.h"

#define NMAX SG_SAFE_N_MAX
#define DMAX SG_SAFE_D_MAX
#define KMAX SG_SAFE_K_MAX
#define RMAX SG_SAFE_R_MAX

static double X[(long)NMAX * DMAX], Y[(long)NMAX * RMAX];
static double theta[KMAX * DMAX + RMAX * KMAX], grad[KMAX * DMAX + RMAX * KMAX];
static double Z[(long)NMAX * KMAX], H[(long)NMAX * KMAX], T[(long)NMAX * KMAX];
static double Wt[SG_FWD_SCRATCH(DMAX, KMAX)];
static double F[(long)NMAX * RMAX], R[(long)NMAX * RMAX];

int main(void)
{
    int n = Frama_C_interval(1, NMAX);
    int d = Frama_C_interval(1, DMAX);
    int k = Frama_C_interval(1, KMAX);
    int r = Frama_C_interval(1, RMAX);
    double mu = Frama_C_double_interval(0.0, SG_SAFE_MU_MAX);
    for (long q = 0; q < (long)n * d; q++)
        X[q] = Frama_C_double_interval(-SG_SAFE_X_MAX, SG_SAFE_X_MAX);
    for (long q = 0; q < (long)n * r; q++)
        Y[q] = Frama_C_double_interval(-SG_SAFE_Y_MAX, SG_SAFE_Y_MAX);
    for (long q = 0; q < (long)k * d; q++)
        theta[q] = Frama_C_double_interval(-SG_SAFE_W_MAX, SG_SAFE_W_MAX);
    for (long q = 0; q < (long)r * k; q++)
        theta[(long)k * d + q] = Frama_C_double_interval(-SG_SAFE_V_MAX, SG_SAFE_V_MAX);
    /*@ widen_hints global: "all", 1.0e30, -1.0e30, 1.0e60, -1.0e60, 1.0e90, -1.0e90,
          1.0e120, -1.0e120, 1.0e150, -1.0e150, 1.0e200, -1.0e200; */
    ;
    /* sg_mloss_grad (multi_problem.c), empirical branch */
    const double *W = theta, *V = theta + (long)k * d;
    double *gW = grad, *gV = grad + (long)k * d;
    sg_forward(n, d, k, X, W, Wt, Z, H);
    sg_moutput(n, k, r, H, V, F);
    sg_residual(n * r, F, Y, R);
    double L = sg_mloss(n, r, R);
    sg_mgrad_V(n, k, r, R, H, gV);
    sg_mbackprop(n, k, r, R, V, T);
    sg_mgrad_W(n, d, k, X, Z, T, gW);
    sg_gd_update(k * d + r * k, mu, grad, theta);
    return L >= 0.0;
}
