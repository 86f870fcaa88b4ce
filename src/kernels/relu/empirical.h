/* empirical.h -- double-precision kernels of the empirical loss (design section 2).
 *
 * Shapes (all row-major, caller-owned, no allocation inside a kernel):
 *   X  n x d   samples x_i          W  k x d   hidden weights w_j
 *   Z  n x k   Z[i][j] = w_j . x_i  H  n x k   ReLU(Z)
 *   v  k       output weights       f, y, r  n
 *   gW k x d   dL/dW                gv k     dL/dv
 *   Wt d x kp  scratch of sg_forward (W transposed, kp = SG_FWD_PAD(k))
 *
 * Operation order (fixed; the shadow mirrors it and the bounds assume it):
 *   Z[i][j] = sg_dot(d, x_i, w_j)                 (l = 0..d-1, left to right)
 *   H[i][j] = Z[i][j] > 0 ? Z[i][j] : 0           (exact)
 *   f[i]    = sg_dot(k, H_i, v)                   (j = 0..k-1; product H*v)
 *   r[i]    = f[i] - y[i]
 *   L       = sg_dot(n, r, r) / (2n)              (2n exact for n < 2^52)
 *   gv[j]   = (sum_{i=0..n-1} r[i]*H[i][j]) / n   (i left to right)
 *   gW[j][l]= (sum_{i: Z[i][j] > 0} (r[i]*v[j]) * X[i][l]) / n
 *             (i left to right; the product r[i]*v[j] is rounded first)
 * Inactive terms of gW are skipped, not added as zero; in IEEE arithmetic
 * the two differ only in the sign of an all-zero sum.
 */
#ifndef SG_EMPIRICAL_H
#define SG_EMPIRICAL_H

#include <limits.h>

#ifdef __FRAMAC__
#include "specs/sg_network.acsl"
#endif
#include "kernels/fl.h"

/* The rounding run (`make proofs-rounding`, kernels/fl.h): a kernel's
 * contract under SG_FL_ROUNDING states its rounded value (the recursions
 * Fl... of specs/sg_network.acsl, in the kernel's order) and its round-off
 * bound against the exact value of the same formula on the same double
 * inputs: the local terms of specs/roundoff.md E1-E8 (the propagation of
 * the inputs' own errors, e.g. E3's sum_j |v_j| Ez_ij, is the bound
 * code's composition, src/shadow/relu/bounds.c).  The no-overflow premises
 * are preconditions: magnitudes <= 2^1000 (products, operands), which the
 * safe region (region.h) implies with room to spare (Eva: |Z| <= 1e30,
 * |f|, |r| <= 1e60, |grad| <= 1e120, |theta'| <= 1e150, proofs/eva/). */

/* Contracts (ACSL, proved by `make proofs`, see proofs/README.md): the
 * kernels equal their logic functions of specs/sg_network.acsl in WP's real
 * model.  sg_forward's and sg_grad_W's postconditions are stated at the flat
 * row-major index q of Z (q = i*k + j) and gW (q = j*d + l): PreActq and
 * GradWq are PreAct and GradW at row q / k (q / d) and column q - row*k
 * (q - row*d).
 * Sizes may be 0; the products n*d, k*d, n*k must fit a long (the kernels
 * index with long), and every output is separated from every input. */

/* max(z, 0), the comparison in IEEE double */
/*@ assigns \nothing;
    behavior active:
      assumes positive: z > 0.0;
      ensures identity: \result == z;
    behavior inactive:
      assumes not_positive: !(z > 0.0);
      ensures zero: \result == 0.0;
    complete behaviors;
    disjoint behaviors;
*/
double sg_relu(double z);

/* sg_forward (forward.c) computes each Z[i][j] in the order above, from
 * 0.0 over l = 0..d-1, in tiles of 2 samples x 8 columns whose sums
 * advance together (they vectorise), against Wt, a transposed copy of W
 * padded to SG_FWD_PAD(k) columns that it writes itself.  Wt holds
 * SG_FWD_SCRATCH(d, k) doubles: the size of W with k rounded up to a
 * multiple of 8. */
#define SG_FWD_PAD(k) ((((k) + 7) / 8) * 8)
#define SG_FWD_SCRATCH(d, k) ((long)(d) * (long)SG_FWD_PAD(k))

#ifdef SG_FL_ROUNDING
/* E1 and E2: |z^ - z| <= gamma_d sum_l |x_il w_jl| + d eta, and ReLU is
   1-Lipschitz, so the same bound holds for h (the ambiguity of E2 is the
   bound code's use of it) */
/*@ requires sizes: 0 <= n && 0 <= d <= 1048576 && 0 <= k;
    requires index_nd: n * d <= LONG_MAX;
    requires index_kd: k * d <= LONG_MAX;
    requires index_nk: n * k <= LONG_MAX;
    requires index_kpd: k <= INT_MAX - 7 && Pad8(k) * d <= LONG_MAX;
    requires no_overflow_X: \forall integer a; 0 <= a < n*d ==> \abs(X[a]) <= 0x1p500;
    requires no_overflow_W: \forall integer a; 0 <= a < k*d ==> \abs(W[a]) <= 0x1p500;
    requires valid_X: \valid_read(X + (0 .. n*d - 1));
    requires valid_W: \valid_read(W + (0 .. k*d - 1));
    requires valid_Z: \valid(Z + (0 .. n*k - 1));
    requires valid_H: \valid(H + (0 .. n*k - 1));
    requires sep_Z_X: \separated(Z + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_Z_W: \separated(Z + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_H_X: \separated(H + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_H_W: \separated(H + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_Z_H: \separated(Z + (0 .. n*k - 1), H + (0 .. n*k - 1));
    requires valid_Wt: \valid(Wt + (0 .. Pad8(k)*d - 1));
    requires sep_Wt_X: \separated(Wt + (0 .. Pad8(k)*d - 1), X + (0 .. n*d - 1));
    requires sep_Wt_W: \separated(Wt + (0 .. Pad8(k)*d - 1), W + (0 .. k*d - 1));
    requires sep_Wt_Z: \separated(Wt + (0 .. Pad8(k)*d - 1), Z + (0 .. n*k - 1));
    requires sep_Wt_H: \separated(Wt + (0 .. Pad8(k)*d - 1), H + (0 .. n*k - 1));
    assigns Z[0 .. n*k - 1], H[0 .. n*k - 1], Wt[0 .. Pad8(k)*d - 1];
    ensures activation: \forall integer q; 0 <= q < n*k ==> H[q] == Relu(Z[q]);
    ensures value: \forall integer q; 0 <= q < n*k ==> Z[q] == FlPreActq{Pre}(X, W, d, k, q);
    ensures roundoff_z: \forall integer q; 0 <= q < n*k ==>
      \abs(Z[q] - PreActq{Pre}(X, W, d, k, q)) <= Gamma(d) * AbsPreActq{Pre}(X, W, d, k, q) + d * Eta;
    ensures roundoff_h: \forall integer q; 0 <= q < n*k ==>
      \abs(H[q] - Relu(PreActq{Pre}(X, W, d, k, q))) <= Gamma(d) * AbsPreActq{Pre}(X, W, d, k, q) + d * Eta;
*/
void sg_forward(int n, int d, int k, const double *X, const double *W,
                double *Wt, double *Z, double *H);
#else
/*@ requires sizes: 0 <= n && 0 <= d && 0 <= k;
    requires index_nd: n * d <= LONG_MAX;
    requires index_kd: k * d <= LONG_MAX;
    requires index_nk: n * k <= LONG_MAX;
    requires index_kpd: k <= INT_MAX - 7 && Pad8(k) * d <= LONG_MAX;
    requires valid_X: \valid_read(X + (0 .. n*d - 1));
    requires valid_W: \valid_read(W + (0 .. k*d - 1));
    requires valid_Z: \valid(Z + (0 .. n*k - 1));
    requires valid_H: \valid(H + (0 .. n*k - 1));
    requires sep_Z_X: \separated(Z + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_Z_W: \separated(Z + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_H_X: \separated(H + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_H_W: \separated(H + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_Z_H: \separated(Z + (0 .. n*k - 1), H + (0 .. n*k - 1));
    requires valid_Wt: \valid(Wt + (0 .. Pad8(k)*d - 1));
    requires sep_Wt_X: \separated(Wt + (0 .. Pad8(k)*d - 1), X + (0 .. n*d - 1));
    requires sep_Wt_W: \separated(Wt + (0 .. Pad8(k)*d - 1), W + (0 .. k*d - 1));
    requires sep_Wt_Z: \separated(Wt + (0 .. Pad8(k)*d - 1), Z + (0 .. n*k - 1));
    requires sep_Wt_H: \separated(Wt + (0 .. Pad8(k)*d - 1), H + (0 .. n*k - 1));
    assigns Z[0 .. n*k - 1], H[0 .. n*k - 1], Wt[0 .. Pad8(k)*d - 1];
    ensures activation: \forall integer q; 0 <= q < n*k ==> H[q] == Relu(Z[q]);
    ensures preact: \forall integer q; 0 <= q < n*k ==> Z[q] == PreActq{Pre}(X, W, d, k, q);
*/
void sg_forward(int n, int d, int k, const double *X, const double *W,
                double *Wt, double *Z, double *H);
#endif

#ifdef SG_FL_ROUNDING
/* E3's local terms gamma_k sum_j |h_ij v_j| + k eta (E3's sum_j |v_j| Ez_ij,
   the propagation of z's error, is the composition) */
/*@ requires sizes: 0 <= n && 0 <= k <= 1048576;
    requires index_nk: n * k <= LONG_MAX;
    requires no_overflow_H: \forall integer a; 0 <= a < n*k ==> \abs(H[a]) <= 0x1p500;
    requires no_overflow_v: \forall integer j; 0 <= j < k ==> \abs(v[j]) <= 0x1p500;
    requires valid_H: \valid_read(H + (0 .. n*k - 1));
    requires valid_v: \valid_read(v + (0 .. k - 1));
    requires valid_f: \valid(f + (0 .. n - 1));
    requires sep_f_H: \separated(f + (0 .. n - 1), H + (0 .. n*k - 1));
    requires sep_f_v: \separated(f + (0 .. n - 1), v + (0 .. k - 1));
    assigns f[0 .. n - 1];
    ensures value: \forall integer i; 0 <= i < n ==> f[i] == FlOutput{Pre}(H, v, k, i);
    ensures roundoff: \forall integer i; 0 <= i < n ==> OutputErr{Pre}(H, v, k, i, f[i]);
*/
void sg_output(int n, int k, const double *H, const double *v, double *f);
#else
/*@ requires sizes: 0 <= n && 0 <= k;
    requires index_nk: n * k <= LONG_MAX;
    requires valid_H: \valid_read(H + (0 .. n*k - 1));
    requires valid_v: \valid_read(v + (0 .. k - 1));
    requires valid_f: \valid(f + (0 .. n - 1));
    requires sep_f_H: \separated(f + (0 .. n - 1), H + (0 .. n*k - 1));
    requires sep_f_v: \separated(f + (0 .. n - 1), v + (0 .. k - 1));
    assigns f[0 .. n - 1];
    ensures output: \forall integer i; 0 <= i < n ==> f[i] == Output{Pre}(H, v, k, i);
*/
void sg_output(int n, int k, const double *H, const double *v, double *f);
#endif

#ifdef SG_FL_ROUNDING
/*@ requires sizes: 0 <= n;
    requires no_overflow: \forall integer i; 0 <= i < n ==>
      \abs(f[i]) <= 0x1p1000 && \abs(y[i]) <= 0x1p1000;
    requires valid_f: \valid_read(f + (0 .. n - 1));
    requires valid_y: \valid_read(y + (0 .. n - 1));
    requires valid_r: \valid(r + (0 .. n - 1));
    requires sep_r_f: \separated(r + (0 .. n - 1), f + (0 .. n - 1));
    requires sep_r_y: \separated(r + (0 .. n - 1), y + (0 .. n - 1));
    assigns r[0 .. n - 1];
    ensures value: \forall integer i; 0 <= i < n ==> r[i] == FlSub(\old(f[i]), \old(y[i]));
    ensures roundoff: \forall integer i; 0 <= i < n ==>
      \abs(r[i] - Residual{Pre}(f, y, i)) <= Rel1 * \abs(r[i]);
*/
void sg_residual(int n, const double *f, const double *y, double *r);
#else
/*@ requires sizes: 0 <= n;
    requires valid_f: \valid_read(f + (0 .. n - 1));
    requires valid_y: \valid_read(y + (0 .. n - 1));
    requires valid_r: \valid(r + (0 .. n - 1));
    requires sep_r_f: \separated(r + (0 .. n - 1), f + (0 .. n - 1));
    requires sep_r_y: \separated(r + (0 .. n - 1), y + (0 .. n - 1));
    assigns r[0 .. n - 1];
    ensures residual: \forall integer i; 0 <= i < n ==> r[i] == Residual{Pre}(f, y, i);
*/
void sg_residual(int n, const double *f, const double *y, double *r);
#endif

#ifdef SG_FL_ROUNDING
/* E5's local terms: rho_2n = r1 (the bound code takes rho = 0 when 2n is a
   power of two, an exact-scaling fact of IEEE 754 outside the standard
   model as stated; proofs/README.md) */
/*@ requires sizes: 0 < n <= 1048576;
    requires no_overflow: \forall integer i; 0 <= i < n ==> \abs(r[i] * r[i]) <= 0x1p1000;
    requires valid_r: \valid_read(r + (0 .. n - 1));
    assigns \nothing;
    ensures value: \result == FlLoss(r, n);
    ensures roundoff: \abs(\result - Loss(r, n)) <=
      Rel1 * \abs(\result) + Eta + (Gamma(n) * AbsDot(r, r, n) + n * Eta) / (2.0 * n);
*/
double sg_loss(int n, const double *r);
#else
/*@ requires sizes: 0 < n;
    requires valid_r: \valid_read(r + (0 .. n - 1));
    assigns \nothing;
    ensures loss: \result == Loss(r, n);
*/
double sg_loss(int n, const double *r);
#endif

#ifdef SG_FL_ROUNDING
/* E6's local terms: rho_n |gv_j| + eta + (gamma_n sum_i |r_i h_ij| + n eta) / n
   with rho_n = r1 (see sg_loss); E6's terms in Ez, Er are the composition */
/*@ requires sizes: 0 < n <= 1048576 && 0 <= k;
    requires index_nk: n * k <= LONG_MAX;
    requires no_overflow_r: \forall integer i; 0 <= i < n ==> \abs(r[i]) <= 0x1p500;
    requires no_overflow_H: \forall integer a; 0 <= a < n*k ==> \abs(H[a]) <= 0x1p500;
    requires valid_r: \valid_read(r + (0 .. n - 1));
    requires valid_H: \valid_read(H + (0 .. n*k - 1));
    requires valid_gv: \valid(gv + (0 .. k - 1));
    requires sep_gv_r: \separated(gv + (0 .. k - 1), r + (0 .. n - 1));
    requires sep_gv_H: \separated(gv + (0 .. k - 1), H + (0 .. n*k - 1));
    assigns gv[0 .. k - 1];
    ensures value: \forall integer j; 0 <= j < k ==> gv[j] == FlGradV{Pre}(r, H, n, k, j);
    ensures roundoff: \forall integer j; 0 <= j < k ==> GradVErr{Pre}(r, H, n, k, j, gv[j]);
*/
void sg_grad_v(int n, int k, const double *r, const double *H, double *gv);
#else
/*@ requires sizes: 0 < n && 0 <= k;
    requires index_nk: n * k <= LONG_MAX;
    requires valid_r: \valid_read(r + (0 .. n - 1));
    requires valid_H: \valid_read(H + (0 .. n*k - 1));
    requires valid_gv: \valid(gv + (0 .. k - 1));
    requires sep_gv_r: \separated(gv + (0 .. k - 1), r + (0 .. n - 1));
    requires sep_gv_H: \separated(gv + (0 .. k - 1), H + (0 .. n*k - 1));
    assigns gv[0 .. k - 1];
    ensures grad_v: \forall integer j; 0 <= j < k ==> gv[j] == GradV{Pre}(r, H, n, k, j);
*/
void sg_grad_v(int n, int k, const double *r, const double *H, double *gv);
#endif

#ifdef SG_FL_ROUNDING
/* E7's rounded value, in the kernel's order (FlGwSum: sample-outer, the
   active terms of Z only, t = fl(r_i v_j) first, one division by n).  The
   magnitudes are 2^300 here, not 2^500: a term multiplies three inputs
   (r_i v_j X_il <= 2^900, partial sums <= 2^923); the safe region gives
   |X| <= 1e4, |v| <= 1e8, |r| <= 1e60 < 2^200 (Eva).  The round-off bound
   E7 is not proved yet (proofs/README.md, status table). */
/*@ requires sizes: 0 < n <= 1048576 && 0 <= d && 0 <= k;
    requires index_nd: n * d <= LONG_MAX;
    requires index_kd: k * d <= LONG_MAX;
    requires index_nk: n * k <= LONG_MAX;
    requires no_overflow_X: \forall integer a; 0 <= a < n*d ==> \abs(X[a]) <= 0x1p300;
    requires no_overflow_r: \forall integer i; 0 <= i < n ==> \abs(r[i]) <= 0x1p300;
    requires no_overflow_v: \forall integer j; 0 <= j < k ==> \abs(v[j]) <= 0x1p300;
    requires valid_X: \valid_read(X + (0 .. n*d - 1));
    requires valid_Z: \valid_read(Z + (0 .. n*k - 1));
    requires valid_r: \valid_read(r + (0 .. n - 1));
    requires valid_v: \valid_read(v + (0 .. k - 1));
    requires valid_gW: \valid(gW + (0 .. k*d - 1));
    requires sep_gW_X: \separated(gW + (0 .. k*d - 1), X + (0 .. n*d - 1));
    requires sep_gW_Z: \separated(gW + (0 .. k*d - 1), Z + (0 .. n*k - 1));
    requires sep_gW_r: \separated(gW + (0 .. k*d - 1), r + (0 .. n - 1));
    requires sep_gW_v: \separated(gW + (0 .. k*d - 1), v + (0 .. k - 1));
    assigns gW[0 .. k*d - 1];
    ensures value: \forall integer q; 0 <= q < k*d ==>
      gW[q] == FlGradWq{Pre}(X, Z, r, v, n, d, k, q);
*/
void sg_grad_W(int n, int d, int k, const double *X, const double *Z,
               const double *r, const double *v, double *gW);
#else
/*@ requires sizes: 0 < n && 0 <= d && 0 <= k;
    requires index_nd: n * d <= LONG_MAX;
    requires index_kd: k * d <= LONG_MAX;
    requires index_nk: n * k <= LONG_MAX;
    requires valid_X: \valid_read(X + (0 .. n*d - 1));
    requires valid_Z: \valid_read(Z + (0 .. n*k - 1));
    requires valid_r: \valid_read(r + (0 .. n - 1));
    requires valid_v: \valid_read(v + (0 .. k - 1));
    requires valid_gW: \valid(gW + (0 .. k*d - 1));
    requires sep_gW_X: \separated(gW + (0 .. k*d - 1), X + (0 .. n*d - 1));
    requires sep_gW_Z: \separated(gW + (0 .. k*d - 1), Z + (0 .. n*k - 1));
    requires sep_gW_r: \separated(gW + (0 .. k*d - 1), r + (0 .. n - 1));
    requires sep_gW_v: \separated(gW + (0 .. k*d - 1), v + (0 .. k - 1));
    assigns gW[0 .. k*d - 1];
    ensures grad_W: \forall integer q; 0 <= q < k*d ==>
      gW[q] == GradWq{Pre}(X, Z, r, v, n, d, k, q);
*/
void sg_grad_W(int n, int d, int k, const double *X, const double *Z,
               const double *r, const double *v, double *gW);
#endif

/* theta[i] <- theta[i] - mu * g[i]  (two roundings: mu*g, then the difference) */
#ifdef SG_FL_ROUNDING
/* E8's local terms (the gradient's own error mu Eg is the composition) */
/*@ requires sizes: 0 <= m;
    requires step: 0.0 <= mu;
    requires no_overflow: \forall integer i; 0 <= i < m ==>
      \abs(theta[i]) <= 0x1p1000 && \abs(mu * g[i]) <= 0x1p1000;
    requires valid_g: \valid_read(g + (0 .. m - 1));
    requires valid_theta: \valid(theta + (0 .. m - 1));
    requires sep_theta_g: \separated(theta + (0 .. m - 1), g + (0 .. m - 1));
    assigns theta[0 .. m - 1];
    ensures value: \forall integer i; 0 <= i < m ==>
      theta[i] == FlStep(\old(theta[i]), mu, \old(g[i]));
    ensures roundoff: \forall integer i; 0 <= i < m ==>
      \abs(theta[i] - Step(\old(theta[i]), mu, \old(g[i]))) <=
      Rel1 * \abs(theta[i]) + Unit_roundoff * (mu * \abs(\old(g[i]))) + Eta;
*/
void sg_gd_update(int m, double mu, const double *g, double *theta);
#else
/*@ requires sizes: 0 <= m;
    requires valid_g: \valid_read(g + (0 .. m - 1));
    requires valid_theta: \valid(theta + (0 .. m - 1));
    requires sep_theta_g: \separated(theta + (0 .. m - 1), g + (0 .. m - 1));
    assigns theta[0 .. m - 1];
    ensures step: \forall integer i; 0 <= i < m ==>
      theta[i] == Step(\old(theta[i]), mu, \old(g[i]));
*/
void sg_gd_update(int m, double mu, const double *g, double *theta);
#endif

#endif
