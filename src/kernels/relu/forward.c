/* forward.c -- the forward pass Z = X W^T, H = ReLU(Z) (empirical.h).
 * Every Z[i][j] is summed from 0.0 over l = 0..d-1 with the operations of
 * sg_dot (product x_il * w_jl rounded, then added), so the result has the
 * bits of empirical.h's order (tests/test_fast_kernels.c compares it with
 * the one-cell loop of tests/ref_empirical.h on many shapes, bit for bit).
 * The cells are computed in tiles of 2 samples x 8 columns whose 16 sums
 * advance together, against a transposed, padded copy of W in the caller's
 * scratch Wt (d x SG_FWD_PAD(k), the size of W rounded up to 8 columns:
 * 51 KB at d = 100, k = 64); see sg_forward_tiles.
 * The annotations only serve the proofs (proofs/README.md, "forward.c").
 */
#include "kernels/relu/empirical.h"
#include "kernels/relu/index_lemmas.h"
#include "kernels/vector.h"

#ifdef SG_FL_ROUNDING
/* Proof-only (the rounding run; never compiled): the round-off bound E1 of
 * every cell, PreActErr for the rounded value FlPreActq, a fact about X
 * and W alone.  The one-cell loop without its stores, so that it
 * assigns nothing: sg_forward calls it before the tiled pass, in the state
 * Pre of both, and the tiled pass then only has to prove the value
 * (a call that stored would leave the tiled pass in another memory state,
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
               the tiled pass's store loops (after it, Qed rewrites q / k in
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
/* One add of a tile's sum, magnitude only (the value is the rounded
   recursion FlTileDot; the error bound E1 comes from sg_forward_err, see
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

/* The tiled pass.  W is copied, transposed and padded, into Wt (d x kp,
 * kp = SG_FWD_PAD(k) = k rounded up to a multiple of 8; the pad columns
 * repeat W's last row): Wt[l*kp + t] <- W[min(t, k - 1)][l].  Then Z is
 * computed in tiles of 2 samples x 8 columns, from the last samples: for
 * the tile's sums a_r[c] <- 0.0, and for l = 0..d-1,
 * a_r[c] <- a_r[c] + X[i_r][l] * Wt[l*kp + jb + c]; the tile's cells that
 * exist are stored into Z and H.  A cell is still summed from 0.0 over l in
 * increasing order with sg_dot's operations, so its bits do not change;
 * what changes is that 16 independent sums advance together in registers
 * (two 8-wide vectors in the AVX-512F clone, four 4-wide in the AVX2 one),
 * each load of Wt serving two samples and each load of X eight columns,
 * where the row axpy before kept its sums in Z and was bound by the latency
 * of a load-add-store chain per l (docs/benchmark.md).  When n is odd the
 * last block (samples 0..0) computes sample 0 twice and stores it once; the
 * pad columns are computed and not stored.  Why 2 samples, not 4: 4 were
 * faster (docs/benchmark.md) but the proof of the 4-sample body did not
 * finish in a usable time (WP's simplifier spent about a minute on each of
 * its block-loop goals).
 * Proof shape: every sum of the tile is TileDot(X, x_r, W, d, jb, c, k, l),
 * the dot of X's row with W's row Clamp(jb + c, k) over l terms (the tile
 * reads that row through Wt, WtPad in specs); the c loops of the two samples are separate, each with the
 * split "e < c: l + 1 terms, e >= c: l terms"; the accumulators are local
 * arrays, so the inner loops assign no memory of Z, H or Wt.  A stored
 * cell is restated at its flat index (q_def, sg_divmod_lemma, q_ij,
 * cell_q) as in the one-cell loop; done rows are the range from ie*k on
 * (blocks count down, so the range ends at 0), and the rows of the current
 * block carry their done columns at the C offsets o0, o1, so no product of
 * variables is quantified.  The second row's store loop tests nb > 1 in
 * its condition rather than under an if, so the jb loop's body has no
 * branch merge (with the if, the jb loop's `wt` preservation cost Z3
 * 9.97M of its 10M steps).  In the rounding run each sum is FlTileDot with
 * |a| <= (l + 1) 2^1002 (sg_fl_acc_next); E1 comes from sg_forward_err. */
#ifdef SG_FL_ROUNDING
/*@ requires sizes: 0 <= n && 0 <= k && 0 <= d <= 1048576;
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
    requires valid_Wt: \valid(Wt + (0 .. Pad8(k)*d - 1));
    requires sep_Z_X: \separated(Z + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_Z_W: \separated(Z + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_H_X: \separated(H + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_H_W: \separated(H + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_Z_H: \separated(Z + (0 .. n*k - 1), H + (0 .. n*k - 1));
    requires sep_Wt_X: \separated(Wt + (0 .. Pad8(k)*d - 1), X + (0 .. n*d - 1));
    requires sep_Wt_W: \separated(Wt + (0 .. Pad8(k)*d - 1), W + (0 .. k*d - 1));
    requires sep_Wt_Z: \separated(Wt + (0 .. Pad8(k)*d - 1), Z + (0 .. n*k - 1));
    requires sep_Wt_H: \separated(Wt + (0 .. Pad8(k)*d - 1), H + (0 .. n*k - 1));
    assigns Z[0 .. n*k - 1], H[0 .. n*k - 1], Wt[0 .. Pad8(k)*d - 1];
    ensures activation: \forall integer q; 0 <= q < n*k ==> H[q] == Relu(Z[q]);
    ensures value: \forall integer q; 0 <= q < n*k ==> Z[q] == FlPreActq{Pre}(X, W, d, k, q);
*/
#else
/*@ requires sizes: 0 <= n && 0 <= k && 0 <= d;
    requires index_nd: n * d <= LONG_MAX;
    requires index_kd: k * d <= LONG_MAX;
    requires index_nk: n * k <= LONG_MAX;
    requires index_kpd: k <= INT_MAX - 7 && Pad8(k) * d <= LONG_MAX;
    requires valid_X: \valid_read(X + (0 .. n*d - 1));
    requires valid_W: \valid_read(W + (0 .. k*d - 1));
    requires valid_Z: \valid(Z + (0 .. n*k - 1));
    requires valid_H: \valid(H + (0 .. n*k - 1));
    requires valid_Wt: \valid(Wt + (0 .. Pad8(k)*d - 1));
    requires sep_Z_X: \separated(Z + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_Z_W: \separated(Z + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_H_X: \separated(H + (0 .. n*k - 1), X + (0 .. n*d - 1));
    requires sep_H_W: \separated(H + (0 .. n*k - 1), W + (0 .. k*d - 1));
    requires sep_Z_H: \separated(Z + (0 .. n*k - 1), H + (0 .. n*k - 1));
    requires sep_Wt_X: \separated(Wt + (0 .. Pad8(k)*d - 1), X + (0 .. n*d - 1));
    requires sep_Wt_W: \separated(Wt + (0 .. Pad8(k)*d - 1), W + (0 .. k*d - 1));
    requires sep_Wt_Z: \separated(Wt + (0 .. Pad8(k)*d - 1), Z + (0 .. n*k - 1));
    requires sep_Wt_H: \separated(Wt + (0 .. Pad8(k)*d - 1), H + (0 .. n*k - 1));
    assigns Z[0 .. n*k - 1], H[0 .. n*k - 1], Wt[0 .. Pad8(k)*d - 1];
    ensures activation: \forall integer q; 0 <= q < n*k ==> H[q] == Relu(Z[q]);
    ensures preact: \forall integer q; 0 <= q < n*k ==> Z[q] == PreActq{Pre}(X, W, d, k, q);
*/
#endif
SG_VECTOR_CLONES
static void sg_forward_tiles(int n, int d, int k, const double *X, const double *W,
                             double *Wt, double *Z, double *H)
{
    int kp = SG_FWD_PAD(k);
    //@ assert kp_def: kp == Pad8(k) && k <= kp && kp % 8 == 0 && kp <= k + 7;
    /*@ loop invariant l_range: -1 <= l < d;
        loop invariant wt_done: \forall integer t; (l + 1) * kp <= t < kp*d ==>
          Wt[t] == WtPad{Pre}(W, d, k, kp, t);
        loop assigns l, Wt[0 .. kp*d - 1];
        loop variant l + 1;
    */
    for (int l = d - 1; l >= 0; l--) {
        //@ ghost sg_row_lemma(l, d, kp);
        //@ ghost sg_next_row_lemma(l, kp);
        /*@ loop invariant t_range: -1 <= t < kp;
            loop invariant wt_done: \forall integer s; l*kp + t + 1 <= s < kp*d ==>
              Wt[s] == WtPad{Pre}(W, d, k, kp, s);
            loop assigns t, Wt[l*kp .. l*kp + kp - 1];
            loop variant t + 1;
        */
        for (int t = kp - 1; t >= 0; t--) {
            int j = t < k ? t : k - 1;
            //@ assert clamp: j == Clamp(t, k) && 0 <= j < k;
            /*@ assert pad_def: \let s = l*kp + t; \let b = Clamp(s - (s / kp) * kp, k) * d + s / kp;
                  WtPad{Pre}(W, d, k, kp, s) == \at(W[b], Pre); */
            //@ ghost sg_divmod_lemma(l, t, kp);
            //@ ghost sg_row_lemma(j, k, d);
            //@ assert t_div: (l*kp + t) / kp == l;
            //@ assert t_src: \let s = l*kp + t; Clamp(s - (s / kp) * kp, k) * d + s / kp == j*d + l;
            /*@ assert src_pad: \let s = l*kp + t; \let b = j*d + l;
                  WtPad{Pre}(W, d, k, kp, s) == \at(W[b], Pre); */
            //@ assert src: \let b = j*d + l; W[b] == \at(W[b], Pre);
            Wt[(long)l * kp + t] = W[(long)j * d + l];
        }
    }
#ifdef SG_FL_ROUNDING
    /*@ loop invariant ie_range: 0 <= ie <= n;
        loop invariant wt: \forall integer t; 0 <= t < kp*d ==> Wt[t] == WtPad{Pre}(W, d, k, kp, t);
        loop invariant z_done: \forall integer q; ie*k <= q < n*k ==>
          Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
        loop assigns ie, Z[0 .. n*k - 1], H[0 .. n*k - 1];
        loop variant ie;
    */
#else
    /*@ loop invariant ie_range: 0 <= ie <= n;
        loop invariant wt: \forall integer t; 0 <= t < kp*d ==> Wt[t] == WtPad{Pre}(W, d, k, kp, t);
        loop invariant z_done: \forall integer q; ie*k <= q < n*k ==>
          Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
        loop assigns ie, Z[0 .. n*k - 1], H[0 .. n*k - 1];
        loop variant ie;
    */
#endif
    for (int ie = n; ie > 0;) {
        int ib = ie > 2 ? ie - 2 : 0;
        int nb = ie - ib;
        //@ ghost sg_row_lemma(ib, n, d);
        //@ ghost sg_row_lemma(ib, n, k);
        //@ ghost sg_next_row_lemma(ib + 0, k);
        //@ ghost sg_next_row_lemma(ib + 0, d);
        //@ ghost sg_next_row_lemma(ib + 1, k);
        //@ ghost sg_next_row_lemma(ib + 1, d);
        int i0 = ib;
        int i1 = ib + 1 < n ? ib + 1 : n - 1;
        long x0 = (long)i0 * d, o0 = (long)i0 * k;
        long x1 = (long)i1 * d, o1 = (long)i1 * k;
        //@ ghost sg_row_lemma(i0, n, d);
        //@ ghost sg_row_lemma(i0, n, k);
        //@ assert row0: nb > 0 ==> i0 == ib + 0;
        //@ ghost sg_row_lemma(i1, n, d);
        //@ ghost sg_row_lemma(i1, n, k);
        //@ assert row1: nb > 1 ==> i1 == ib + 1;
        //@ assert o_rel: (nb > 1 ==> o1 == o0 + k);
#ifdef SG_FL_ROUNDING
        /*@ loop invariant jb_range: 0 <= jb <= kp && jb % 8 == 0;
            loop invariant wt: \forall integer t; 0 <= t < kp*d ==> Wt[t] == WtPad{Pre}(W, d, k, kp, t);
            loop invariant z_done: \forall integer q; ie*k <= q < n*k ==>
              Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
            loop invariant row_done0: nb > 0 ==> \forall integer q; o0 <= q < o0 + jb && q < o0 + k ==>
              Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
            loop invariant row_done1: nb > 1 ==> \forall integer q; o1 <= q < o1 + jb && q < o1 + k ==>
              Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
            loop assigns jb, Z[o0 .. o0 + (nb > 0 ? k : 0) - 1], Z[o1 .. o1 + (nb > 1 ? k : 0) - 1],
              H[o0 .. o0 + (nb > 0 ? k : 0) - 1], H[o1 .. o1 + (nb > 1 ? k : 0) - 1];
            loop variant kp - jb;
        */
#else
        /*@ loop invariant jb_range: 0 <= jb <= kp && jb % 8 == 0;
            loop invariant wt: \forall integer t; 0 <= t < kp*d ==> Wt[t] == WtPad{Pre}(W, d, k, kp, t);
            loop invariant z_done: \forall integer q; ie*k <= q < n*k ==>
              Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
            loop invariant row_done0: nb > 0 ==> \forall integer q; o0 <= q < o0 + jb && q < o0 + k ==>
              Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
            loop invariant row_done1: nb > 1 ==> \forall integer q; o1 <= q < o1 + jb && q < o1 + k ==>
              Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
            loop assigns jb, Z[o0 .. o0 + (nb > 0 ? k : 0) - 1], Z[o1 .. o1 + (nb > 1 ? k : 0) - 1],
              H[o0 .. o0 + (nb > 0 ? k : 0) - 1], H[o1 .. o1 + (nb > 1 ? k : 0) - 1];
            loop variant kp - jb;
        */
#endif
        for (int jb = 0; jb < k; jb += 8) {

            double a0[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
            double a1[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
#ifdef SG_FL_ROUNDING
            /*@ loop invariant l_range: Upto(l, d);
                loop invariant acc0: \forall integer e; 0 <= e < 8 ==>
                  a0[e] == FlTileDot{Pre}(X, x0, W, d, jb, e, k, l);
                loop invariant acc1: \forall integer e; 0 <= e < 8 ==>
                  a1[e] == FlTileDot{Pre}(X, x1, W, d, jb, e, k, l);
                loop invariant mag0: \forall integer e; 0 <= e < 8 ==>
                  \abs(FlTileDot{Pre}(X, x0, W, d, jb, e, k, l)) <= (l + 1) * 0x1p1002;
                loop invariant mag1: \forall integer e; 0 <= e < 8 ==>
                  \abs(FlTileDot{Pre}(X, x1, W, d, jb, e, k, l)) <= (l + 1) * 0x1p1002;
                loop assigns l, a0[0 .. 7], a1[0 .. 7];
                loop variant d - l;
            */
#else
            /*@ loop invariant l_range: Upto(l, d);
                loop invariant acc0: \forall integer e; 0 <= e < 8 ==>
                  a0[e] == TileDot{Pre}(X, x0, W, d, jb, e, k, l);
                loop invariant acc1: \forall integer e; 0 <= e < 8 ==>
                  a1[e] == TileDot{Pre}(X, x1, W, d, jb, e, k, l);
                loop assigns l, a0[0 .. 7], a1[0 .. 7];
                loop variant d - l;
            */
#endif
            for (int l = 0; l < d; l++) {
                long wl = (long)l * kp;
                //@ assert wl_def: wl == l*kp && jb + 8 <= kp;
                //@ ghost sg_row_lemma(l, d, kp);
                double y0 = X[x0 + l];
                //@ assert same_x0: \let a = x0 + l; y0 == \at(X[a], Pre);
                double y1 = X[x1 + l];
                //@ assert same_x1: \let a = x1 + l; y1 == \at(X[a], Pre);
#ifdef SG_FL_ROUNDING
                /*@ loop invariant c_range: Upto(c, 8);
                    loop invariant adv: \forall integer e; 0 <= e < c ==>
                      a0[e] == FlTileDot{Pre}(X, x0, W, d, jb, e, k, l + 1);
                    loop invariant pend: \forall integer e; c <= e < 8 ==>
                      a0[e] == FlTileDot{Pre}(X, x0, W, d, jb, e, k, l);
                    loop invariant mag_adv: \forall integer e; 0 <= e < c ==>
                      \abs(FlTileDot{Pre}(X, x0, W, d, jb, e, k, l + 1)) <= (l + 2) * 0x1p1002;
                    loop invariant mag: \forall integer e; c <= e < 8 ==>
                      \abs(FlTileDot{Pre}(X, x0, W, d, jb, e, k, l)) <= (l + 1) * 0x1p1002;
                    loop assigns c, a0[0 .. 7];
                    loop variant 8 - c;
                */
#else
                /*@ loop invariant c_range: Upto(c, 8);
                    loop invariant adv: \forall integer e; 0 <= e < c ==>
                      a0[e] == TileDot{Pre}(X, x0, W, d, jb, e, k, l + 1);
                    loop invariant pend: \forall integer e; c <= e < 8 ==>
                      a0[e] == TileDot{Pre}(X, x0, W, d, jb, e, k, l);
                    loop assigns c, a0[0 .. 7];
                    loop variant 8 - c;
                */
#endif
                for (int c = 0; c < 8; c++) {
                    //@ ghost int jc = jb + c < k ? jb + c : k - 1;
                    //@ assert clamp: jc == Clamp(jb + c, k) && 0 <= jc < k;
                    //@ ghost sg_row_lemma(jc, k, d);
                    //@ assert wt_c: \let t = wl + jb + c; Wt[t] == WtPad{Pre}(W, d, k, kp, t);
                    /*@ assert pad_def: \let t = wl + jb + c; \let b = Clamp(t - (t / kp) * kp, k) * d + t / kp;
                          WtPad{Pre}(W, d, k, kp, t) == \at(W[b], Pre); */
                    //@ ghost sg_divmod_lemma(l, jb + c, kp);
                    //@ assert t_div: (wl + jb + c) / kp == l;
                    /*@ assert t_src: \let t = wl + jb + c;
                          Clamp(t - (t / kp) * kp, k) * d + t / kp == Clamp(jb + c, k) * d + l; */
                    /*@ assert wt_src: \let t = wl + jb + c; \let b = Clamp(jb + c, k) * d + l;
                          WtPad{Pre}(W, d, k, kp, t) == \at(W[b], Pre); */
                    /*@ assert wt_val: \let t = wl + jb + c; \let b = Clamp(jb + c, k) * d + l;
                          Wt[t] == \at(W[b], Pre); */
#ifdef SG_FL_ROUNDING
                    /*@ assert next: \let a = x0 + l; \let b = Clamp(jb + c, k) * d + l;
                          FlTileDot{Pre}(X, x0, W, d, jb, c, k, l + 1) ==
                          FlAdd(FlTileDot{Pre}(X, x0, W, d, jb, c, k, l), FlMul(\at(X[a], Pre), \at(W[b], Pre))); */
#else
                    /*@ assert next: \let a = x0 + l; \let b = Clamp(jb + c, k) * d + l;
                          TileDot{Pre}(X, x0, W, d, jb, c, k, l + 1) ==
                          TileDot{Pre}(X, x0, W, d, jb, c, k, l) + \at(X[a], Pre) * \at(W[b], Pre); */
#endif
                    double w = Wt[wl + jb + c];
                    //@ assert w_pre: \let b = Clamp(jb + c, k) * d + l; w == \at(W[b], Pre);
#ifdef SG_FL_ROUNDING
                    //@ ghost sg_fl_prodmag(y0, w);
#endif
                    double p = SG_MUL(y0, w);
#ifdef SG_FL_ROUNDING
                    /*@ assert term: \let a = x0 + l; \let b = Clamp(jb + c, k) * d + l;
                          p == FlMul(\at(X[a], Pre), \at(W[b], Pre)) && \abs(p) <= 0x1p1001; */
                    /*@ assert old: a0[c] == FlTileDot{Pre}(X, x0, W, d, jb, c, k, l) &&
                          \abs(a0[c]) <= (l + 1) * 0x1p1002; */
                    //@ ghost double s0 = a0[c];
                    //@ ghost sg_fl_acc_next(l, s0, p, s0 + p);
#else
                    /*@ assert term: \let a = x0 + l; \let b = Clamp(jb + c, k) * d + l;
                          p == \at(X[a], Pre) * \at(W[b], Pre); */
                    //@ assert old: a0[c] == TileDot{Pre}(X, x0, W, d, jb, c, k, l);
#endif
                    a0[c] = SG_ADD(a0[c], p);
#ifdef SG_FL_ROUNDING
                    //@ ghost sg_fl_acc_next(l, s0, p, a0[c]);
                    //@ assert new: a0[c] == FlTileDot{Pre}(X, x0, W, d, jb, c, k, l + 1);
                    //@ assert new_mag: \abs(FlTileDot{Pre}(X, x0, W, d, jb, c, k, l + 1)) <= (l + 2) * 0x1p1002;
#else
                    //@ assert new: a0[c] == TileDot{Pre}(X, x0, W, d, jb, c, k, l + 1);
#endif
                }
#ifdef SG_FL_ROUNDING
                /*@ loop invariant c_range: Upto(c, 8);
                    loop invariant adv: \forall integer e; 0 <= e < c ==>
                      a1[e] == FlTileDot{Pre}(X, x1, W, d, jb, e, k, l + 1);
                    loop invariant pend: \forall integer e; c <= e < 8 ==>
                      a1[e] == FlTileDot{Pre}(X, x1, W, d, jb, e, k, l);
                    loop invariant mag_adv: \forall integer e; 0 <= e < c ==>
                      \abs(FlTileDot{Pre}(X, x1, W, d, jb, e, k, l + 1)) <= (l + 2) * 0x1p1002;
                    loop invariant mag: \forall integer e; c <= e < 8 ==>
                      \abs(FlTileDot{Pre}(X, x1, W, d, jb, e, k, l)) <= (l + 1) * 0x1p1002;
                    loop assigns c, a1[0 .. 7];
                    loop variant 8 - c;
                */
#else
                /*@ loop invariant c_range: Upto(c, 8);
                    loop invariant adv: \forall integer e; 0 <= e < c ==>
                      a1[e] == TileDot{Pre}(X, x1, W, d, jb, e, k, l + 1);
                    loop invariant pend: \forall integer e; c <= e < 8 ==>
                      a1[e] == TileDot{Pre}(X, x1, W, d, jb, e, k, l);
                    loop assigns c, a1[0 .. 7];
                    loop variant 8 - c;
                */
#endif
                for (int c = 0; c < 8; c++) {
                    //@ ghost int jc = jb + c < k ? jb + c : k - 1;
                    //@ assert clamp: jc == Clamp(jb + c, k) && 0 <= jc < k;
                    //@ ghost sg_row_lemma(jc, k, d);
                    //@ assert wt_c: \let t = wl + jb + c; Wt[t] == WtPad{Pre}(W, d, k, kp, t);
                    /*@ assert pad_def: \let t = wl + jb + c; \let b = Clamp(t - (t / kp) * kp, k) * d + t / kp;
                          WtPad{Pre}(W, d, k, kp, t) == \at(W[b], Pre); */
                    //@ ghost sg_divmod_lemma(l, jb + c, kp);
                    //@ assert t_div: (wl + jb + c) / kp == l;
                    /*@ assert t_src: \let t = wl + jb + c;
                          Clamp(t - (t / kp) * kp, k) * d + t / kp == Clamp(jb + c, k) * d + l; */
                    /*@ assert wt_src: \let t = wl + jb + c; \let b = Clamp(jb + c, k) * d + l;
                          WtPad{Pre}(W, d, k, kp, t) == \at(W[b], Pre); */
                    /*@ assert wt_val: \let t = wl + jb + c; \let b = Clamp(jb + c, k) * d + l;
                          Wt[t] == \at(W[b], Pre); */
#ifdef SG_FL_ROUNDING
                    /*@ assert next: \let a = x1 + l; \let b = Clamp(jb + c, k) * d + l;
                          FlTileDot{Pre}(X, x1, W, d, jb, c, k, l + 1) ==
                          FlAdd(FlTileDot{Pre}(X, x1, W, d, jb, c, k, l), FlMul(\at(X[a], Pre), \at(W[b], Pre))); */
#else
                    /*@ assert next: \let a = x1 + l; \let b = Clamp(jb + c, k) * d + l;
                          TileDot{Pre}(X, x1, W, d, jb, c, k, l + 1) ==
                          TileDot{Pre}(X, x1, W, d, jb, c, k, l) + \at(X[a], Pre) * \at(W[b], Pre); */
#endif
                    double w = Wt[wl + jb + c];
                    //@ assert w_pre: \let b = Clamp(jb + c, k) * d + l; w == \at(W[b], Pre);
#ifdef SG_FL_ROUNDING
                    //@ ghost sg_fl_prodmag(y1, w);
#endif
                    double p = SG_MUL(y1, w);
#ifdef SG_FL_ROUNDING
                    /*@ assert term: \let a = x1 + l; \let b = Clamp(jb + c, k) * d + l;
                          p == FlMul(\at(X[a], Pre), \at(W[b], Pre)) && \abs(p) <= 0x1p1001; */
                    /*@ assert old: a1[c] == FlTileDot{Pre}(X, x1, W, d, jb, c, k, l) &&
                          \abs(a1[c]) <= (l + 1) * 0x1p1002; */
                    //@ ghost double s0 = a1[c];
                    //@ ghost sg_fl_acc_next(l, s0, p, s0 + p);
#else
                    /*@ assert term: \let a = x1 + l; \let b = Clamp(jb + c, k) * d + l;
                          p == \at(X[a], Pre) * \at(W[b], Pre); */
                    //@ assert old: a1[c] == TileDot{Pre}(X, x1, W, d, jb, c, k, l);
#endif
                    a1[c] = SG_ADD(a1[c], p);
#ifdef SG_FL_ROUNDING
                    //@ ghost sg_fl_acc_next(l, s0, p, a1[c]);
                    //@ assert new: a1[c] == FlTileDot{Pre}(X, x1, W, d, jb, c, k, l + 1);
                    //@ assert new_mag: \abs(FlTileDot{Pre}(X, x1, W, d, jb, c, k, l + 1)) <= (l + 2) * 0x1p1002;
#else
                    //@ assert new: a1[c] == TileDot{Pre}(X, x1, W, d, jb, c, k, l + 1);
#endif
                }
            }
#ifdef SG_FL_ROUNDING
            /*@ loop invariant c_range: 0 <= c <= 8 && j == jb + c && j <= k;
                loop invariant z_done: \forall integer q; ie*k <= q < n*k ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop invariant row_done0: nb > 0 ==> \forall integer q; o0 <= q < o0 + jb && q < o0 + k ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop invariant row_done1: nb > 1 ==> \forall integer q; o1 <= q < o1 + jb && q < o1 + k ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop invariant wt: \forall integer t; 0 <= t < kp*d ==> Wt[t] == WtPad{Pre}(W, d, k, kp, t);
                loop invariant tile: \forall integer q; o0 + jb <= q < o0 + j ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop assigns c, j, Z[o0 + jb .. o0 + (jb + 8 < k ? jb + 8 : k) - 1],
                  H[o0 + jb .. o0 + (jb + 8 < k ? jb + 8 : k) - 1];
                loop variant 8 - c;
            */
#else
            /*@ loop invariant c_range: 0 <= c <= 8 && j == jb + c && j <= k;
                loop invariant z_done: \forall integer q; ie*k <= q < n*k ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop invariant row_done0: nb > 0 ==> \forall integer q; o0 <= q < o0 + jb && q < o0 + k ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop invariant row_done1: nb > 1 ==> \forall integer q; o1 <= q < o1 + jb && q < o1 + k ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop invariant wt: \forall integer t; 0 <= t < kp*d ==> Wt[t] == WtPad{Pre}(W, d, k, kp, t);
                loop invariant tile: \forall integer q; o0 + jb <= q < o0 + j ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop assigns c, j, Z[o0 + jb .. o0 + (jb + 8 < k ? jb + 8 : k) - 1],
                  H[o0 + jb .. o0 + (jb + 8 < k ? jb + 8 : k) - 1];
                loop variant 8 - c;
            */
#endif
            for (int c = 0, j = jb; c < 8 && j < k; c++, j++) {
#ifdef SG_FL_ROUNDING
                //@ assert cell: a0[c] == FlTileDot{Pre}(X, x0, W, d, jb, c, k, d);
#else
                //@ assert cell: a0[c] == TileDot{Pre}(X, x0, W, d, jb, c, k, d);
#endif
                //@ assert clamp: Clamp(jb + c, k) == jb + c;
#ifdef SG_FL_ROUNDING
                /*@ assert q_def: \let q = o0 + jb + c; FlPreActq{Pre}(X, W, d, k, q) ==
                      FlPreAct{Pre}(X, W, d, q / k, q - (q / k) * k); */
#else
                /*@ assert q_def: \let q = o0 + jb + c; PreActq{Pre}(X, W, d, k, q) ==
                      PreAct{Pre}(X, W, d, q / k, q - (q / k) * k); */
#endif
                //@ assert o0_def: o0 == ib*k && i0 == ib;
                //@ ghost sg_divmod_lemma(ib, jb + c, k);
#ifdef SG_FL_ROUNDING
                /*@ assert q_ij: \let q = o0 + jb + c;
                      FlPreAct{Pre}(X, W, d, q / k, q - (q / k) * k) == FlPreAct{Pre}(X, W, d, ib, jb + c); */
                //@ assert cell_ij: a0[c] == FlPreAct{Pre}(X, W, d, i0, jb + c);
                //@ assert cell_q: \let q = o0 + jb + c; a0[c] == FlPreActq{Pre}(X, W, d, k, q);
#else
                /*@ assert q_ij: \let q = o0 + jb + c;
                      PreAct{Pre}(X, W, d, q / k, q - (q / k) * k) == PreAct{Pre}(X, W, d, ib, jb + c); */
                //@ assert cell_ij: a0[c] == PreAct{Pre}(X, W, d, i0, jb + c);
                //@ assert cell_q: \let q = o0 + jb + c; a0[c] == PreActq{Pre}(X, W, d, k, q);
#endif
                Z[o0 + j] = a0[c];
                H[o0 + j] = sg_relu(a0[c]);
            }
#ifdef SG_FL_ROUNDING
            /*@ assert stored0: \forall integer q; o0 <= q < o0 + jb + 8 && q < o0 + k ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
            /*@ loop invariant c_range: 0 <= c <= 8 && j == jb + c && j <= k;
                loop invariant z_done: \forall integer q; ie*k <= q < n*k ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop invariant row_done0: nb > 0 ==> \forall integer q; o0 <= q < o0 + jb + 8 && q < o0 + k ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop invariant row_done1: nb > 1 ==> \forall integer q; o1 <= q < o1 + jb && q < o1 + k ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop invariant wt: \forall integer t; 0 <= t < kp*d ==> Wt[t] == WtPad{Pre}(W, d, k, kp, t);
                loop invariant tile: \forall integer q; o1 + jb <= q < o1 + j ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop assigns c, j, Z[o1 + jb .. o1 + (nb > 1 ? (jb + 8 < k ? jb + 8 : k) : jb) - 1],
                  H[o1 + jb .. o1 + (nb > 1 ? (jb + 8 < k ? jb + 8 : k) : jb) - 1];
                loop variant 8 - c;
            */
#else
            /*@ assert stored0: \forall integer q; o0 <= q < o0 + jb + 8 && q < o0 + k ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
            /*@ loop invariant c_range: 0 <= c <= 8 && j == jb + c && j <= k;
                loop invariant z_done: \forall integer q; ie*k <= q < n*k ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop invariant row_done0: nb > 0 ==> \forall integer q; o0 <= q < o0 + jb + 8 && q < o0 + k ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop invariant row_done1: nb > 1 ==> \forall integer q; o1 <= q < o1 + jb && q < o1 + k ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop invariant wt: \forall integer t; 0 <= t < kp*d ==> Wt[t] == WtPad{Pre}(W, d, k, kp, t);
                loop invariant tile: \forall integer q; o1 + jb <= q < o1 + j ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]);
                loop assigns c, j, Z[o1 + jb .. o1 + (nb > 1 ? (jb + 8 < k ? jb + 8 : k) : jb) - 1],
                  H[o1 + jb .. o1 + (nb > 1 ? (jb + 8 < k ? jb + 8 : k) : jb) - 1];
                loop variant 8 - c;
            */
#endif
            for (int c = 0, j = jb; nb > 1 && c < 8 && j < k; c++, j++) {
#ifdef SG_FL_ROUNDING
                //@ assert cell: a1[c] == FlTileDot{Pre}(X, x1, W, d, jb, c, k, d);
#else
                //@ assert cell: a1[c] == TileDot{Pre}(X, x1, W, d, jb, c, k, d);
#endif
                //@ assert clamp: Clamp(jb + c, k) == jb + c;
#ifdef SG_FL_ROUNDING
                /*@ assert q_def: \let q = o1 + jb + c; FlPreActq{Pre}(X, W, d, k, q) ==
                      FlPreAct{Pre}(X, W, d, q / k, q - (q / k) * k); */
#else
                /*@ assert q_def: \let q = o1 + jb + c; PreActq{Pre}(X, W, d, k, q) ==
                      PreAct{Pre}(X, W, d, q / k, q - (q / k) * k); */
#endif
                //@ assert o_def: o1 == i1*k;
                //@ ghost sg_divmod_lemma(i1, jb + c, k);
#ifdef SG_FL_ROUNDING
                /*@ assert q_ij: \let q = o1 + jb + c;
                      FlPreAct{Pre}(X, W, d, q / k, q - (q / k) * k) == FlPreAct{Pre}(X, W, d, i1, jb + c); */
                //@ assert cell_ij: a1[c] == FlPreAct{Pre}(X, W, d, i1, jb + c);
                //@ assert cell_q: \let q = o1 + jb + c; a1[c] == FlPreActq{Pre}(X, W, d, k, q);
#else
                /*@ assert q_ij: \let q = o1 + jb + c;
                      PreAct{Pre}(X, W, d, q / k, q - (q / k) * k) == PreAct{Pre}(X, W, d, i1, jb + c); */
                //@ assert cell_ij: a1[c] == PreAct{Pre}(X, W, d, i1, jb + c);
                //@ assert cell_q: \let q = o1 + jb + c; a1[c] == PreActq{Pre}(X, W, d, k, q);
#endif
                Z[o1 + j] = a1[c];
                H[o1 + j] = sg_relu(a1[c]);
            }
#ifdef SG_FL_ROUNDING
            /*@ assert stored1: nb > 1 ==> \forall integer q; o1 <= q < o1 + jb + 8 && q < o1 + k ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
            /*@ assert cols_done0: nb > 0 ==> \forall integer q; o0 <= q < o0 + jb + 8 && q < o0 + k ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
            /*@ assert cols_done1: nb > 1 ==> \forall integer q; o1 <= q < o1 + jb + 8 && q < o1 + k ==>
                  Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
#else
            /*@ assert stored1: nb > 1 ==> \forall integer q; o1 <= q < o1 + jb + 8 && q < o1 + k ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
            /*@ assert cols_done0: nb > 0 ==> \forall integer q; o0 <= q < o0 + jb + 8 && q < o0 + k ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
            /*@ assert cols_done1: nb > 1 ==> \forall integer q; o1 <= q < o1 + jb + 8 && q < o1 + k ==>
                  Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
#endif
        }
#ifdef SG_FL_ROUNDING
        /*@ assert full0: nb > 0 ==> \forall integer q; o0 <= q < o0 + k ==>
              Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
        /*@ assert full1: nb > 1 ==> \forall integer q; o1 <= q < o1 + k ==>
              Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
#else
        /*@ assert full0: nb > 0 ==> \forall integer q; o0 <= q < o0 + k ==>
              Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
        /*@ assert full1: nb > 1 ==> \forall integer q; o1 <= q < o1 + k ==>
              Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
#endif
        /*@ assert o_lin: o0 == ib*k && (nb > 1 ==> o1 == o0 + 1*k); */
        /*@ assert next_ib: (nb == 1 ==> ie*k == o0 + 1*k) && (nb == 2 ==> ie*k == o0 + 2*k); */
#ifdef SG_FL_ROUNDING
        /*@ assert block_done: \forall integer q; o0 <= q < ie*k ==>
              Z[q] == FlPreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
#else
        /*@ assert block_done: \forall integer q; o0 <= q < ie*k ==>
              Z[q] == PreActq{Pre}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
#endif
        ie = ib;
    }
}

/* Z = X W^T, H = ReLU(Z) (empirical.h).  In the rounding run the tiled
 * pass proves only the rounded value of each cell (FlPreActq); its
 * round-off bound E1 is a fact about X and W alone (the rounded recursion
 * against the exact one), which the proof-only sg_forward_err proves first
 * (the one-cell loop without stores).  The program (SG_FL_ROUNDING is
 * never compiled) computes each cell once. */
void sg_forward(int n, int d, int k, const double *X, const double *W,
                double *Wt, double *Z, double *H)
{
#ifdef SG_FL_ROUNDING
    sg_forward_err(n, d, k, X, W);
    /*@ assert roundoff: \forall integer q; 0 <= q < n*k ==>
          \abs(FlPreActq{Pre}(X, W, d, k, q) - PreActq{Pre}(X, W, d, k, q)) <=
            Gamma(d) * AbsPreActq{Pre}(X, W, d, k, q) + d * Eta &&
          \abs(Relu(FlPreActq{Pre}(X, W, d, k, q)) - Relu(PreActq{Pre}(X, W, d, k, q))) <=
            Gamma(d) * AbsPreActq{Pre}(X, W, d, k, q) + d * Eta; */
#endif
    sg_forward_tiles(n, d, k, X, W, Wt, Z, H);
#ifdef SG_FL_ROUNDING
    /*@ assert h_fl: \forall integer q; 0 <= q < n*k ==>
          H[q] == Relu(FlPreActq{Pre}(X, W, d, k, q)); */
#endif
}
