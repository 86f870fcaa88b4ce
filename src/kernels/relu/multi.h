/* multi.h -- kernels of the multi-output ReLU network (issue 16; the paper's
 * Appendix E): x -> V ReLU(W x) on the planted target y = A x.
 *
 * Shapes (all row-major, caller-owned, no allocation inside a kernel):
 *   X  n x d   samples x_i           W  k x d   hidden weights w_j
 *   Z  n x k   Z[i][j] = w_j . x_i   H  n x k   ReLU(Z)     (sg_forward)
 *   V  r x k   output weights; column V_j in R^r is unit j's output vector
 *   A  r x d   the planted target (rows a_o)
 *   F, Y, R  n x r   outputs, labels Y[i][o] = a_o . x_i, residuals F - Y
 *   T  n x k   back-propagated residuals (below)
 *   gW k x d   dL/dW                 gV r x k  dL/dV
 *
 * Empirical loss L = (1/2n) sum_i |V ReLU(W x_i) - A x_i|^2.
 * Operation order (fixed; at r = 1 every kernel performs exactly the
 * operations of its scalar counterpart in empirical.h, so it returns the
 * same bits -- tests/test_multi.c checks it on random data):
 *   Y[i][o]  = sg_dot(d, x_i, a_o)                    (sg_labels at r = 1)
 *   F[i][o]  = sum_j H[i][j] V[o][j]  (j left to right, from 0.0; sg_output)
 *   R        = F - Y  elementwise      (sg_residual on n*r cells)
 *   L        = sg_dot(n*r, R, R) / (2n)              (sg_loss at r = 1)
 *   gV[o][j] = (sum_i R[i][o] H[i][j]) / n           (sg_grad_v at r = 1)
 *   T[i][j]  = R[i][0] V[0][j] + R[i][1] V[1][j] + ...  (o left to right,
 *              starting from the first product, not from 0.0, so that
 *              T[i][j] = fl(r_i v_j) exactly at r = 1)
 *   gW[j][l] = (sum_{i: Z[i][j] > 0} T[i][j] X[i][l]) / n  (i left to
 *              right; sg_grad_W's order with fl(r_i v_j) read from T)
 *
 * Population loss (x ~ N(0, I_d)).  Because |V h - A x|^2 = sum_o (V_o h -
 * a_o . x)^2 with V_o row o of V, the loss is the sum over outputs of the
 * scalar population loss (population.h) with v = V_o, a = a_o and the same
 * W:  L(W, V) = sum_o L_1(W, V_o, a_o).  Expanding L_1 and summing over o:
 *   L = (1/4pi) sum_{i,j} (V_i . V_j) |w_i||w_j| kappa(theta_ij)
 *       - 1/2 sum_j V_j . (A w_j) + 1/2 |A|_F^2,
 * the arc-cosine kernel with the output inner products V_i . V_j
 * (= sum_o V_oi V_oj) in place of v_i v_j, and the linear term from
 * E[ReLU(w.x) x] = w/2 (the half-space factor 1/2 of the scalar term
 * v_i a.w_i / 2).  Its gradient is the sum over o of the scalar gradient:
 *   dL/dV_oj = (1/2pi) sum_i V_oi |w_j||w_i| kappa(theta_ij) - 1/2 a_o.w_j
 *            (row o of gV is the scalar gv of output o: nothing to add),
 *   dL/dw_j  = (1/2pi) sum_i (V_j . V_i) |w_i| (sin theta_ji wh_j
 *              + (pi - theta_ji) wh_i) - 1/2 A^T V_j   (= sum_o of the scalar
 *              dL/dw_j of output o, added o left to right).
 * So the multi population kernels call the scalar ones per output (one
 * geometry, r loss/gradient evaluations) and add; at r = 1 they return the
 * scalar kernels' bits.  tests/test_multi.c checks the closed form against
 * Monte Carlo and finite differences.
 */
#ifndef SG_MULTI_H
#define SG_MULTI_H

#include "kernels/relu/population.h"
#include <limits.h>

#ifdef __FRAMAC__
#include <errno.h>
#include "specs/sg_multi.acsl"
#endif

/* The proved floating-point region of --loss empirical (region.h) extends to
   r outputs by 1 <= r <= SG_SAFE_R_MAX, |Y_io| <= SG_SAFE_Y_MAX, |V_oj| <=
   SG_SAFE_V_MAX: proofs/eva/multi_step.c shows one whole multi-output step
   free of overflow and NaN there (n*r stays below 2^31 at n = SG_SAFE_N_MAX). */
#define SG_SAFE_R_MAX 256

/* Contracts (ACSL, proved by `make proofs`): the empirical kernels equal
 * their logic functions of specs/sg_multi.acsl in WP's real model, stated at
 * the flat row-major index q of their output (as sg_forward's and
 * sg_grad_W's in empirical.h: no product of variables under a quantifier).
 * Sizes may be 0 (n > 0 where the kernel divides by n). */

/* Y[i][o] <- x_i . a_o */
/*@ requires sizes: 0 <= n && 0 <= d && 1 <= r;
    requires index_nd: n * d <= LONG_MAX;
    requires index_rd: r * d <= LONG_MAX;
    requires index_nr: n * r <= LONG_MAX;
    requires valid_X: \valid_read(X + (0 .. n*d - 1));
    requires valid_A: \valid_read(A + (0 .. r*d - 1));
    requires valid_Y: \valid(Y + (0 .. n*r - 1));
    requires sep_Y_X: \separated(Y + (0 .. n*r - 1), X + (0 .. n*d - 1));
    requires sep_Y_A: \separated(Y + (0 .. n*r - 1), A + (0 .. r*d - 1));
    assigns Y[0 .. n*r - 1];
*/
void sg_mlabels(int n, int d, int r, const double *X, const double *A, double *Y);

/* F[i][o] <- sum_j H[i][j] V[o][j] */
/*@ requires sizes: 0 <= n && 0 <= k && 1 <= r;
    requires index_nk: n * k <= LONG_MAX;
    requires index_rk: r * k <= LONG_MAX;
    requires index_nr: n * r <= LONG_MAX;
    requires valid_H: \valid_read(H + (0 .. n*k - 1));
    requires valid_V: \valid_read(V + (0 .. r*k - 1));
    requires valid_F: \valid(F + (0 .. n*r - 1));
    requires sep_F_H: \separated(F + (0 .. n*r - 1), H + (0 .. n*k - 1));
    requires sep_F_V: \separated(F + (0 .. n*r - 1), V + (0 .. r*k - 1));
    assigns F[0 .. n*r - 1];
    ensures output: \forall integer q; 0 <= q < n*r ==> F[q] == MOutputq{Pre}(H, V, k, r, q);
*/
void sg_moutput(int n, int k, int r, const double *H, const double *V, double *F);

/* L <- (sum over the n*r cells of R^2) / (2n) */
/*@ requires sizes: 0 < n && 1 <= r && n * r <= INT_MAX;
    requires valid_R: \valid_read(R + (0 .. n*r - 1));
    assigns \nothing;
    ensures loss: \result == MLoss(R, n, r);
*/
double sg_mloss(int n, int r, const double *R);

/* gV[o][j] <- (sum_i R[i][o] H[i][j]) / n */
/*@ requires sizes: 0 < n && 0 <= k && 1 <= r;
    requires index_nk: n * k <= LONG_MAX;
    requires index_rk: r * k <= LONG_MAX;
    requires index_nr: n * r <= LONG_MAX;
    requires valid_R: \valid_read(R + (0 .. n*r - 1));
    requires valid_H: \valid_read(H + (0 .. n*k - 1));
    requires valid_gV: \valid(gV + (0 .. r*k - 1));
    requires sep_gV_R: \separated(gV + (0 .. r*k - 1), R + (0 .. n*r - 1));
    requires sep_gV_H: \separated(gV + (0 .. r*k - 1), H + (0 .. n*k - 1));
    assigns gV[0 .. r*k - 1];
    ensures grad_V: \forall integer q; 0 <= q < r*k ==> gV[q] == MGradVq{Pre}(R, H, n, k, r, q);
*/
void sg_mgrad_V(int n, int k, int r, const double *R, const double *H, double *gV);

/* T[i][j] <- t_ij = R[i][0] V[0][j] + ... + R[i][r-1] V[r-1][j]: the
   back-propagated residual of unit j at sample i (n x k) */
/*@ requires sizes: 0 <= n && 0 <= k && 1 <= r;
    requires index_nk: n * k <= LONG_MAX;
    requires index_rk: r * k <= LONG_MAX;
    requires index_nr: n * r <= LONG_MAX;
    requires valid_R: \valid_read(R + (0 .. n*r - 1));
    requires valid_V: \valid_read(V + (0 .. r*k - 1));
    requires valid_T: \valid(T + (0 .. n*k - 1));
    requires sep_T_R: \separated(T + (0 .. n*k - 1), R + (0 .. n*r - 1));
    requires sep_T_V: \separated(T + (0 .. n*k - 1), V + (0 .. r*k - 1));
    assigns T[0 .. n*k - 1];
    ensures back: \forall integer q; 0 <= q < n*k ==> T[q] == MBackq{Pre}(R, V, k, r, q);
*/
void sg_mbackprop(int n, int k, int r, const double *R, const double *V, double *T);

/* gW[j][l] <- (sum_{i: Z[i][j] > 0} T[i][j] X[i][l]) / n  (sg_grad_W with
   the rounded product r_i v_j replaced by T[i][j]; flat index q = j*d + l
   as sg_grad_W's contract, MGradWq at row q / d and column q - row*d) */
/*@ requires sizes: 0 < n && 0 <= d && 0 <= k;
    requires index_nd: n * d <= LONG_MAX;
    requires index_kd: k * d <= LONG_MAX;
    requires index_nk: n * k <= LONG_MAX;
    requires valid_X: \valid_read(X + (0 .. n*d - 1));
    requires valid_Z: \valid_read(Z + (0 .. n*k - 1));
    requires valid_T: \valid_read(T + (0 .. n*k - 1));
    requires valid_gW: \valid(gW + (0 .. k*d - 1));
    requires sep_gW_X: \separated(gW + (0 .. k*d - 1), X + (0 .. n*d - 1));
    requires sep_gW_Z: \separated(gW + (0 .. k*d - 1), Z + (0 .. n*k - 1));
    requires sep_gW_T: \separated(gW + (0 .. k*d - 1), T + (0 .. n*k - 1));
    assigns gW[0 .. k*d - 1];
    ensures grad_W: \forall integer q; 0 <= q < k*d ==>
      gW[q] == MGradWq{Pre}(X, Z, T, n, d, k, q);
*/
void sg_mgrad_W(int n, int d, int k, const double *X, const double *Z, const double *T,
                double *gW);

/* Population loss sum_o L_1(W, V_o, a_o); requires sg_pop_geometry(W) in ws.
   Memory safety and assigns only, as the scalar sg_pop_loss (libm). */
/*@ requires sizes: 1 <= d && 0 <= k && 1 <= r && k * d <= LONG_MAX && k * k <= INT_MAX;
    requires index_rd: r * d <= LONG_MAX;
    requires index_rk: r * k <= LONG_MAX;
    requires valid_A: \valid_read(A + (0 .. r*d - 1));
    requires valid_W: \valid_read(W + (0 .. k*d - 1));
    requires valid_V: \valid_read(V + (0 .. r*k - 1));
    requires valid_ws: \valid_read(ws);
    requires valid_norm: \valid_read(ws->norm + (0 .. k - 1));
    requires valid_theta: \valid_read(ws->theta + (0 .. k*k - 1));
    assigns errno;
*/
double sg_mpop_loss(int d, int k, int r, const double *A, const double *W, const double *V,
                    const sg_pop_ws *ws);

/* Population gradients: gV row o = scalar gv of output o; gW = sum_o of the
   scalar gW of output o (o left to right; tmp holds k*d doubles). */
/*@ requires sizes: 1 <= d && 0 <= k && 1 <= r && k * d <= LONG_MAX && k * k <= INT_MAX;
    requires index_rd: r * d <= LONG_MAX;
    requires index_rk: r * k <= LONG_MAX;
    requires valid_A: \valid_read(A + (0 .. r*d - 1));
    requires valid_W: \valid_read(W + (0 .. k*d - 1));
    requires valid_V: \valid_read(V + (0 .. r*k - 1));
    requires valid_ws: \valid_read(ws);
    requires valid_norm: \valid_read(ws->norm + (0 .. k - 1));
    requires valid_theta: \valid_read(ws->theta + (0 .. k*k - 1));
    requires valid_gW: \valid(gW + (0 .. k*d - 1));
    requires valid_gV: \valid(gV + (0 .. r*k - 1));
    requires valid_tmp: \valid(tmp + (0 .. k*d - 1));
    requires sep: \separated(gW + (0 .. k*d - 1), gV + (0 .. r*k - 1), tmp + (0 .. k*d - 1),
                              A + (0 .. r*d - 1), W + (0 .. k*d - 1), V + (0 .. r*k - 1), ws,
                              ws->norm + (0 .. k - 1), ws->theta + (0 .. k*k - 1));
    assigns gW[0 .. k*d - 1], gV[0 .. r*k - 1], tmp[0 .. k*d - 1], errno;
*/
void sg_mpop_grad(int d, int k, int r, const double *A, const double *W, const double *V,
                  const sg_pop_ws *ws, double *gW, double *gV, double *tmp);

#endif
