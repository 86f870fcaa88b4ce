/* forward.c -- the forward pass Z = X W^T, H = ReLU(Z) (empirical.h).
 * Two paths, one result: every Z[i][j] is summed from 0.0 over l = 0..d-1
 * with the operations of sg_dot (product x_il * w_jl rounded, then added),
 * so both give the bits of empirical.h's order (tests/test_fast_kernels.c
 * compares them with the one-cell loop on many shapes, bit for bit).
 *  - cells (k < SG_FWD_ROWS_MIN_K): one cell at a time, its add chain in a
 *    register; the loop of the kernel as first proved;
 *  - rows (k >= SG_FWD_ROWS_MIN_K): for each sample i the k cells of row i
 *    of Z advance together, Z[i][j] += x_il * W[j][l] for j = 0..k-1, one l
 *    at a time.  The k adds of one l are independent, so the loop
 *    vectorises (SG_VECTOR_CLONES) and the latency of one dependent chain
 *    per cell no longer bounds the time; for contiguous loads of W[j][l]
 *    over j, W is first transposed into the caller's scratch Wt (d x k, the
 *    size of W: 51 KB at d = 100, k = 64).  The sums are kept in Z itself,
 *    as sg_grad_W keeps its sums in gW.
 * The annotations only serve the proofs (proofs/README.md, "forward.c").
 */
#include "kernels/relu/empirical.h"
#include "kernels/relu/index_lemmas.h"
#include "kernels/vector.h"

/* the contract of sg_forward without Wt (empirical.h) */
#ifdef SG_FL_ROUNDING
/*@ requires sizes: 0 <= n && 0 <= d <= 1048576 && 0 <= k;
    requires index_nd: n * d <= LONG_MAX;
    requires index_kd: k * d <= LONG_MAX;
    requires index_nk: n * k <= LONG_MAX;
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
    assigns Z[0 .. n*k - 1], H[0 .. n*k - 1];
    ensures activation: \forall integer q; 0 <= q < n*k ==> H[q] == Relu(Z[q]);
    ensures value: \forall integer q; 0 <= q < n*k ==> Z[q] == FlPreActq{Pre}(X, W, d, k, q);
    ensures roundoff_z: \forall integer q; 0 <= q < n*k ==>
      \abs(Z[q] - PreActq{Pre}(X, W, d, k, q)) <= Gamma(d) * AbsPreActq{Pre}(X, W, d, k, q) + d * Eta;
    ensures roundoff_h: \forall integer q; 0 <= q < n*k ==>
      \abs(H[q] - Relu(PreActq{Pre}(X, W, d, k, q))) <= Gamma(d) * AbsPreActq{Pre}(X, W, d, k, q) + d * Eta;
*/
#else
/*@ requires sizes: 0 <= n && 0 <= d && 0 <= k;
    requires index_nd: n * d <= LONG_MAX;
    requires index_kd: k * d <= LONG_MAX;
    requires index_nk: n * k <= LONG_MAX;
    requires valid_X: \valid_read(X + (0 .. n*d - 1));
    requires valid_W: \valid_read(W + (0 .. k*d - 1));
    requires valid_Z: \valid(Z + (0 .. n*k - 1));
    requires valid_H: \valid(H + (0 .. n*k - 1));
    requires sep_Z_X: \separated(Z + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_Z_W: \separated(Z + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_H_X: \separated(H + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_H_W: \separated(H + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_Z_H: \separated(Z + (0 .. n*k - 1), H + (0 .. n*k - 1));
    assigns Z[0 .. n*k - 1], H[0 .. n*k - 1];
    ensures activation: \forall integer q; 0 <= q < n*k ==> H[q] == Relu(Z[q]);
    ensures preact: \forall integer q; 0 <= q < n*k ==> Z[q] == PreActq{Pre}(X, W, d, k, q);
*/
#endif
/* Z[i][j] <- w_j . x_i ; H[i][j] <- max(Z[i][j], 0)
 * Every (i, j) is independent; rows and columns are visited from the last
 * (results are bit-identical in any visiting order), the dot product over l
 * runs left to right as in sg_dot, with the same operations.  Why this shape:
 *  - the dot product is written out instead of calling sg_dot: after the
 *    first store, a call would make WP compare Dot in two memory states,
 *    an induction the provers cannot do;
 *  - loops that end at -1 rather than at n or k keep WP's simplifier from
 *    renaming n or k into the loop counter inside products (i*k vs k*n),
 *    which the provers then fail to identify;
 *  - the activation invariant quantifies over the flat index q = i*k + j,
 *    keeping products out of quantified formulas.
 *  - Z[i][j] == PreAct(X, W, d, i, j) is carried at the flat index q of Z
 *    (PreActq), a contiguous done-range since both loops count down;
 *    sg_divmod_lemma gives (i*k + j) / k == i at the store, and the asserts
 *    cell / cell_q restate z at the cell before it is stored. */
static void sg_forward_cells(int n, int d, int k, const double *X, const double *W,
                             double *Z, double *H)
{
#ifdef SG_FL_ROUNDING
    /*@ loop invariant i_range: -1 <= row < n;
        loop invariant h_done: \forall integer q; (row + 1) * k <= q < n*k ==>
          H[q] == Relu(Z[q]);
        loop invariant z_done: \forall integer q; (row + 1) * k <= q < n*k ==>
          Z[q] == FlPreActq{Pre}(X, W, d, k, q);
        loop invariant z_err: \forall integer q; (row + 1) * k <= q < n*k ==>
          PreActErr{Pre}(X, W, d, k, q, FlPreActq{Pre}(X, W, d, k, q));
        loop assigns row, Z[0 .. n*k - 1], H[0 .. n*k - 1];
        loop variant row + 1;
    */
#else
    /*@ loop invariant i_range: -1 <= row < n;
        loop invariant h_done: \forall integer q; (row + 1) * k <= q < n*k ==>
          H[q] == Relu(Z[q]);
        loop invariant z_done: \forall integer q; (row + 1) * k <= q < n*k ==>
          Z[q] == PreActq{Pre}(X, W, d, k, q);
        loop assigns row, Z[0 .. n*k - 1], H[0 .. n*k - 1];
        loop variant row + 1;
    */
#endif
    for (int row = n - 1; row >= 0; row--) {
        //@ ghost sg_row_lemma(row, n, d);
        //@ ghost sg_row_lemma(row, n, k);
        //@ ghost sg_next_row_lemma(row, k);
#ifdef SG_FL_ROUNDING
        /*@ loop invariant j_range: -1 <= j < k;
            loop invariant h_done: \forall integer q; row*k + j + 1 <= q < n*k ==>
              H[q] == Relu(Z[q]);
            loop invariant z_done: \forall integer q; row*k + j + 1 <= q < n*k ==>
              Z[q] == FlPreActq{Pre}(X, W, d, k, q);
            loop invariant z_err: \forall integer q; row*k + j + 1 <= q < n*k ==>
              PreActErr{Pre}(X, W, d, k, q, FlPreActq{Pre}(X, W, d, k, q));
            loop assigns j, Z[row*k .. row*k + k - 1], H[row*k .. row*k + k - 1];
            loop variant j + 1;
        */
#else
        /*@ loop invariant j_range: -1 <= j < k;
            loop invariant h_done: \forall integer q; row*k + j + 1 <= q < n*k ==>
              H[q] == Relu(Z[q]);
            loop invariant z_done: \forall integer q; row*k + j + 1 <= q < n*k ==>
              Z[q] == PreActq{Pre}(X, W, d, k, q);
            loop assigns j, Z[row*k .. row*k + k - 1], H[row*k .. row*k + k - 1];
            loop variant j + 1;
        */
#endif
        for (int j = k - 1; j >= 0; j--) {
            //@ ghost sg_row_lemma(j, k, d);
            double z = 0.0;
#ifdef SG_FL_ROUNDING
            //@ ghost double gd = 0.0;
            //@ ghost double ga = 0.0;
            /*@ loop invariant l_range: Upto(l, d);
                loop invariant value: z == FlRowDot{Pre}(X, row*d, W, j*d, l);
                loop invariant sums: gd == RowDot{Pre}(X, row*d, W, j*d, l) &&
                                     ga == AbsRowDot{Pre}(X, row*d, W, j*d, l);
                loop invariant absdot: \abs(gd) <= ga && ga <= l * 0x1p1000;
                loop invariant first: l == 0 ==> z == 0.0 && gd == 0.0 && ga == 0.0;
                loop invariant err: \abs(z - gd) <= Gamma(l) * ga + l * Eta;
                loop invariant err_d: l == d ==> \abs(z - gd) <= Gamma(d) * ga + d * Eta;
                loop invariant mag: \abs(z) <= 2.0 * ga + l * Eta;
                loop assigns l, z, gd, ga;
                loop variant d - l;
            */
#else
            /*@ loop invariant l_range: 0 <= l <= d;
                loop invariant partial: z == RowDot{Pre}(X, row*d, W, j*d, l);
                loop assigns l, z;
                loop variant d - l;
            */
#endif
            for (int l = 0; l < d; l++) {
                /*@ assert same: \let a = row*d + l; \let b = j*d + l;
                      X[a] == \at(X[a], Pre) && W[b] == \at(W[b], Pre); */
#ifdef SG_FL_ROUNDING
                /*@ assert next: \let a = row*d + l; \let b = j*d + l;
                      FlRowDot{Pre}(X, row*d, W, j*d, l + 1) ==
                      FlAdd(FlRowDot{Pre}(X, row*d, W, j*d, l), FlMul(\at(X[a], Pre), \at(W[b], Pre))) &&
                      RowDot{Pre}(X, row*d, W, j*d, l + 1) ==
                      RowDot{Pre}(X, row*d, W, j*d, l) + ExMul(\at(X[a], Pre), \at(W[b], Pre)) &&
                      AbsRowDot{Pre}(X, row*d, W, j*d, l + 1) ==
                      AbsRowDot{Pre}(X, row*d, W, j*d, l) + \abs(ExMul(\at(X[a], Pre), \at(W[b], Pre))); */
                //@ ghost double xy = X[(long)row * d + l] * W[(long)j * d + l];
                //@ assert xy_now: \let a = row*d + l; \let b = j*d + l; xy == ExMul(X[a], W[b]);
                /*@ assert xy_pre: \let a = row*d + l; \let b = j*d + l;
                      ExMul(X[a], W[b]) == ExMul(\at(X[a], Pre), \at(W[b], Pre)); */
                //@ assert xy_abs: (xy >= 0.0 ? xy : -xy) == \abs(xy);
                //@ ghost sg_fl_prodmag(X[(long)row * d + l], W[(long)j * d + l]);
#else
                /*@ assert next: \let a = row*d + l; \let b = j*d + l;
                      RowDot{Pre}(X, row*d, W, j*d, l + 1) ==
                      RowDot{Pre}(X, row*d, W, j*d, l) + \at(X[a] * W[b], Pre); */
#endif
                double p = SG_MUL(X[(long)row * d + l], W[(long)j * d + l]);
#ifdef SG_FL_ROUNDING
                //@ ghost double s0 = z;
#else
                /*@ assert term: \let a = row*d + l; \let b = j*d + l;
                      p == \at(X[a], Pre) * \at(W[b], Pre); */
#endif
                z = SG_ADD(z, p);
#ifdef SG_FL_ROUNDING
                //@ ghost sg_fl_dot_step(l, s0, p, z, xy, gd, ga);
                //@ assert err1: \abs(z - (gd + xy)) <= Gamma(l + 1) * (ga + \abs(xy)) + (l + 1) * Eta;
                //@ ghost gd = gd + xy;
                //@ ghost ga = ga + (xy >= 0.0 ? xy : -xy);
#endif
            }
#ifdef SG_FL_ROUNDING
            /*@ assert cell: z == FlPreAct{Pre}(X, W, d, row, j) &&
                  gd == PreAct{Pre}(X, W, d, row, j) && ga == AbsPreAct{Pre}(X, W, d, row, j); */
            //@ ghost sg_divmod_lemma(row, j, k);
            /*@ assert cell_q: z == FlPreActq{Pre}(X, W, d, k, row*k + j) &&
                  gd == PreActq{Pre}(X, W, d, k, row*k + j) && ga == AbsPreActq{Pre}(X, W, d, k, row*k + j); */
            //@ assert cell_err: PreActErr{Pre}(X, W, d, k, row*k + j, z);
#else
            //@ assert cell: z == PreAct{Pre}(X, W, d, row, j);
            //@ ghost sg_divmod_lemma(row, j, k);
            //@ assert cell_q: z == PreActq{Pre}(X, W, d, k, row*k + j);
#endif
            Z[(long)row * k + j] = z;
            H[(long)row * k + j] = sg_relu(z);
        }
    }
}


#ifdef SG_FL_ROUNDING
/* Proof-only (the rounding run; never compiled): the round-off bound E1 of
 * every cell, PreActErr for the rounded value FlPreActq, a fact about X
 * and W alone.  The cells path's loop without its stores, so that it
 * assigns nothing: sg_forward calls it before the rows path, in the state
 * Pre of both, and the rows path then only has to prove the value
 * (a call that stored would leave the rows path in another memory state,
 * where FlPreActq{Pre} is a different recursion to the provers). */
/*@ requires sizes: 0 <= n && 0 <= d <= 1048576 && 0 <= k;
    requires index_nd: n * d <= LONG_MAX;
    requires index_kd: k * d <= LONG_MAX;
    requires index_nk: n * k <= LONG_MAX;
    requires no_overflow_X: \forall integer a; 0 <= a < n*d ==> \abs(X[a]) <= 0x1p500;
    requires no_overflow_W: \forall integer a; 0 <= a < k*d ==> \abs(W[a]) <= 0x1p500;
    requires valid_X: \valid_read(X + (0 .. n*d - 1));
    requires valid_W: \valid_read(W + (0 .. k*d - 1));
    assigns \nothing;
    ensures roundoff: \forall integer q; 0 <= q < n*k ==>
      PreActErr{Pre}(X, W, d, k, q, FlPreActq{Pre}(X, W, d, k, q));
*/
static void sg_forward_err(int n, int d, int k, const double *X, const double *W)
{
    /*@ loop invariant i_range: -1 <= row < n;
        loop invariant z_err: \forall integer q; (row + 1) * k <= q < n*k ==>
          PreActErr{Pre}(X, W, d, k, q, FlPreActq{Pre}(X, W, d, k, q));
        loop assigns row;
        loop variant row + 1;
    */
    for (int row = n - 1; row >= 0; row--) {
        //@ ghost sg_row_lemma(row, n, d);
        //@ ghost sg_row_lemma(row, n, k);
        //@ ghost sg_next_row_lemma(row, k);
        /*@ loop invariant j_range: -1 <= j < k;
            loop invariant z_err: \forall integer q; row*k + j + 1 <= q < n*k ==>
              PreActErr{Pre}(X, W, d, k, q, FlPreActq{Pre}(X, W, d, k, q));
            loop assigns j;
            loop variant j + 1;
        */
        for (int j = k - 1; j >= 0; j--) {
            //@ ghost sg_row_lemma(j, k, d);
            double z = 0.0;
            //@ ghost double gd = 0.0;
            //@ ghost double ga = 0.0;
            /*@ loop invariant l_range: Upto(l, d);
                loop invariant value: z == FlRowDot{Pre}(X, row*d, W, j*d, l);
                loop invariant sums: gd == RowDot{Pre}(X, row*d, W, j*d, l) &&
                                     ga == AbsRowDot{Pre}(X, row*d, W, j*d, l);
                loop invariant absdot: \abs(gd) <= ga && ga <= l * 0x1p1000;
                loop invariant first: l == 0 ==> z == 0.0 && gd == 0.0 && ga == 0.0;
                loop invariant err: \abs(z - gd) <= Gamma(l) * ga + l * Eta;
                loop invariant err_d: l == d ==> \abs(z - gd) <= Gamma(d) * ga + d * Eta;
                loop invariant mag: \abs(z) <= 2.0 * ga + l * Eta;
                loop assigns l, z, gd, ga;
                loop variant d - l;
            */
            for (int l = 0; l < d; l++) {
                /*@ assert same: \let a = row*d + l; \let b = j*d + l;
                      X[a] == \at(X[a], Pre) && W[b] == \at(W[b], Pre); */
                /*@ assert next: \let a = row*d + l; \let b = j*d + l;
                      FlRowDot{Pre}(X, row*d, W, j*d, l + 1) ==
                      FlAdd(FlRowDot{Pre}(X, row*d, W, j*d, l), FlMul(\at(X[a], Pre), \at(W[b], Pre))) &&
                      RowDot{Pre}(X, row*d, W, j*d, l + 1) ==
                      RowDot{Pre}(X, row*d, W, j*d, l) + ExMul(\at(X[a], Pre), \at(W[b], Pre)) &&
                      AbsRowDot{Pre}(X, row*d, W, j*d, l + 1) ==
                      AbsRowDot{Pre}(X, row*d, W, j*d, l) + \abs(ExMul(\at(X[a], Pre), \at(W[b], Pre))); */
                //@ ghost double xy = X[(long)row * d + l] * W[(long)j * d + l];
                //@ assert xy_now: \let a = row*d + l; \let b = j*d + l; xy == ExMul(X[a], W[b]);
                /*@ assert xy_pre: \let a = row*d + l; \let b = j*d + l;
                      ExMul(X[a], W[b]) == ExMul(\at(X[a], Pre), \at(W[b], Pre)); */
                //@ assert xy_abs: (xy >= 0.0 ? xy : -xy) == \abs(xy);
                //@ ghost sg_fl_prodmag(X[(long)row * d + l], W[(long)j * d + l]);
                double p = SG_MUL(X[(long)row * d + l], W[(long)j * d + l]);
                //@ ghost double s0 = z;
                z = SG_ADD(z, p);
                //@ ghost sg_fl_dot_step(l, s0, p, z, xy, gd, ga);
                //@ assert err1: \abs(z - (gd + xy)) <= Gamma(l + 1) * (ga + \abs(xy)) + (l + 1) * Eta;
                //@ ghost gd = gd + xy;
                //@ ghost ga = ga + (xy >= 0.0 ? xy : -xy);
            }
            /*@ assert cell: z == FlPreAct{Pre}(X, W, d, row, j) &&
                  gd == PreAct{Pre}(X, W, d, row, j) && ga == AbsPreAct{Pre}(X, W, d, row, j); */
            /* the definitions' instances at q before sg_divmod_lemma, as in
               the rows path's relu loop (after it, Qed rewrites q / k in
               the instance and the provers timed out here) */
            /*@ assert q_def: \let q = row*k + j;
                  FlPreActq{Pre}(X, W, d, k, q) == FlPreAct{Pre}(X, W, d, q / k, q - (q / k) * k) &&
                  PreActq{Pre}(X, W, d, k, q) == PreAct{Pre}(X, W, d, q / k, q - (q / k) * k) &&
                  AbsPreActq{Pre}(X, W, d, k, q) == AbsPreAct{Pre}(X, W, d, q / k, q - (q / k) * k); */
            //@ ghost sg_divmod_lemma(row, j, k);
            /*@ assert q_ij: \let q = row*k + j;
                  FlPreAct{Pre}(X, W, d, q / k, q - (q / k) * k) == FlPreAct{Pre}(X, W, d, row, j) &&
                  PreAct{Pre}(X, W, d, q / k, q - (q / k) * k) == PreAct{Pre}(X, W, d, row, j) &&
                  AbsPreAct{Pre}(X, W, d, q / k, q - (q / k) * k) == AbsPreAct{Pre}(X, W, d, row, j); */
            /*@ assert cell_q: z == FlPreActq{Pre}(X, W, d, k, row*k + j) &&
                  gd == PreActq{Pre}(X, W, d, k, row*k + j) && ga == AbsPreActq{Pre}(X, W, d, k, row*k + j); */
            //@ assert cell_err: PreActErr{Pre}(X, W, d, k, row*k + j, z);
        }
    }
}
#endif

#ifdef SG_FL_ROUNDING
/* One add of a rows-path sum, magnitude only (the value is the rounded
   recursion FlColDot; the error bound E1 comes from the cells path, see
   sg_forward): from |a| <= (l + 1) 2^1002, |p| <= 2^1001 and s = fl(a + p),
   |s| <= (1 + u)((l + 1) 2^1002 + 2^1001) <= (l + 2) 2^1002 for l < 2^20,
   so a sum of at most d <= 2^20 terms stays below 2^1022 and no add
   overflows.  The bound after l terms is (l + 1) 2^1002, not l 2^1002: at
   l = 0, |Z| <= 0 * 2^1002 is simplified by WP 25's Qed into Z == 0 with an
   integer 0, a Why3 task that fails to type ("Type mismatch between real
   and int") in every goal that holds it. */
/*@ ghost
  /@ requires l_range: 0 <= l <= 1048575;
     requires a_mag: \abs(a) <= (l + 1) * 0x1p1002;
     requires p_mag: \abs(p) <= 0x1p1001;
     requires rounded: StdAdd(a + p, s);
     assigns \nothing;
     ensures no_overflow: \abs(a + p) <= Fl_max;
     ensures s_mag: \abs(s) <= (l + 2) * 0x1p1002;
  @/
  void sg_fl_acc_next(int l, double a, double p, double s) { }
*/
#endif

/* The rows path.  Wt[l*k + j] <- W[j][l], then for each row i of Z (from
 * the last): Z[i][j] <- 0.0, then for l = 0..d-1 and j = 0..k-1
 * Z[i][j] <- Z[i][j] + X[i][l] * Wt[l*k + j], then H[i][j] <- relu(Z[i][j]).
 * Proof shape (as sg_grad_W's, the cells carried where they are stored):
 *  - Wt is carried at its flat index t through WtVal (specs), a contiguous
 *    done-range as the transposition counts down; sg_divmod_lemma gives
 *    (l*k + j) / k == l at each store and each read;
 *  - during row i, the sums of its k cells are ColDot(X, i*d, W, d, c, l)
 *    (l terms), with the split "c < j: l + 1 terms, c >= j: l terms" in the
 *    j loop: no product of variables under a quantifier (o = i*k and
 *    xo = i*d are C variables);
 *  - the rows below i are done (Z == PreActq, H == Relu(Z)) at the flat
 *    index, restated in every inner loop;
 *  - the inner counters that end at k or d are behind Upto (specs), the
 *    others count down to -1 (see the cells path).
 * In the rounding run each cell is FlColDot and |Z| <= (l + 1) 2^1002
 * (sg_fl_acc_next); no exact sums are carried. */
#ifdef SG_FL_ROUNDING
/*@ requires sizes: 0 <= n && 4 <= k && 0 <= d <= 1048576;
    requires index_nd: n * d <= LONG_MAX;
    requires index_kd: k * d <= LONG_MAX;
    requires index_nk: n * k <= LONG_MAX;
    requires no_overflow_X: \forall integer a; 0 <= a < n*d ==> \abs(X[a]) <= 0x1p500;
    requires no_overflow_W: \forall integer a; 0 <= a < k*d ==> \abs(W[a]) <= 0x1p500;
    requires valid_X: \valid_read(X + (0 .. n*d - 1));
    requires valid_W: \valid_read(W + (0 .. k*d - 1));
    requires valid_Z: \valid(Z + (0 .. n*k - 1));
    requires valid_H: \valid(H + (0 .. n*k - 1));
    requires valid_Wt: \valid(Wt + (0 .. k*d - 1));
    requires sep_Z_X: \separated(Z + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_Z_W: \separated(Z + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_H_X: \separated(H + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_H_W: \separated(H + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_Z_H: \separated(Z + (0 .. n*k - 1), H + (0 .. n*k - 1));
    requires sep_Wt_X: \separated(Wt + (0 .. k*d - 1), X + (0 .. n*d - 1));
    requires sep_Wt_W: \separated(Wt + (0 .. k*d - 1), W + (0 .. k*d - 1));
    requires sep_Wt_Z: \separated(Wt + (0 .. k*d - 1), Z + (0 .. n*k - 1));
    requires sep_Wt_H: \separated(Wt + (0 .. k*d - 1), H + (0 .. n*k - 1));
    assigns Z[0 .. n*k - 1], H[0 .. n*k - 1], Wt[0 .. k*d - 1];
    ensures activation: \forall integer q; 0 <= q < n*k ==> H[q] == Relu(Z[q]);
    ensures value: \forall integer q; 0 <= q < n*k ==> Z[q] == FlPreActq{Pre}(X, W, d, k, q);
*/
#else
/*@ requires sizes: 0 <= n && 4 <= k && 0 <= d;
    requires index_nd: n * d <= LONG_MAX;
    requires index_kd: k * d <= LONG_MAX;
    requires index_nk: n * k <= LONG_MAX;
    requires valid_X: \valid_read(X + (0 .. n*d - 1));
    requires valid_W: \valid_read(W + (0 .. k*d - 1));
    requires valid_Z: \valid(Z + (0 .. n*k - 1));
    requires valid_H: \valid(H + (0 .. n*k - 1));
    requires valid_Wt: \valid(Wt + (0 .. k*d - 1));
    requires sep_Z_X: \separated(Z + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_Z_W: \separated(Z + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_H_X: \separated(H + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_H_W: \separated(H + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_Z_H: \separated(Z + (0 .. n*k - 1), H + (0 .. n*k - 1));
    requires sep_Wt_X: \separated(Wt + (0 .. k*d - 1), X + (0 .. n*d - 1));
    requires sep_Wt_W: \separated(Wt + (0 .. k*d - 1), W + (0 .. k*d - 1));
    requires sep_Wt_Z: \separated(Wt + (0 .. k*d - 1), Z + (0 .. n*k - 1));
    requires sep_Wt_H: \separated(Wt + (0 .. k*d - 1), H + (0 .. n*k - 1));
    assigns Z[0 .. n*k - 1], H[0 .. n*k - 1], Wt[0 .. k*d - 1];
    ensures activation: \forall integer q; 0 <= q < n*k ==> H[q] == Relu(Z[q]);
    ensures preact: \forall integer q; 0 <= q < n*k ==> Z[q] == PreActq{Pre}(X, W, d, k, q);
*/
#endif
SG_VECTOR_CLONES
static void sg_forward_rows(int n, int d, int k, const double *X, const double *W,
                            double *Wt, double *Z, double *H)
{
    /*@ loop invariant l_range: -1 <= l < d;
        loop invariant wt_done: \forall integer t; (l + 1) * k <= t < k*d ==>
          Wt[t] == WtVal{Pre}(W, d, k, t);
        loop assigns l, Wt[0 .. k*d - 1];
        loop variant l + 1;
    */
    for (int l = d - 1; l >= 0; l--) {
        //@ ghost sg_row_lemma(l, d, k);
        //@ ghost sg_next_row_lemma(l, k);
        /*@ loop invariant j_range: -1 <= j < k;
            loop invariant wt_done: \forall integer t; l*k + j + 1 <= t < k*d ==>
              Wt[t] == WtVal{Pre}(W, d, k, t);
            loop assigns j, Wt[l*k .. l*k + k - 1];
            loop variant j + 1;
        */
        for (int j = k - 1; j >= 0; j--) {
            //@ ghost sg_divmod_lemma(l, j, k);
            //@ ghost sg_row_lemma(j, k, d);
            /*@ assert src: \let t = l*k + j; \let b = j*d + l;
                  WtVal{Pre}(W, d, k, t) == \at(W[b], Pre) && W[b] == \at(W[b], Pre); */
            Wt[(long)l * k + j] = W[(long)j * d + l];
        }
    }
#ifdef SG_FL_ROUNDING
    /*@ loop invariant i_range: -1 <= i < n;
        loop invariant wt: \forall integer t; 0 <= t < k*d ==> Wt[t] == WtVal{Pre}(W, d, k, t);
        loop invariant h_done: \forall integer q; (i + 1) * k <= q < n*k ==> H[q] == Relu(Z[q]);
        loop invariant z_done: \forall integer q; (i + 1) * k <= q < n*k ==>
          Z[q] == FlPreActq{Pre}(X, W, d, k, q);
        loop assigns i, Z[0 .. n*k - 1], H[0 .. n*k - 1];
        loop variant i + 1;
    */
#else
    /*@ loop invariant i_range: -1 <= i < n;
        loop invariant wt: \forall integer t; 0 <= t < k*d ==> Wt[t] == WtVal{Pre}(W, d, k, t);
        loop invariant h_done: \forall integer q; (i + 1) * k <= q < n*k ==> H[q] == Relu(Z[q]);
        loop invariant z_done: \forall integer q; (i + 1) * k <= q < n*k ==>
          Z[q] == PreActq{Pre}(X, W, d, k, q);
        loop assigns i, Z[0 .. n*k - 1], H[0 .. n*k - 1];
        loop variant i + 1;
    */
#endif
    for (int i = n - 1; i >= 0; i--) {
        //@ ghost sg_row_lemma(i, n, d);
        //@ ghost sg_row_lemma(i, n, k);
        //@ ghost sg_next_row_lemma(i, k);
        long o = (long)i * k;
        long xo = (long)i * d;
#ifdef SG_FL_ROUNDING
        /*@ loop invariant j_range: -1 <= j < k;
            loop invariant zero: \forall integer c; j + 1 <= c < k ==>
              Z[o + c] == FlColDot{Pre}(X, xo, W, d, c, 0);
            loop invariant h_done: \forall integer q; o + k <= q < n*k ==> H[q] == Relu(Z[q]);
            loop invariant z_done: \forall integer q; o + k <= q < n*k ==>
              Z[q] == FlPreActq{Pre}(X, W, d, k, q);
            loop assigns j, Z[o .. o + k - 1];
            loop variant j + 1;
        */
#else
        /*@ loop invariant j_range: -1 <= j < k;
            loop invariant zero: \forall integer c; j + 1 <= c < k ==>
              Z[o + c] == ColDot{Pre}(X, xo, W, d, c, 0);
            loop invariant h_done: \forall integer q; o + k <= q < n*k ==> H[q] == Relu(Z[q]);
            loop invariant z_done: \forall integer q; o + k <= q < n*k ==>
              Z[q] == PreActq{Pre}(X, W, d, k, q);
            loop assigns j, Z[o .. o + k - 1];
            loop variant j + 1;
        */
#endif
        for (int j = k - 1; j >= 0; j--)
            Z[o + j] = 0.0;
#ifdef SG_FL_ROUNDING
        /*@ loop invariant l_range: Upto(l, d);
            loop invariant acc: \forall integer c; 0 <= c < k ==>
              Z[o + c] == FlColDot{Pre}(X, xo, W, d, c, l);
            loop invariant mag: \forall integer c; 0 <= c < k ==>
              \abs(FlColDot{Pre}(X, xo, W, d, c, l)) <= (l + 1) * 0x1p1002;
            loop invariant h_done: \forall integer q; o + k <= q < n*k ==> H[q] == Relu(Z[q]);
            loop invariant z_done: \forall integer q; o + k <= q < n*k ==>
              Z[q] == FlPreActq{Pre}(X, W, d, k, q);
            loop assigns l, Z[o .. o + k - 1];
            loop variant d - l;
        */
#else
        /*@ loop invariant l_range: Upto(l, d);
            loop invariant acc: \forall integer c; 0 <= c < k ==>
              Z[o + c] == ColDot{Pre}(X, xo, W, d, c, l);
            loop invariant h_done: \forall integer q; o + k <= q < n*k ==> H[q] == Relu(Z[q]);
            loop invariant z_done: \forall integer q; o + k <= q < n*k ==>
              Z[q] == PreActq{Pre}(X, W, d, k, q);
            loop assigns l, Z[o .. o + k - 1];
            loop variant d - l;
        */
#endif
        for (int l = 0; l < d; l++) {
            //@ ghost sg_row_lemma(l, d, k);
            double x = X[xo + l];
            //@ assert same_x: \let a = xo + l; x == \at(X[a], Pre);
            long wl = (long)l * k;
#ifdef SG_FL_ROUNDING
            /*@ loop invariant j_range: Upto(j, k);
                loop invariant adv: \forall integer c; 0 <= c < j ==>
                  Z[o + c] == FlColDot{Pre}(X, xo, W, d, c, l + 1);
                loop invariant pend: \forall integer c; j <= c < k ==>
                  Z[o + c] == FlColDot{Pre}(X, xo, W, d, c, l);
                loop invariant mag_adv: \forall integer c; 0 <= c < j ==>
                  \abs(FlColDot{Pre}(X, xo, W, d, c, l + 1)) <= (l + 2) * 0x1p1002;
                loop invariant mag: \forall integer c; j <= c < k ==>
                  \abs(FlColDot{Pre}(X, xo, W, d, c, l)) <= (l + 1) * 0x1p1002;
                loop invariant h_done: \forall integer q; o + k <= q < n*k ==> H[q] == Relu(Z[q]);
                loop invariant z_done: \forall integer q; o + k <= q < n*k ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q);
                loop assigns j, Z[o .. o + k - 1];
                loop variant k - j;
            */
#else
            /*@ loop invariant j_range: Upto(j, k);
                loop invariant adv: \forall integer c; 0 <= c < j ==>
                  Z[o + c] == ColDot{Pre}(X, xo, W, d, c, l + 1);
                loop invariant pend: \forall integer c; j <= c < k ==>
                  Z[o + c] == ColDot{Pre}(X, xo, W, d, c, l);
                loop invariant h_done: \forall integer q; o + k <= q < n*k ==> H[q] == Relu(Z[q]);
                loop invariant z_done: \forall integer q; o + k <= q < n*k ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q);
                loop assigns j, Z[o .. o + k - 1];
                loop variant k - j;
            */
#endif
            for (int j = 0; j < k; j++) {
                //@ ghost sg_divmod_lemma(l, j, k);
                //@ ghost sg_row_lemma(j, k, d);
                //@ assert wt_j: \let t = wl + j; Wt[t] == WtVal{Pre}(W, d, k, t);
                //@ assert t_row: wl == l*k && (wl + j) / k == l;
                //@ assert t_src: \let t = wl + j; (t - (t / k) * k) * d + t / k == j*d + l;
                //@ assert wt_src: \let t = wl + j; \let b = j*d + l; WtVal{Pre}(W, d, k, t) == \at(W[b], Pre);
#ifdef SG_FL_ROUNDING
                /*@ assert next: \let a = xo + l; \let b = j*d + l;
                      FlColDot{Pre}(X, xo, W, d, j, l + 1) ==
                      FlAdd(FlColDot{Pre}(X, xo, W, d, j, l), FlMul(\at(X[a], Pre), \at(W[b], Pre))); */
                //@ ghost sg_fl_prodmag(x, Wt[wl + j]);
#else
                /*@ assert next: \let a = xo + l; \let b = j*d + l;
                      ColDot{Pre}(X, xo, W, d, j, l + 1) ==
                      ColDot{Pre}(X, xo, W, d, j, l) + \at(X[a], Pre) * \at(W[b], Pre); */
#endif
                double p = SG_MUL(x, Wt[wl + j]);
#ifdef SG_FL_ROUNDING
                /*@ assert term: \let a = xo + l; \let b = j*d + l;
                      p == FlMul(\at(X[a], Pre), \at(W[b], Pre)) && \abs(p) <= 0x1p1001; */
                //@ assert old: \let c = j; Z[o + c] == FlColDot{Pre}(X, xo, W, d, c, l) && \abs(Z[o + c]) <= (l + 1) * 0x1p1002;
                //@ ghost double s0 = Z[o + j];
                //@ ghost sg_fl_acc_next(l, s0, p, s0 + p);
#else
                //@ assert term: \let a = xo + l; \let b = j*d + l; p == \at(X[a], Pre) * \at(W[b], Pre);
                //@ assert old: \let c = j; Z[o + c] == ColDot{Pre}(X, xo, W, d, c, l);
#endif
                Z[o + j] = SG_ADD(Z[o + j], p);
#ifdef SG_FL_ROUNDING
                //@ ghost sg_fl_acc_next(l, s0, p, Z[o + j]);
                //@ assert new: \let c = j; Z[o + c] == FlColDot{Pre}(X, xo, W, d, c, l + 1);
                //@ assert new_mag: \let c = j; \abs(FlColDot{Pre}(X, xo, W, d, c, l + 1)) <= (l + 2) * 0x1p1002;
#else
                //@ assert new: \let c = j; Z[o + c] == ColDot{Pre}(X, xo, W, d, c, l + 1);
#endif
            }
        }
#ifdef SG_FL_ROUNDING
        /*@ loop invariant j_range: -1 <= j < k;
            loop invariant h_row: \forall integer q; o + j + 1 <= q < n*k ==> H[q] == Relu(Z[q]);
            loop invariant z_row: \forall integer q; o + j + 1 <= q < n*k ==>
              Z[q] == FlPreActq{Pre}(X, W, d, k, q);
            loop assigns j, H[o .. o + k - 1];
            loop variant j + 1;
        */
#else
        /*@ loop invariant j_range: -1 <= j < k;
            loop invariant h_row: \forall integer q; o + j + 1 <= q < n*k ==> H[q] == Relu(Z[q]);
            loop invariant z_row: \forall integer q; o + j + 1 <= q < n*k ==>
              Z[q] == PreActq{Pre}(X, W, d, k, q);
            loop assigns j, H[o .. o + k - 1];
            loop variant j + 1;
        */
#endif
        for (int j = k - 1; j >= 0; j--) {
            /* the definition of PreActq at q = o + j, stated before
               sg_divmod_lemma: with (o + j) / k == i already known, Qed
               rewrites the instance and the provers must redo the
               division in the loop's large context */
#ifdef SG_FL_ROUNDING
            //@ assert cell: \let c = j; Z[o + c] == FlColDot{Pre}(X, xo, W, d, c, d);
            /*@ assert q_def: \let q = o + j; FlPreActq{Pre}(X, W, d, k, q) ==
                  FlPreAct{Pre}(X, W, d, q / k, q - (q / k) * k); */
            //@ ghost sg_divmod_lemma(i, j, k);
            /*@ assert q_ij: \let q = o + j;
                  FlPreAct{Pre}(X, W, d, q / k, q - (q / k) * k) == FlPreAct{Pre}(X, W, d, i, j); */
            //@ assert cell_ij: \let c = j; Z[o + c] == FlPreAct{Pre}(X, W, d, i, c);
            //@ assert cell_q: \let q = o + j; Z[q] == FlPreActq{Pre}(X, W, d, k, q);
#else
            //@ assert cell: \let c = j; Z[o + c] == ColDot{Pre}(X, xo, W, d, c, d);
            /*@ assert q_def: \let q = o + j; PreActq{Pre}(X, W, d, k, q) ==
                  PreAct{Pre}(X, W, d, q / k, q - (q / k) * k); */
            //@ ghost sg_divmod_lemma(i, j, k);
            /*@ assert q_ij: \let q = o + j;
                  PreAct{Pre}(X, W, d, q / k, q - (q / k) * k) == PreAct{Pre}(X, W, d, i, j); */
            //@ assert cell_ij: \let c = j; Z[o + c] == PreAct{Pre}(X, W, d, i, c);
            //@ assert cell_q: \let q = o + j; Z[q] == PreActq{Pre}(X, W, d, k, q);
#endif
            H[o + j] = sg_relu(Z[o + j]);
        }
    }
}

/* Z = X W^T, H = ReLU(Z) (empirical.h).  In the rounding run the rows path
 * proves only the rounded value of each cell (FlPreActq); its round-off
 * bound E1 is a fact about X and W alone (the rounded recursion against
 * the exact one), which the proof-only sg_forward_err proves first (the
 * cells loop without stores).  The program (SG_FL_ROUNDING is never
 * compiled) takes exactly one path and computes each cell once. */
void sg_forward(int n, int d, int k, const double *X, const double *W,
                double *Wt, double *Z, double *H)
{
    if (k < SG_FWD_ROWS_MIN_K) {
        sg_forward_cells(n, d, k, X, W, Z, H);
    } else {
#ifdef SG_FL_ROUNDING
        sg_forward_err(n, d, k, X, W);
        /*@ assert roundoff: \forall integer q; 0 <= q < n*k ==>
              \abs(FlPreActq{Pre}(X, W, d, k, q) - PreActq{Pre}(X, W, d, k, q)) <=
                Gamma(d) * AbsPreActq{Pre}(X, W, d, k, q) + d * Eta &&
              \abs(Relu(FlPreActq{Pre}(X, W, d, k, q)) - Relu(PreActq{Pre}(X, W, d, k, q))) <=
                Gamma(d) * AbsPreActq{Pre}(X, W, d, k, q) + d * Eta; */
#endif
        sg_forward_rows(n, d, k, X, W, Wt, Z, H);
#ifdef SG_FL_ROUNDING
        /*@ assert h_fl: \forall integer q; 0 <= q < n*k ==>
              H[q] == Relu(FlPreActq{Pre}(X, W, d, k, q)); */
#endif
    }
}
