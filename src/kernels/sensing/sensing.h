/* sensing.h -- double-precision kernels of Model B, asymmetric matrix sensing
 * (design section 3, docs/sensing.md).
 *
 * Shapes (all row-major, caller-owned, no allocation inside a kernel):
 *   U   n1 x k   left factor           V   n2 x k   right factor
 *   P   n1 x n2  P = U V^T             N = n1*n2 (entries of P, A_i, M)
 *   A   m x N    row i is the measurement matrix A_i, flattened row-major
 *   y, res  m    labels, residuals     M   n1 x n2  adjoint A^*(res)
 *   GU  n1 x k   dL/dU = M V           GV  n2 x k   dL/dV = M^T U
 *   c            the double constant 1/sqrt(m) (problem.h: the model's
 *                normalisation IS this double, as mu is a double)
 *
 * Operation order (fixed; the MPFR shadow mirrors it and the round-off
 * bounds of specs/roundoff.md, section "Model B", assume it):
 *   P[a][b]  = sum_{j=0..k-1} U[a][j]*V[b][j]          (j left to right)
 *   res[i]   = (sum_{q=0..N-1} A[i][q]*P[q]) * c - y[i] (q left to right;
 *              one rounded product by c, then the difference)
 *   L        = 0.5 * sum_{i=0..m-1} res[i]^2           (sg_dot; *0.5 exact
 *              barring underflow)
 *   M[q]     = (sum_{i=0..m-1} res[i]*A[i][q]) * c      (i left to right,
 *              then one product by c)
 *   GU[a][j] = sum_{b=0..n2-1} M[a][b]*V[b][j]         (b left to right)
 *   GV[b][j] = sum_{a=0..n1-1} M[a][b]*U[a][j]         (a left to right)
 *   step     = sg_gd_update (kernels/relu/empirical.h) on theta = [U | V]
 *              with grad = [GU | GV], both computed at the old point:
 *              theta[i] <- theta[i] - mu*grad[i] (mu*g rounded, then the
 *              difference).
 * Every reduction starts from 0.0.  Loop visiting orders in sensing.c may
 * differ (e.g. the adjoint runs i outer over N accumulators) where that
 * does not change any sum's order, so results are bit-identical to the
 * order above.
 *
 * Contracts (ACSL, proved by `make proofs`): each kernel equals its logic
 * function of specs/sg_sensing.acsl in WP's real model.  Postconditions on
 * matrices are stated at the flat row-major index q (Prodq, GUq, GVq: the
 * two-index function at Row(q, d), Col(q, d), d the row length).
 * Sizes may be 0 unless stated; products of sizes must fit a long; every
 * output is separated from every input.
 */
#ifndef SG_SENSING_H
#define SG_SENSING_H

#include <limits.h>

#ifdef __FRAMAC__
#include "specs/sg_sensing.acsl"
#endif

/* P <- U V^T */
/*@ requires sizes: 0 <= n1 && 0 <= n2 && 0 <= k;
    requires index_P: n1 * n2 <= LONG_MAX;
    requires index_U: n1 * k <= LONG_MAX;
    requires index_V: n2 * k <= LONG_MAX;
    requires valid_U: \valid_read(U + (0 .. n1*k - 1));
    requires valid_V: \valid_read(V + (0 .. n2*k - 1));
    requires valid_P: \valid(P + (0 .. n1*n2 - 1));
    requires sep_P_U: \separated(P + (0 .. n1*n2 - 1), U + (0 .. n1*k - 1));
    requires sep_P_V: \separated(P + (0 .. n1*n2 - 1), V + (0 .. n2*k - 1));
    assigns P[0 .. n1*n2 - 1];
    ensures product: \forall integer q; 0 <= q < n1*n2 ==> P[q] == Prodq{Pre}(U, V, k, n2, q);
*/
void sg_sens_product(int n1, int n2, int k, const double *U, const double *V, double *P);

/* res[i] <- <A_i, P> * c - y[i] */
/*@ requires sizes: 0 <= m && 0 <= N;
    requires index_A: m * N <= LONG_MAX;
    requires valid_A: \valid_read(A + (0 .. m*N - 1));
    requires valid_P: \valid_read(P + (0 .. N - 1));
    requires valid_y: \valid_read(y + (0 .. m - 1));
    requires valid_res: \valid(res + (0 .. m - 1));
    requires sep_res_A: \separated(res + (0 .. m - 1), A + (0 .. m*N - 1));
    requires sep_res_P: \separated(res + (0 .. m - 1), P + (0 .. N - 1));
    requires sep_res_y: \separated(res + (0 .. m - 1), y + (0 .. m - 1));
    assigns res[0 .. m - 1];
    ensures residual: \forall integer i; 0 <= i < m ==>
      res[i] == SensRes{Pre}(A, P, y, N, c, i);
*/
void sg_sens_residual(int m, int N, const double *A, const double *P, const double *y,
                      double c, double *res);

/* 1/2 sum_i res[i]^2 */
/*@ requires sizes: 0 <= m;
    requires valid_res: \valid_read(res + (0 .. m - 1));
    assigns \nothing;
    ensures loss: \result == SensLoss(res, m);
*/
double sg_sens_loss(int m, const double *res);

/* M[q] <- (sum_i res[i] A[i][q]) * c */
/*@ requires sizes: 0 <= m && 0 <= N;
    requires index_A: m * N <= LONG_MAX;
    requires valid_A: \valid_read(A + (0 .. m*N - 1));
    requires valid_res: \valid_read(res + (0 .. m - 1));
    requires valid_M: \valid(M + (0 .. N - 1));
    requires sep_M_A: \separated(M + (0 .. N - 1), A + (0 .. m*N - 1));
    requires sep_M_res: \separated(M + (0 .. N - 1), res + (0 .. m - 1));
    assigns M[0 .. N - 1];
    ensures adjoint: \forall integer q; 0 <= q < N ==> M[q] == Adj{Pre}(res, A, N, c, q, m);
*/
void sg_sens_adjoint(int m, int N, const double *A, const double *res, double c, double *M);

/* GU <- M V */
/*@ requires sizes: 0 <= n1 && 0 <= n2 && 0 <= k;
    requires index_M: n1 * n2 <= LONG_MAX;
    requires index_U: n1 * k <= LONG_MAX;
    requires index_V: n2 * k <= LONG_MAX;
    requires valid_M: \valid_read(M + (0 .. n1*n2 - 1));
    requires valid_V: \valid_read(V + (0 .. n2*k - 1));
    requires valid_GU: \valid(GU + (0 .. n1*k - 1));
    requires sep_GU_M: \separated(GU + (0 .. n1*k - 1), M + (0 .. n1*n2 - 1));
    requires sep_GU_V: \separated(GU + (0 .. n1*k - 1), V + (0 .. n2*k - 1));
    assigns GU[0 .. n1*k - 1];
    ensures grad_U: \forall integer q; 0 <= q < n1*k ==> GU[q] == GUq{Pre}(M, V, n2, k, q);
*/
void sg_sens_grad_U(int n1, int n2, int k, const double *M, const double *V, double *GU);

/* GV <- M^T U */
/*@ requires sizes: 0 <= n1 && 0 <= n2 && 0 <= k;
    requires index_M: n1 * n2 <= LONG_MAX;
    requires index_U: n1 * k <= LONG_MAX;
    requires index_V: n2 * k <= LONG_MAX;
    requires valid_M: \valid_read(M + (0 .. n1*n2 - 1));
    requires valid_U: \valid_read(U + (0 .. n1*k - 1));
    requires valid_GV: \valid(GV + (0 .. n2*k - 1));
    requires sep_GV_M: \separated(GV + (0 .. n2*k - 1), M + (0 .. n1*n2 - 1));
    requires sep_GV_U: \separated(GV + (0 .. n2*k - 1), U + (0 .. n1*k - 1));
    assigns GV[0 .. n2*k - 1];
    ensures grad_V: \forall integer q; 0 <= q < n2*k ==> GV[q] == GVq{Pre}(M, U, n1, n2, k, q);
*/
void sg_sens_grad_V(int n1, int n2, int k, const double *M, const double *U, double *GV);

#endif
