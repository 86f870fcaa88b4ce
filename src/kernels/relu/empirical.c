/* empirical.c -- ReLU, output, and the gradients dL/dv, dL/dW (the forward
 * pass is forward.c; residual, loss and update residual_update.c).
 * The operation order is documented in empirical.h and is part of the
 * contract: the MPFR shadow and the round-off bounds are derived from it.
 *
 * The ACSL annotations (loop invariants, ghost code) only serve the proofs
 * (proofs/README.md); ghost code is not compiled.  Devices that recur:
 *  - row lemmas: i < n ==> i*d + d <= n*d, a non-linear fact the provers
 *    find once in a tiny lemma function but not inside a big goal;
 *  - sums stated at Pre: a kernel that has written its output since Pre
 *    reads its inputs in another memory state, so the partial sums are the
 *    logic functions at {Pre} and the assert `same` restates each input
 *    read at Pre (SMT provers do not do the induction that would equate two
 *    recursive sums over two memory states);
 *  - the rounding run's annotations (#ifdef SG_FL_ROUNDING, kernels/fl.h):
 *    the operations are the standard model's calls; each reduction carries
 *    ghost exact sums gd, ga and one call of sg_fl_dot_step per term; a
 *    product read since Pre is stated as ExMul (congruence, not non-linear
 *    arithmetic) and an inner counter's range as Upto (no renaming of the
 *    bound after the loop), specs/sg_network.acsl.
 * The operations are fl.h's macros (plain C operators in the program). */
#include "kernels/relu/empirical.h"
#include "kernels/relu/index_lemmas.h"
#include "kernels/dot.h"
#include "kernels/vector.h"

/* the index lemmas of index_lemmas.h, proved here */
/*@ ghost
  void sg_row_lemma(long i, long n, long d) { }
  void sg_next_row_lemma(long i, long k) { }
  void sg_divmod_lemma(long j, long l, long d) { }
*/

#ifdef SG_FL_ROUNDING
/* |a b| <= A B from |a| <= A, |b| <= B (sg_grad_W's no-overflow steps:
   a term multiplies three inputs) */
/*@ ghost
  /@ requires 0.0 <= A && 0.0 <= B && \abs(a) <= A && \abs(b) <= B;
     assigns \nothing;
     ensures \abs(a * b) <= A * B;
  @/
  void sg_fl_prodle(double a, double b, double A, double B)
  {
      double aa = a >= 0.0 ? a : -a;
      double ab = b >= 0.0 ? b : -b;
      /@ assert abs_prod: \abs(a * b) == aa * ab; @/
      sg_fl_mono(aa, A, ab);
      sg_fl_mono(ab, B, A);
  }
*/
#endif

double sg_relu(double z)
{
    return z > 0.0 ? z : 0.0;
}

/* f[i] <- sum_j H[i][j] v[j]  (sg_dot written out, as forward.c's sg_forward_err) */
void sg_output(int n, int k, const double *H, const double *v, double *f)
{
#ifdef SG_FL_ROUNDING
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant value: \forall integer a; 0 <= a < i ==> f[a] == FlOutput{Pre}(H, v, k, a);
        loop invariant roundoff: \forall integer a; 0 <= a < i ==> OutputErr{Pre}(H, v, k, a, f[a]);
        loop assigns i, f[0 .. n - 1];
        loop variant n - i;
    */
#else
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant done: \forall integer a; 0 <= a < i ==> f[a] == Output{Pre}(H, v, k, a);
        loop assigns i, f[0 .. n - 1];
        loop variant n - i;
    */
#endif
    for (int i = 0; i < n; i++) {
        //@ ghost sg_row_lemma(i, n, k);
        double s = 0.0;
#ifdef SG_FL_ROUNDING
        //@ ghost double gd = 0.0;
        //@ ghost double ga = 0.0;
        /*@ loop invariant j_range: Upto(j, k);
            loop invariant value: s == FlRowDot{Pre}(H, i*k, v, 0, j);
            loop invariant sums: gd == RowDot{Pre}(H, i*k, v, 0, j) &&
                                 ga == AbsRowDot{Pre}(H, i*k, v, 0, j);
            loop invariant absdot: \abs(gd) <= ga && ga <= j * 0x1p1000;
            loop invariant first: j == 0 ==> s == 0.0 && gd == 0.0 && ga == 0.0;
            loop invariant err: \abs(s - gd) <= Gamma(j) * ga + j * Eta;
            loop invariant err_k: j == k ==> \abs(s - gd) <= Gamma(k) * ga + k * Eta;
            loop invariant mag: \abs(s) <= 2.0 * ga + j * Eta;
            loop assigns j, s, gd, ga;
            loop variant k - j;
        */
#else
        /*@ loop invariant j_range: 0 <= j <= k;
            loop invariant partial: s == RowDot{Pre}(H, i*k, v, 0, j);
            loop assigns j, s;
            loop variant k - j;
        */
#endif
        for (int j = 0; j < k; j++) {
            /*@ assert same: \let a = i*k + j; \let b = j;
                  H[a] == \at(H[a], Pre) && v[b] == \at(v[b], Pre); */
#ifdef SG_FL_ROUNDING
            /*@ assert next: \let a = i*k + j; \let b = j;
                  FlRowDot{Pre}(H, i*k, v, 0, j + 1) ==
                  FlAdd(FlRowDot{Pre}(H, i*k, v, 0, j), FlMul(\at(H[a], Pre), \at(v[b], Pre))) &&
                  RowDot{Pre}(H, i*k, v, 0, j + 1) ==
                  RowDot{Pre}(H, i*k, v, 0, j) + ExMul(\at(H[a], Pre), \at(v[b], Pre)) &&
                  AbsRowDot{Pre}(H, i*k, v, 0, j + 1) ==
                  AbsRowDot{Pre}(H, i*k, v, 0, j) + \abs(ExMul(\at(H[a], Pre), \at(v[b], Pre))); */
            //@ ghost double xy = H[(long)i * k + j] * v[j];
            //@ assert xy_now: \let a = i*k + j; \let b = j; xy == ExMul(H[a], v[b]);
            /*@ assert xy_pre: \let a = i*k + j; \let b = j;
                  ExMul(H[a], v[b]) == ExMul(\at(H[a], Pre), \at(v[b], Pre)); */
            //@ assert xy_abs: (xy >= 0.0 ? xy : -xy) == \abs(xy);
            //@ ghost sg_fl_prodmag(H[(long)i * k + j], v[j]);
#else
            /*@ assert next: \let a = i*k + j; \let b = j;
                  RowDot{Pre}(H, i*k, v, 0, j + 1) ==
                  RowDot{Pre}(H, i*k, v, 0, j) + \at(H[a] * v[b], Pre); */
#endif
            double p = SG_MUL(H[(long)i * k + j], v[j]);
#ifdef SG_FL_ROUNDING
            //@ ghost double s0 = s;
#endif
            s = SG_ADD(s, p);
#ifdef SG_FL_ROUNDING
            //@ ghost sg_fl_dot_step(j, s0, p, s, xy, gd, ga);
            //@ assert err1: \abs(s - (gd + xy)) <= Gamma(j + 1) * (ga + \abs(xy)) + (j + 1) * Eta;
            //@ ghost gd = gd + xy;
            //@ ghost ga = ga + (xy >= 0.0 ? xy : -xy);
#endif
        }
#ifdef SG_FL_ROUNDING
        //@ assert row_err0: \abs(s - gd) <= Gamma(k) * ga + k * Eta;
        /*@ assert row: s == FlOutput{Pre}(H, v, k, i) &&
              gd == Output{Pre}(H, v, k, i) && ga == AbsOutput{Pre}(H, v, k, i); */
        //@ assert row_err: OutputErr{Pre}(H, v, k, i, s);
#endif
        f[i] = s;
    }
}

#ifdef SG_FL_ROUNDING
/* Lemma function of the rounding run (compiled only under SG_FL_ROUNDING,
 * i.e. only by Frama-C; never part of the program): E6's round-off bound
 * GradVErr holds for the logic value FlGradV of every cell j.  It is the
 * former j-outer sg_grad_v (each cell's reduction written out, with the
 * ghost exact sums gd, ga and one sg_fl_dot_step per term), storing
 * nothing (assigns \nothing): the bound is a fact about the inputs, so
 * sg_grad_v calls it once before its first store and itself only carries
 * the rounded values, cell by cell, sample-outer. */
/*@ requires sizes: 0 < n <= 1048576 && 0 <= k;
    requires index_nk: n * k <= LONG_MAX;
    requires no_overflow_r: \forall integer i; 0 <= i < n ==> \abs(r[i]) <= 0x1p500;
    requires no_overflow_H: \forall integer a; 0 <= a < n*k ==> \abs(H[a]) <= 0x1p500;
    requires valid_r: \valid_read(r + (0 .. n - 1));
    requires valid_H: \valid_read(H + (0 .. n*k - 1));
    assigns \nothing;
    ensures roundoff: \forall integer j; 0 <= j < k ==>
      GradVErr(r, H, n, k, j, FlGradV(r, H, n, k, j));
*/
void sg_grad_v_bound(int n, int k, const double *r, const double *H)
{
    double dn = (double)n;
    /*@ loop invariant j_range: -1 <= j < k;
        loop invariant roundoff: \forall integer b; j < b < k ==>
          GradVErr{Pre}(r, H, n, k, b, FlGradV{Pre}(r, H, n, k, b));
        loop assigns j;
        loop variant j + 1;
    */
    for (int j = k - 1; j >= 0; j--) {
        double acc = 0.0;
        //@ ghost double gd = 0.0;
        //@ ghost double ga = 0.0;
        /*@ loop invariant i_range: 0 <= i <= n;
            loop invariant value: acc == FlGvSum{Pre}(r, H, k, j, i);
            loop invariant sums: gd == GvSum{Pre}(r, H, k, j, i) && ga == AbsGvSum{Pre}(r, H, k, j, i);
            loop invariant absdot: \abs(gd) <= ga && ga <= i * 0x1p1000;
            loop invariant first: i == 0 ==> acc == 0.0 && gd == 0.0 && ga == 0.0;
            loop invariant err: \abs(acc - gd) <= Gamma(i) * ga + i * Eta;
            loop invariant mag: \abs(acc) <= 2.0 * ga + i * Eta;
            loop assigns i, acc, gd, ga;
            loop variant n - i;
        */
        for (int i = 0; i < n; i++) {
            //@ ghost sg_row_lemma(i, n, k);
            /*@ assert same: \let a = i*k + j; \let b = i;
                  H[a] == \at(H[a], Pre) && r[b] == \at(r[b], Pre); */
            /*@ assert next: \let a = i*k + j; \let b = i;
                  FlGvSum{Pre}(r, H, k, j, i + 1) ==
                  FlAdd(FlGvSum{Pre}(r, H, k, j, i), FlMul(\at(r[b], Pre), \at(H[a], Pre))) &&
                  GvSum{Pre}(r, H, k, j, i + 1) ==
                  GvSum{Pre}(r, H, k, j, i) + ExMul(\at(r[b], Pre), \at(H[a], Pre)) &&
                  AbsGvSum{Pre}(r, H, k, j, i + 1) ==
                  AbsGvSum{Pre}(r, H, k, j, i) + \abs(ExMul(\at(r[b], Pre), \at(H[a], Pre))); */
            //@ ghost double xy = r[i] * H[(long)i * k + j];
            //@ assert xy_now: \let a = i*k + j; \let b = i; xy == ExMul(r[b], H[a]);
            /*@ assert xy_pre: \let a = i*k + j; \let b = i;
                  ExMul(r[b], H[a]) == ExMul(\at(r[b], Pre), \at(H[a], Pre)); */
            //@ assert xy_abs: (xy >= 0.0 ? xy : -xy) == \abs(xy);
            //@ ghost sg_fl_prodmag(r[i], H[(long)i * k + j]);
            double p = SG_MUL(r[i], H[(long)i * k + j]);
            //@ ghost double s0 = acc;
            acc = SG_ADD(acc, p);
            //@ ghost sg_fl_dot_step(i, s0, p, acc, xy, gd, ga);
            //@ assert err1: \abs(acc - (gd + xy)) <= Gamma(i + 1) * (ga + \abs(xy)) + (i + 1) * Eta;
            //@ ghost gd = gd + xy;
            //@ ghost ga = ga + (xy >= 0.0 ? xy : -xy);
        }
        //@ assert pos: dn == n && dn >= 1.0;
        //@ ghost double gam = (double)n * 0x1p-53 / (1.0 - (double)n * 0x1p-53);
        //@ ghost sg_fl_gamma_step(n - 1);
        //@ assert gam_is: gam == Gamma(n) && 0.0 <= gam && gam <= 1.0;
        //@ assert s_err: \abs(acc - gd) <= gam * ga + n * Eta;
        //@ ghost sg_fl_mono(gam, 1.0, ga);
        //@ assert s_mag: \abs(acc) <= 2.0 * ga + n * Eta && ga <= n * 0x1p1000;
        //@ ghost sg_fl_divshrink(acc, dn);
        //@ assert q_mag: \abs(acc / dn) <= Fl_max;
        double g = SG_DIV(acc, dn);
        //@ assert q_err: \abs(g - acc / dn) <= Rel1 * \abs(g) + Eta;
        //@ ghost sg_fl_divdist(acc, gd, dn);
        //@ ghost double ge = acc - gd >= 0.0 ? acc - gd : gd - acc;
        //@ ghost double gb = gam * ga + (double)n * 0x1p-1074;
        //@ assert ge_is: ge == \abs(acc - gd) && ge <= gb;
        //@ ghost sg_fl_divmono(ge, gb, dn);
        //@ assert e_err: \abs(acc / dn - gd / dn) <= gb / dn;
        /*@ assert cell: \let b = j;
              gd == GvSum{Pre}(r, H, k, b, n) && ga == AbsGvSum{Pre}(r, H, k, b, n) &&
              acc == FlGvSum{Pre}(r, H, k, b, n) && g == FlGradV{Pre}(r, H, n, k, b); */
        //@ assert cell_err: \let b = j; GradVErr{Pre}(r, H, n, k, b, g);
    }
}
#endif

/* gv[j] <- (sum_i r[i] H[i][j]) / n
 * Sample by sample (one pass over H, by rows): all k cells of gv advance
 * together, gv[j] += r[i] * H[i][j] for j = 0..k-1, a contiguous loop that
 * vectorises (the j-outer order read H by column, strided).  Every cell is
 * still accumulated (in gv itself) from 0.0 over i = 0..n-1 in increasing
 * order with the same two roundings per term (the product r[i]*H[i][j],
 * then the sum) and divided by n once, so the result is bit-identical to
 * empirical.h and to the former j-outer loop (tests/test_fast_kernels.c).
 * Proof shape (as sg_grad_W, without the flat index: gv is indexed by j):
 * the cells are carried through GvSum{Pre} (partial sums over the first i
 * samples) with the split "below j: i + 1 samples, from j on: i samples".
 * The rounding run carries the rounded values FlGvSum{Pre} and their
 * magnitudes (<= i 2^1001, for the no-overflow premises) and takes the
 * round-off bound GradVErr from the lemma function sg_grad_v_bound above,
 * called before the first store, when the memory is still Pre's. */
SG_VECTOR_CLONES
void sg_grad_v(int n, int k, const double *r, const double *H, double *gv)
{
#ifdef SG_FL_ROUNDING
    sg_grad_v_bound(n, k, r, H);
#endif
    double dn = (double)n;
#ifdef SG_FL_ROUNDING
    /*@ loop invariant j_range: Upto(j, k);
        loop invariant zero: \forall integer b; 0 <= b < j ==> gv[b] == FlGvSum{Pre}(r, H, k, b, 0);
        loop assigns j, gv[0 .. k - 1];
        loop variant k - j;
    */
#else
    /*@ loop invariant j_range: 0 <= j <= k;
        loop invariant zero: \forall integer b; 0 <= b < j ==> gv[b] == GvSum{Pre}(r, H, k, b, 0);
        loop assigns j, gv[0 .. k - 1];
        loop variant k - j;
    */
#endif
    for (int j = 0; j < k; j++)
        gv[j] = 0.0;
#ifdef SG_FL_ROUNDING
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant sums: \forall integer b; 0 <= b < k ==> gv[b] == FlGvSum{Pre}(r, H, k, b, i);
        loop invariant mag: \forall integer b; 0 <= b < k ==>
          \abs(FlGvSum{Pre}(r, H, k, b, i)) <= i * 0x1p1001;
        loop assigns i, gv[0 .. k - 1];
        loop variant n - i;
    */
#else
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant sums: \forall integer b; 0 <= b < k ==> gv[b] == GvSum{Pre}(r, H, k, b, i);
        loop assigns i, gv[0 .. k - 1];
        loop variant n - i;
    */
#endif
    for (int i = 0; i < n; i++) {
        //@ ghost sg_row_lemma(i, n, k);
        double ri = r[i];
        //@ assert same_r: \let c = i; ri == \at(r[c], Pre);
#ifdef SG_FL_ROUNDING
        /*@ loop invariant j_range: 0 <= j <= k;
            loop invariant advanced: \forall integer b; 0 <= b < j ==> gv[b] == FlGvSum{Pre}(r, H, k, b, i + 1);
            loop invariant pending: \forall integer b; j <= b < k ==> gv[b] == FlGvSum{Pre}(r, H, k, b, i);
            loop invariant mag_adv: \forall integer b; 0 <= b < j ==>
              \abs(FlGvSum{Pre}(r, H, k, b, i + 1)) <= (i * 0x1p1001 + 0x1p1001);
            loop invariant mag: \forall integer b; 0 <= b < k ==>
              \abs(FlGvSum{Pre}(r, H, k, b, i)) <= i * 0x1p1001;
            loop assigns j, gv[0 .. k - 1];
            loop variant k - j;
        */
#else
        /*@ loop invariant j_range: 0 <= j <= k;
            loop invariant advanced: \forall integer b; 0 <= b < j ==> gv[b] == GvSum{Pre}(r, H, k, b, i + 1);
            loop invariant pending: \forall integer b; j <= b < k ==> gv[b] == GvSum{Pre}(r, H, k, b, i);
            loop assigns j, gv[0 .. k - 1];
            loop variant k - j;
        */
#endif
        for (int j = 0; j < k; j++) {
            double h = H[(long)i * k + j];
            //@ assert same_h: \let a = i*k + j; h == \at(H[a], Pre);
#ifdef SG_FL_ROUNDING
            /*@ assert next: \let a = i*k + j; \let c = i;
                  FlGvSum{Pre}(r, H, k, j, i + 1) ==
                  FlAdd(FlGvSum{Pre}(r, H, k, j, i), FlMul(\at(r[c], Pre), \at(H[a], Pre))); */
            //@ assert h_idx: \let a = i*k + j; 0 <= a < n*k;
            //@ assert h_pre: \let a = i*k + j; \abs(\at(H[a], Pre)) <= 0x1p500;
            //@ assert h_mag: \abs(h) <= 0x1p500;
            //@ assert r_mag: \let c = i; \abs(\at(r[c], Pre)) <= 0x1p500 && \abs(ri) <= 0x1p500;
            //@ ghost sg_fl_prodmag(ri, h);
#else
            /*@ assert next: \let a = i*k + j; \let c = i;
                  GvSum{Pre}(r, H, k, j, i + 1) ==
                  GvSum{Pre}(r, H, k, j, i) + \at(r[c] * H[a], Pre); */
#endif
            double p = SG_MUL(ri, h);
#ifdef SG_FL_ROUNDING
            /*@ assert term: \let a = i*k + j; \let c = i;
                  p == FlMul(\at(r[c], Pre), \at(H[a], Pre)); */
            //@ assert p_mag: \abs(p) <= 0x1p1000 + 0x1p948;
            /*@ assert old: \let b = j;
                  gv[b] == FlGvSum{Pre}(r, H, k, b, i) && \abs(gv[b]) <= i * 0x1p1001; */
            //@ ghost double s0 = gv[j];
#else
            //@ assert term: \let a = i*k + j; \let c = i; p == \at(r[c], Pre) * \at(H[a], Pre);
            /*@ assert on: \let b = j;
                  gv[b] + p == GvSum{Pre}(r, H, k, b, i + 1); */
#endif
            gv[j] = SG_ADD(gv[j], p);
#ifdef SG_FL_ROUNDING
            /*@ assert on: \let b = j;
                  gv[b] == FlAdd(s0, p) && gv[b] == FlGvSum{Pre}(r, H, k, b, i + 1); */
            /*@ assert on_mag: \let b = j;
                  \abs(FlGvSum{Pre}(r, H, k, b, i + 1)) <= (i * 0x1p1001 + 0x1p1001); */
#endif
        }
    }
#ifdef SG_FL_ROUNDING
    //@ assert pos: dn == n && dn >= 1.0;
    /*@ loop invariant j_range: 0 <= j <= k;
        loop invariant done: \forall integer b; 0 <= b < j ==> gv[b] == FlGradV{Pre}(r, H, n, k, b);
        loop invariant todo: \forall integer b; j <= b < k ==> gv[b] == FlGvSum{Pre}(r, H, k, b, n);
        loop invariant mag: \forall integer b; 0 <= b < k ==>
          \abs(FlGvSum{Pre}(r, H, k, b, n)) <= n * 0x1p1001;
        loop assigns j, gv[0 .. k - 1];
        loop variant k - j;
    */
#else
    /*@ loop invariant j_range: 0 <= j <= k;
        loop invariant done: \forall integer b; 0 <= b < j ==> gv[b] == GradV{Pre}(r, H, n, k, b);
        loop invariant todo: \forall integer b; j <= b < k ==> gv[b] == GvSum{Pre}(r, H, k, b, n);
        loop assigns j, gv[0 .. k - 1];
        loop variant k - j;
    */
#endif
    for (int j = 0; j < k; j++) {
#ifdef SG_FL_ROUNDING
        /*@ assert cell: \let b = j; gv[b] == FlGvSum{Pre}(r, H, k, b, n) &&
              \abs(gv[b]) <= n * 0x1p1001; */
        //@ ghost sg_fl_divshrink(gv[j], dn);
        //@ assert q_mag: \let b = j; \abs(gv[b] / dn) <= Fl_max;
#else
        /*@ assert unfold: \let b = j;
              GradV{Pre}(r, H, n, k, b) == GvSum{Pre}(r, H, k, b, n) / n; */
        //@ assert cell: \let b = j; gv[b] == GvSum{Pre}(r, H, k, b, n) && dn == n;
#endif
        gv[j] = SG_DIV(gv[j], dn);
#ifndef SG_FL_ROUNDING
        //@ assert stored: \let b = j; gv[b] == GradV{Pre}(r, H, n, k, b);
#endif
    }
}

/* gW[j][l] <- (sum_{i : Z[i][j] > 0} (r[i] v[j]) X[i][l]) / n
 * Sample by sample (one pass over X, by rows), and for an active (i, j) the
 * d cells of row j of gW advance together: gW[j][l] += t * X[i][l] with
 * t = r[i]*v[j] rounded first.  Every cell is still accumulated (in gW
 * itself) from 0.0 over the active i in increasing order with the same
 * roundings and divided by n once, so the result is bit-identical to
 * empirical.h; the branch is per (i, j), not per term, and the l loop is a
 * contiguous axpy that vectorises.
 * Proof shape: every cell is carried at its flat index q = j*d + l through
 * GwSumq (partial sums over the first i samples), with the contiguous split
 * "q below the current cell: i + 1 samples, from it on: i samples"; so no
 * product or division of variables appears under a quantifier.
 * sg_divmod_lemma gives (j*d + l) / d == j at each cell; an inactive (i, j)
 * extends the split over row j by a ghost loop (nothing is computed). */
SG_VECTOR_CLONES
void sg_grad_W(int n, int d, int k, const double *X, const double *Z,
               const double *r, const double *v, double *gW)
{
    double dn = (double)n;
    long kd = (long)k * d;
#ifdef SG_FL_ROUNDING
    /*@ loop invariant q_range: 0 <= q <= k*d;
        loop invariant zero: \forall integer a; 0 <= a < q ==>
          gW[a] == FlGwSumq{Pre}(X, Z, r, v, d, k, a, 0);
        loop assigns q, gW[0 .. k*d - 1];
        loop variant k*d - q;
    */
#else
    /*@ loop invariant q_range: 0 <= q <= k*d;
        loop invariant zero: \forall integer a; 0 <= a < q ==>
          gW[a] == GwSumq{Pre}(X, Z, r, v, d, k, a, 0);
        loop assigns q, gW[0 .. k*d - 1];
        loop variant k*d - q;
    */
#endif
    for (long q = 0; q < kd; q++)
        gW[q] = 0.0;
#ifdef SG_FL_ROUNDING
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant sums: \forall integer q; 0 <= q < k*d ==>
          gW[q] == FlGwSumq{Pre}(X, Z, r, v, d, k, q, i);
        loop invariant mag: \forall integer q; 0 <= q < k*d ==>
          \abs(FlGwSumq{Pre}(X, Z, r, v, d, k, q, i)) <= i * 0x1p903;
        loop assigns i, gW[0 .. k*d - 1];
        loop variant n - i;
    */
#else
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant sums: \forall integer q; 0 <= q < k*d ==>
          gW[q] == GwSumq{Pre}(X, Z, r, v, d, k, q, i);
        loop assigns i, gW[0 .. k*d - 1];
        loop variant n - i;
    */
#endif
    for (int i = 0; i < n; i++) {
        //@ ghost sg_row_lemma(i, n, k);
        //@ ghost sg_row_lemma(i, n, d);
#ifdef SG_FL_ROUNDING
        /*@ loop invariant j_range: 0 <= j <= k;
            loop invariant advanced: \forall integer q; 0 <= q < j*d ==>
              gW[q] == FlGwSumq{Pre}(X, Z, r, v, d, k, q, i + 1);
            loop invariant pending: \forall integer q; j*d <= q < k*d ==>
              gW[q] == FlGwSumq{Pre}(X, Z, r, v, d, k, q, i);
            loop invariant mag_adv: \forall integer q; 0 <= q < j*d ==>
              \abs(FlGwSumq{Pre}(X, Z, r, v, d, k, q, i + 1)) <= (i * 0x1p903 + 0x1p903);
            loop invariant mag: \forall integer q; 0 <= q < k*d ==>
              \abs(FlGwSumq{Pre}(X, Z, r, v, d, k, q, i)) <= i * 0x1p903;
            loop assigns j, gW[0 .. k*d - 1];
            loop variant k - j;
        */
#else
        /*@ loop invariant j_range: 0 <= j <= k;
            loop invariant advanced: \forall integer q; 0 <= q < j*d ==>
              gW[q] == GwSumq{Pre}(X, Z, r, v, d, k, q, i + 1);
            loop invariant pending: \forall integer q; j*d <= q < k*d ==>
              gW[q] == GwSumq{Pre}(X, Z, r, v, d, k, q, i);
            loop assigns j, gW[0 .. k*d - 1];
            loop variant k - j;
        */
#endif
        for (int j = 0; j < k; j++) {
            //@ ghost sg_row_lemma(j, k, d);
            //@ ghost sg_next_row_lemma(j, d);
            /*@ assert same: \let a = i*k + j; \let c = i; \let e = j;
                  Z[a] == \at(Z[a], Pre) && r[c] == \at(r[c], Pre) && v[e] == \at(v[e], Pre); */
            if (Z[(long)i * k + j] > 0.0) {
#ifdef SG_FL_ROUNDING
                //@ ghost sg_fl_prodle(r[i], v[j], 0x1p300, 0x1p300);
#endif
                double t = SG_MUL(r[i], v[j]);
#ifdef SG_FL_ROUNDING
                //@ assert term_t: \let c = i; \let e = j; t == FlMul(\at(r[c], Pre), \at(v[e], Pre));
                //@ assert t_mag: \abs(t) <= 0x1p601;
                /*@ loop invariant l_range: 0 <= l <= d;
                    loop invariant advanced: \forall integer q; 0 <= q < j*d + l ==>
                      gW[q] == FlGwSumq{Pre}(X, Z, r, v, d, k, q, i + 1);
                    loop invariant pending: \forall integer q; j*d + l <= q < k*d ==>
                      gW[q] == FlGwSumq{Pre}(X, Z, r, v, d, k, q, i);
                    loop invariant mag_adv: \forall integer q; 0 <= q < j*d + l ==>
                      \abs(FlGwSumq{Pre}(X, Z, r, v, d, k, q, i + 1)) <= (i * 0x1p903 + 0x1p903);
                    loop invariant mag: \forall integer q; 0 <= q < k*d ==>
                      \abs(FlGwSumq{Pre}(X, Z, r, v, d, k, q, i)) <= i * 0x1p903;
                    loop assigns l, gW[j*d .. j*d + d - 1];
                    loop variant d - l;
                */
#else
                //@ assert term_t: \let c = i; \let e = j; t == \at(r[c], Pre) * \at(v[e], Pre);
                /*@ loop invariant l_range: 0 <= l <= d;
                    loop invariant advanced: \forall integer q; 0 <= q < j*d + l ==>
                      gW[q] == GwSumq{Pre}(X, Z, r, v, d, k, q, i + 1);
                    loop invariant pending: \forall integer q; j*d + l <= q < k*d ==>
                      gW[q] == GwSumq{Pre}(X, Z, r, v, d, k, q, i);
                    loop assigns l, gW[j*d .. j*d + d - 1];
                    loop variant d - l;
                */
#endif
                for (int l = 0; l < d; l++) {
                    //@ ghost sg_divmod_lemma(j, l, d);
                    double x = X[(long)i * d + l];
                    //@ assert same_x: \let b = i*d + l; x == \at(X[b], Pre);
#ifdef SG_FL_ROUNDING
                    /*@ assert cell: \let q = j*d + l;
                          FlGwSumq{Pre}(X, Z, r, v, d, k, q, i) == FlGwSum{Pre}(X, Z, r, v, d, k, j, l, i) &&
                          FlGwSumq{Pre}(X, Z, r, v, d, k, q, i + 1) ==
                          FlGwSum{Pre}(X, Z, r, v, d, k, j, l, i + 1); */
                    /*@ assert next_on: \let b = i*d + l; \let c = i; \let e = j;
                          FlGwSum{Pre}(X, Z, r, v, d, k, j, l, i + 1) ==
                          FlAdd(FlGwSum{Pre}(X, Z, r, v, d, k, j, l, i),
                                FlMul(FlMul(\at(r[c], Pre), \at(v[e], Pre)), \at(X[b], Pre))); */
                    //@ ghost sg_fl_prodle(t, x, 0x1p601, 0x1p300);
#else
                    /*@ assert cell: \let q = j*d + l;
                          GwSumq{Pre}(X, Z, r, v, d, k, q, i) == GwSum{Pre}(X, Z, r, v, d, k, j, l, i) &&
                          GwSumq{Pre}(X, Z, r, v, d, k, q, i + 1) ==
                          GwSum{Pre}(X, Z, r, v, d, k, j, l, i + 1); */
                    /*@ assert next_on: \let b = i*d + l; \let c = i; \let e = j;
                          GwSum{Pre}(X, Z, r, v, d, k, j, l, i + 1) ==
                          GwSum{Pre}(X, Z, r, v, d, k, j, l, i) +
                          (\at(r[c], Pre) * \at(v[e], Pre)) * \at(X[b], Pre); */
#endif
                    double p = SG_MUL(t, x);
#ifdef SG_FL_ROUNDING
                    /*@ assert term_p: \let b = i*d + l; \let c = i; \let e = j;
                          p == FlMul(FlMul(\at(r[c], Pre), \at(v[e], Pre)), \at(X[b], Pre)); */
                    //@ assert p_mag: \abs(p) <= 0x1p902;
                    /*@ assert old_q: \let q = j*d + l;
                          gW[q] == FlGwSumq{Pre}(X, Z, r, v, d, k, q, i) && \abs(gW[q]) <= i * 0x1p903; */
                    /*@ assert old_cell: \let q = j*d + l;
                          gW[q] == FlGwSum{Pre}(X, Z, r, v, d, k, j, l, i); */
                    //@ ghost double s0 = gW[(long)j * d + l];
#else
                    //@ assert term_p: \let b = i*d + l; p == t * \at(X[b], Pre);
                    /*@ assert old_q: \let q = j*d + l;
                          gW[q] == GwSumq{Pre}(X, Z, r, v, d, k, q, i); */
                    /*@ assert old_cell: \let q = j*d + l;
                          gW[q] == GwSum{Pre}(X, Z, r, v, d, k, j, l, i); */
                    /*@ assert on: \let q = j*d + l;
                          gW[q] + p == GwSumq{Pre}(X, Z, r, v, d, k, q, i + 1); */
#endif
                    gW[(long)j * d + l] = SG_ADD(gW[(long)j * d + l], p);
#ifdef SG_FL_ROUNDING
                    /*@ assert on: \let q = j*d + l;
                          gW[q] == FlAdd(s0, p) &&
                          gW[q] == FlGwSumq{Pre}(X, Z, r, v, d, k, q, i + 1); */
                    /*@ assert on_mag: \let q = j*d + l;
                          \abs(FlGwSumq{Pre}(X, Z, r, v, d, k, q, i + 1)) <= (i * 0x1p903 + 0x1p903); */
#endif
                }
            } else {
#ifdef SG_FL_ROUNDING
                /*@ ghost
                  /@ loop invariant l_range: 0 <= l <= d;
                     loop invariant unchanged: \forall integer q; j*d <= q < j*d + l ==>
                       FlGwSumq{Pre}(X, Z, r, v, d, k, q, i + 1) ==
                       FlGwSumq{Pre}(X, Z, r, v, d, k, q, i);
                     loop assigns l;
                     loop variant d - l;
                  @/
                  for (int l = 0; l < d; l++) {
                      sg_divmod_lemma(j, l, d);
                      /@ assert next_off: \let a = i*k + j;
                           !(\at(Z[a], Pre) > 0.0) &&
                           FlGwSum{Pre}(X, Z, r, v, d, k, j, l, i + 1) ==
                           FlGwSum{Pre}(X, Z, r, v, d, k, j, l, i); @/
                  }
                */
#else
                /*@ ghost
                  /@ loop invariant l_range: 0 <= l <= d;
                     loop invariant unchanged: \forall integer q; j*d <= q < j*d + l ==>
                       GwSumq{Pre}(X, Z, r, v, d, k, q, i + 1) ==
                       GwSumq{Pre}(X, Z, r, v, d, k, q, i);
                     loop assigns l;
                     loop variant d - l;
                  @/
                  for (int l = 0; l < d; l++) {
                      sg_divmod_lemma(j, l, d);
                      /@ assert next_off: \let a = i*k + j;
                           !(\at(Z[a], Pre) > 0.0) &&
                           GwSum{Pre}(X, Z, r, v, d, k, j, l, i + 1) ==
                           GwSum{Pre}(X, Z, r, v, d, k, j, l, i); @/
                  }
                */
#endif
            }
        }
    }
#ifdef SG_FL_ROUNDING
    //@ assert pos: dn == n && dn >= 1.0;
    /*@ loop invariant q_range: 0 <= q <= k*d;
        loop invariant done: \forall integer a; 0 <= a < q ==>
          gW[a] == FlGradWq{Pre}(X, Z, r, v, n, d, k, a);
        loop invariant todo: \forall integer a; q <= a < k*d ==>
          gW[a] == FlGwSumq{Pre}(X, Z, r, v, d, k, a, n);
        loop invariant mag: \forall integer a; 0 <= a < k*d ==>
          \abs(FlGwSumq{Pre}(X, Z, r, v, d, k, a, n)) <= n * 0x1p903;
        loop assigns q, gW[0 .. k*d - 1];
        loop variant k*d - q;
    */
#else
    /*@ loop invariant q_range: 0 <= q <= k*d;
        loop invariant done: \forall integer a; 0 <= a < q ==>
          gW[a] == GradWq{Pre}(X, Z, r, v, n, d, k, a);
        loop invariant todo: \forall integer a; q <= a < k*d ==>
          gW[a] == GwSumq{Pre}(X, Z, r, v, d, k, a, n);
        loop assigns q, gW[0 .. k*d - 1];
        loop variant k*d - q;
    */
#endif
    for (long q = 0; q < kd; q++) {
#ifdef SG_FL_ROUNDING
        /*@ assert unfold: FlGradWq{Pre}(X, Z, r, v, n, d, k, q) ==
              FlDiv(FlGwSumq{Pre}(X, Z, r, v, d, k, q, n), n); */
        /*@ assert cell: gW[q] == FlGwSumq{Pre}(X, Z, r, v, d, k, q, n) &&
              \abs(gW[q]) <= n * 0x1p903; */
        //@ ghost sg_fl_divshrink(gW[q], dn);
        //@ assert q_mag: \abs(gW[q] / dn) <= Fl_max;
#else
        /*@ assert unfold: GradWq{Pre}(X, Z, r, v, n, d, k, q) ==
              GwSumq{Pre}(X, Z, r, v, d, k, q, n) / n; */
        //@ assert cell: gW[q] == GwSumq{Pre}(X, Z, r, v, d, k, q, n);
#endif
        gW[q] = SG_DIV(gW[q], dn);
    }
}
