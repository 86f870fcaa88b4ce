/* empirical_step.c -- Eva harness for item 3c: one whole empirical GD step is
 * free of floating-point overflow and NaN (and of every other run-time error
 * Eva checks: invalid memory access, integer overflow, division by zero) for
 * EVERY input inside the box of src/safe_region.h:
 *   1 <= n <= SG_SAFE_N_MAX, 1 <= d <= SG_SAFE_D_MAX, 1 <= k <= SG_SAFE_K_MAX,
 *   0 <= mu <= SG_SAFE_MU_MAX, |X_il| <= SG_SAFE_X_MAX, |y_i| <= SG_SAFE_Y_MAX,
 *   |W_jl| <= SG_SAFE_W_MAX, |v_j| <= SG_SAFE_V_MAX.
 * Sizes and values are non-deterministic (Frama_C_interval), so Eva's
 * abstract interpretation covers all of them at once; the kernels are
 * composed exactly as model.c composes them (sg_loss_grad, then
 * sg_gd_update over theta = [W | v]).
 *
 * Why Eva and not WP + Gappa: WP's float model cannot carry loop invariants
 * through these reductions with the provers available (shared toolchain
 * notes: 11/17 goals on a bare dot product), while Eva bounds every loop by
 * widening.  The widening thresholds below (powers 1e30 ... 1e200) only make
 * the bounds it finds tighter than +-DBL_MAX; soundness does not depend on
 * them.  Bounds Eva reaches (printed by `make proofs`): |Z| <= 1e30,
 * |f|, |r| <= 1e60, |grad| <= 1e120, |theta'| <= 1e150 -- all finite.
 */
#include "__fc_builtin.h"
#include "kernels/relu/empirical.h"
#include "kernels/relu/region.h"

#define NMAX SG_SAFE_N_MAX
#define DMAX SG_SAFE_D_MAX
#define KMAX SG_SAFE_K_MAX

static double X[(long)NMAX * DMAX], y[NMAX];
static double theta[KMAX * DMAX + KMAX], grad[KMAX * DMAX + KMAX];
static double Z[(long)NMAX * KMAX], H[(long)NMAX * KMAX], f[NMAX], r[NMAX];
static double Wt[SG_FWD_SCRATCH(DMAX, KMAX)];

int main(void)
{
    int n = Frama_C_interval(1, NMAX);
    int d = Frama_C_interval(1, DMAX);
    int k = Frama_C_interval(1, KMAX);
    double mu = Frama_C_double_interval(0.0, SG_SAFE_MU_MAX);
    for (long q = 0; q < (long)n * d; q++)
        X[q] = Frama_C_double_interval(-SG_SAFE_X_MAX, SG_SAFE_X_MAX);
    for (int i = 0; i < n; i++)
        y[i] = Frama_C_double_interval(-SG_SAFE_Y_MAX, SG_SAFE_Y_MAX);
    for (long q = 0; q < (long)k * d; q++)
        theta[q] = Frama_C_double_interval(-SG_SAFE_W_MAX, SG_SAFE_W_MAX);
    for (int j = 0; j < k; j++)
        theta[(long)k * d + j] = Frama_C_double_interval(-SG_SAFE_V_MAX, SG_SAFE_V_MAX);
    /*@ widen_hints global: "all", 1.0e30, -1.0e30, 1.0e60, -1.0e60, 1.0e90, -1.0e90,
          1.0e120, -1.0e120, 1.0e150, -1.0e150, 1.0e200, -1.0e200; */
    ;
    /* sg_loss_grad (model.c), empirical branch */
    const double *W = theta, *v = theta + (long)k * d;
    double *gW = grad, *gv = grad + (long)k * d;
    sg_forward(n, d, k, X, W, Wt, Z, H);
    sg_output(n, k, H, v, f);
    sg_residual(n, f, y, r);
    double L = sg_loss(n, r);
    sg_grad_v(n, k, r, H, gv);
    sg_grad_W(n, d, k, X, Z, r, v, gW);
    /* sg_gd_step (model.c): theta <- theta - mu grad */
    sg_gd_update(k * d + k, mu, grad, theta);
    return L >= 0.0;
}
