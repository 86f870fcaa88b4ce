/* multi.c -- the multi-output network's kernels (see multi.h).
 * The operation order is part of the contract (multi.h): at r = 1 each
 * kernel performs its scalar counterpart's operations in empirical.c.
 * The proof devices are empirical.c's (row lemmas, flat-index invariants,
 * loops counting down so that done-ranges are contiguous); ghost code is
 * not compiled. */
#include "kernels/relu/multi.h"
#include "kernels/dot.h"
#include "kernels/relu/empirical.h"
#include "kernels/vector.h"

/*@ ghost
  /@ requires 0 <= i < n && 0 <= d;
     assigns \nothing;
     ensures row_first: 0 <= i * d;
     ensures row_last: i * d + d <= n * d;
  @/
  void sg_mrow_lemma(long i, long n, long d) { }
*/

/*@ ghost
  /@ requires 0 <= i && 0 <= k;
     assigns \nothing;
     ensures next_row: (i + 1) * k == i * k + k;
  @/
  void sg_mnext_row_lemma(long i, long k) { }
*/

/*@ ghost
  /@ requires 0 <= j && 0 <= l < d;
     assigns \nothing;
     ensures div: (j*d + l) / d == j;
  @/
  void sg_mdivmod_lemma(long j, long l, long d) { }
*/

void sg_mlabels(int n, int d, int r, const double *X, const double *A, double *Y)
{
    /*@ loop invariant i_range: 0 <= i <= n;
        loop assigns i, Y[0 .. n*r - 1];
        loop variant n - i;
    */
    for (int i = 0; i < n; i++) {
        //@ ghost sg_mrow_lemma(i, n, d);
        //@ ghost sg_mrow_lemma(i, n, r);
        /*@ loop invariant o_range: 0 <= o <= r;
            loop assigns o, Y[i*r .. i*r + r - 1];
            loop variant r - o;
        */
        for (int o = 0; o < r; o++) {
            //@ ghost sg_mrow_lemma(o, r, d);
            Y[(long)i * r + o] = sg_dot(d, X + (long)i * d, A + (long)o * d);
        }
    }
}

/* F[i][o] <- sum_j H[i][j] V[o][j]: sg_output's loop body (from 0.0, j left
   to right) for each output row V_o; rows and outputs visited from the last
   (every cell is independent) so that the done-range is contiguous. */
void sg_moutput(int n, int k, int r, const double *H, const double *V, double *F)
{
    /*@ loop invariant i_range: -1 <= row < n;
        loop invariant done: \forall integer q; (row + 1) * r <= q < n*r ==>
          F[q] == MOutputq{Pre}(H, V, k, r, q);
        loop assigns row, F[0 .. n*r - 1];
        loop variant row + 1;
    */
    for (int row = n - 1; row >= 0; row--) {
        //@ ghost sg_mrow_lemma(row, n, k);
        //@ ghost sg_mrow_lemma(row, n, r);
        //@ ghost sg_mnext_row_lemma(row, r);
        /*@ loop invariant o_range: -1 <= o < r;
            loop invariant done: \forall integer q; row*r + o + 1 <= q < n*r ==>
              F[q] == MOutputq{Pre}(H, V, k, r, q);
            loop assigns o, F[row*r .. row*r + r - 1];
            loop variant o + 1;
        */
        for (int o = r - 1; o >= 0; o--) {
            //@ ghost sg_mrow_lemma(o, r, k);
            double s = 0.0;
            /*@ loop invariant j_range: 0 <= j <= k;
                loop invariant partial: s == RowDot{Pre}(H, row*k, V, o*k, j);
                loop assigns j, s;
                loop variant k - j;
            */
            for (int j = 0; j < k; j++) {
                /*@ assert same: \let a = row*k + j; \let b = o*k + j;
                      H[a] == \at(H[a], Pre) && V[b] == \at(V[b], Pre); */
                /*@ assert next: \let a = row*k + j; \let b = o*k + j;
                      RowDot{Pre}(H, row*k, V, o*k, j + 1) ==
                      RowDot{Pre}(H, row*k, V, o*k, j) + \at(H[a] * V[b], Pre); */
                double p = H[(long)row * k + j] * V[(long)o * k + j];
                /*@ assert term: \let a = row*k + j; \let b = o*k + j;
                      p == \at(H[a], Pre) * \at(V[b], Pre); */
                s = s + p;
            }
            //@ assert cell: s == MOutput{Pre}(H, V, k, row, o);
            //@ ghost sg_mdivmod_lemma(row, o, r);
            //@ assert cell_q: s == MOutputq{Pre}(H, V, k, r, row*r + o);
            F[(long)row * r + o] = s;
        }
    }
}

/* (sum of the n*r squared residuals) / (2n): sg_loss with the length n*r */
double sg_mloss(int n, int r, const double *R)
{
    double s = sg_dot(n * r, R, R);
    double two_n = 2.0 * (double)n;
    return s / two_n;
}

/* gV[o][j] <- (sum_i R[i][o] H[i][j]) / n: sg_grad_v's loop for each
   output o (cells from the last, i left to right from 0.0, one division) */
void sg_mgrad_V(int n, int k, int r, const double *R, const double *H, double *gV)
{
    double dn = (double)n;
    /*@ loop invariant o_range: -1 <= o < r;
        loop invariant done: \forall integer q; (o + 1) * k <= q < r*k ==>
          gV[q] == MGradVq{Pre}(R, H, n, k, r, q);
        loop assigns o, gV[0 .. r*k - 1];
        loop variant o + 1;
    */
    for (int o = r - 1; o >= 0; o--) {
        //@ ghost sg_mrow_lemma(o, r, k);
        //@ ghost sg_mnext_row_lemma(o, k);
        /*@ loop invariant j_range: -1 <= j < k;
            loop invariant done: \forall integer q; o*k + j + 1 <= q < r*k ==>
              gV[q] == MGradVq{Pre}(R, H, n, k, r, q);
            loop assigns j, gV[o*k .. o*k + k - 1];
            loop variant j + 1;
        */
        for (int j = k - 1; j >= 0; j--) {
            double acc = 0.0;
            /*@ loop invariant i_range: 0 <= i <= n;
                loop invariant partial: acc == MGvSum{Pre}(R, H, k, r, o, j, i);
                loop assigns i, acc;
                loop variant n - i;
            */
            for (int i = 0; i < n; i++) {
                //@ ghost sg_mrow_lemma(i, n, k);
                //@ ghost sg_mrow_lemma(i, n, r);
                /*@ assert same: \let a = i*k + j; \let b = i*r + o;
                      H[a] == \at(H[a], Pre) && R[b] == \at(R[b], Pre); */
                /*@ assert next: \let a = i*k + j; \let b = i*r + o;
                      MGvSum{Pre}(R, H, k, r, o, j, i + 1) ==
                      MGvSum{Pre}(R, H, k, r, o, j, i) + \at(R[b] * H[a], Pre); */
                double p = R[(long)i * r + o] * H[(long)i * k + j];
                /*@ assert term: \let a = i*k + j; \let b = i*r + o;
                      p == \at(R[b], Pre) * \at(H[a], Pre); */
                acc = acc + p;
            }
            //@ assert cell: acc / n == MGradV{Pre}(R, H, n, k, r, o, j);
            //@ ghost sg_mdivmod_lemma(o, j, k);
            //@ assert cell_q: acc / n == MGradVq{Pre}(R, H, n, k, r, o*k + j);
            gV[(long)o * k + j] = acc / dn;
        }
    }
}

/* T[i][j] <- R[i][0] V[0][j] + ... + R[i][r-1] V[r-1][j], from the first
   product (r >= 1), so that T[i][j] = fl(r_i v_j) at r = 1 */
void sg_mbackprop(int n, int k, int r, const double *R, const double *V, double *T)
{
    /*@ loop invariant i_range: -1 <= row < n;
        loop invariant done: \forall integer q; (row + 1) * k <= q < n*k ==>
          T[q] == MBackq{Pre}(R, V, k, r, q);
        loop assigns row, T[0 .. n*k - 1];
        loop variant row + 1;
    */
    for (int row = n - 1; row >= 0; row--) {
        //@ ghost sg_mrow_lemma(row, n, k);
        //@ ghost sg_mrow_lemma(row, n, r);
        //@ ghost sg_mnext_row_lemma(row, k);
        /*@ loop invariant j_range: -1 <= j < k;
            loop invariant done: \forall integer q; row*k + j + 1 <= q < n*k ==>
              T[q] == MBackq{Pre}(R, V, k, r, q);
            loop assigns j, T[row*k .. row*k + k - 1];
            loop variant j + 1;
        */
        for (int j = k - 1; j >= 0; j--) {
            /*@ assert first: \let a = row*r; \let b = j;
                  R[a] == \at(R[a], Pre) && V[b] == \at(V[b], Pre); */
            double t = R[(long)row * r] * V[j];
            //@ assert one: t == MBack{Pre}(R, V, k, r, row, j, 1);
            /* vb = o*k + j: V[o][j] by a running offset (o*k with the loop
               counter o inside the index defeated the provers) */
            long vb = (long)k + j;
            /*@ loop invariant o_range: 1 <= o <= r;
                loop invariant offset: o < r ==> vb == o*k + j;
                loop invariant partial: t == MBack{Pre}(R, V, k, r, row, j, o);
                loop assigns o, t, vb;
                loop variant r - o;
            */
            for (int o = 1; o < r; o++) {
                //@ ghost sg_mrow_lemma(o, r, k);
                /*@ assert same: \let a = row*r + o; \let c = vb;
                      R[a] == \at(R[a], Pre) && V[c] == \at(V[c], Pre); */
                /*@ assert next: \let a = row*r + o; \let c = vb;
                      MBack{Pre}(R, V, k, r, row, j, o + 1) ==
                      MBack{Pre}(R, V, k, r, row, j, o) + \at(R[a] * V[c], Pre); */
                double p = R[(long)row * r + o] * V[vb];
                t = t + p;
                if (o + 1 < r) {
                    //@ ghost sg_mrow_lemma(o + 1, r, k);
                    //@ ghost sg_mnext_row_lemma(o, k);
                    vb = vb + k;
                }
            }
            //@ ghost sg_mdivmod_lemma(row, j, k);
            //@ assert cell_q: t == MBackq{Pre}(R, V, k, r, row*k + j);
            T[(long)row * k + j] = t;
        }
    }
}

/* gW[j][l] <- (sum_{i: Z[i][j] > 0} T[i][j] X[i][l]) / n: sg_grad_W's
   order (sample by sample, the d cells of row j advancing together, one
   division at the end) and its proof (empirical.c), with the rounded
   product r_i v_j read from T[i][j]. */
SG_VECTOR_CLONES
void sg_mgrad_W(int n, int d, int k, const double *X, const double *Z, const double *T,
                double *gW)
{
    double dn = (double)n;
    long kd = (long)k * d;
    /*@ loop invariant q_range: 0 <= q <= k*d;
        loop invariant zero: \forall integer a; 0 <= a < q ==>
          gW[a] == MGwSumq{Pre}(X, Z, T, d, k, a, 0);
        loop assigns q, gW[0 .. k*d - 1];
        loop variant k*d - q;
    */
    for (long q = 0; q < kd; q++)
        gW[q] = 0.0;
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant sums: \forall integer q; 0 <= q < k*d ==>
          gW[q] == MGwSumq{Pre}(X, Z, T, d, k, q, i);
        loop assigns i, gW[0 .. k*d - 1];
        loop variant n - i;
    */
    for (int i = 0; i < n; i++) {
        //@ ghost sg_mrow_lemma(i, n, k);
        //@ ghost sg_mrow_lemma(i, n, d);
        /*@ loop invariant j_range: 0 <= j <= k;
            loop invariant advanced: \forall integer q; 0 <= q < j*d ==>
              gW[q] == MGwSumq{Pre}(X, Z, T, d, k, q, i + 1);
            loop invariant pending: \forall integer q; j*d <= q < k*d ==>
              gW[q] == MGwSumq{Pre}(X, Z, T, d, k, q, i);
            loop assigns j, gW[0 .. k*d - 1];
            loop variant k - j;
        */
        for (int j = 0; j < k; j++) {
            //@ ghost sg_mrow_lemma(j, k, d);
            //@ ghost sg_mnext_row_lemma(j, d);
            /*@ assert same: \let a = i*k + j;
                  Z[a] == \at(Z[a], Pre) && T[a] == \at(T[a], Pre); */
            if (Z[(long)i * k + j] > 0.0) {
                double t = T[(long)i * k + j];
                //@ assert term_t: \let a = i*k + j; t == \at(T[a], Pre);
                /*@ loop invariant l_range: 0 <= l <= d;
                    loop invariant advanced: \forall integer q; 0 <= q < j*d + l ==>
                      gW[q] == MGwSumq{Pre}(X, Z, T, d, k, q, i + 1);
                    loop invariant pending: \forall integer q; j*d + l <= q < k*d ==>
                      gW[q] == MGwSumq{Pre}(X, Z, T, d, k, q, i);
                    loop assigns l, gW[j*d .. j*d + d - 1];
                    loop variant d - l;
                */
                for (int l = 0; l < d; l++) {
                    //@ ghost sg_mdivmod_lemma(j, l, d);
                    double x = X[(long)i * d + l];
                    //@ assert same_x: \let b = i*d + l; x == \at(X[b], Pre);
                    /*@ assert cell: \let q = j*d + l;
                          MGwSumq{Pre}(X, Z, T, d, k, q, i) == MGwSum{Pre}(X, Z, T, d, k, j, l, i) &&
                          MGwSumq{Pre}(X, Z, T, d, k, q, i + 1) ==
                          MGwSum{Pre}(X, Z, T, d, k, j, l, i + 1); */
                    /*@ assert next_on: \let b = i*d + l; \let a = i*k + j;
                          MGwSum{Pre}(X, Z, T, d, k, j, l, i + 1) ==
                          MGwSum{Pre}(X, Z, T, d, k, j, l, i) + \at(T[a], Pre) * \at(X[b], Pre); */
                    double p = t * x;
                    //@ assert term_p: \let b = i*d + l; p == t * \at(X[b], Pre);
                    /*@ assert old_q: \let q = j*d + l;
                          gW[q] == MGwSumq{Pre}(X, Z, T, d, k, q, i); */
                    /*@ assert old_cell: \let q = j*d + l;
                          gW[q] == MGwSum{Pre}(X, Z, T, d, k, j, l, i); */
                    /*@ assert on: \let q = j*d + l;
                          gW[q] + p == MGwSumq{Pre}(X, Z, T, d, k, q, i + 1); */
                    gW[(long)j * d + l] = gW[(long)j * d + l] + p;
                }
            } else {
                /*@ ghost
                  /@ loop invariant l_range: 0 <= l <= d;
                     loop invariant unchanged: \forall integer q; j*d <= q < j*d + l ==>
                       MGwSumq{Pre}(X, Z, T, d, k, q, i + 1) ==
                       MGwSumq{Pre}(X, Z, T, d, k, q, i);
                     loop assigns l;
                     loop variant d - l;
                  @/
                  for (int l = 0; l < d; l++) {
                      sg_mdivmod_lemma(j, l, d);
                      /@ assert next_off: \let a = i*k + j;
                           !(\at(Z[a], Pre) > 0.0) &&
                           MGwSum{Pre}(X, Z, T, d, k, j, l, i + 1) ==
                           MGwSum{Pre}(X, Z, T, d, k, j, l, i); @/
                  }
                */
            }
        }
    }
    /*@ loop invariant q_range: 0 <= q <= k*d;
        loop invariant done: \forall integer a; 0 <= a < q ==>
          gW[a] == MGradWq{Pre}(X, Z, T, n, d, k, a);
        loop invariant todo: \forall integer a; q <= a < k*d ==>
          gW[a] == MGwSumq{Pre}(X, Z, T, d, k, a, n);
        loop assigns q, gW[0 .. k*d - 1];
        loop variant k*d - q;
    */
    for (long q = 0; q < kd; q++) {
        /*@ assert unfold: MGradWq{Pre}(X, Z, T, n, d, k, q) ==
              MGwSumq{Pre}(X, Z, T, d, k, q, n) / n; */
        //@ assert cell: gW[q] == MGwSumq{Pre}(X, Z, T, d, k, q, n);
        gW[q] = gW[q] / dn;
    }
}

double sg_mpop_loss(int d, int k, int r, const double *A, const double *W, const double *V,
                    const sg_pop_ws *ws)
{
    /* o left to right from the first output's loss (bits of sg_pop_loss at r = 1) */
    double L = sg_pop_loss(d, k, A, W, V, ws);
    /*@ loop invariant o_range: 1 <= o <= r;
        loop assigns o, L, errno;
        loop variant r - o;
    */
    for (int o = 1; o < r; o++) {
        //@ ghost sg_mrow_lemma(o, r, d);
        //@ ghost sg_mrow_lemma(o, r, k);
        L = L + sg_pop_loss(d, k, A + (long)o * d, W, V + (long)o * k, ws);
    }
    return L;
}

void sg_mpop_grad(int d, int k, int r, const double *A, const double *W, const double *V,
                  const sg_pop_ws *ws, double *gW, double *gV, double *tmp)
{
    long kd = (long)k * d;
    /* output 0 writes gW itself (bits of sg_pop_grad at r = 1) */
    sg_pop_grad(d, k, A, W, V, ws, gW, gV);
    /*@ loop invariant o_range: 1 <= o <= r;
        loop assigns o, gW[0 .. k*d - 1], gV[0 .. r*k - 1], tmp[0 .. k*d - 1], errno;
        loop variant r - o;
    */
    for (int o = 1; o < r; o++) {
        //@ ghost sg_mrow_lemma(o, r, d);
        //@ ghost sg_mrow_lemma(o, r, k);
        sg_pop_grad(d, k, A + (long)o * d, W, V + (long)o * k, ws, tmp, gV + (long)o * k);
        /*@ loop invariant q_range: 0 <= q <= k*d;
            loop assigns q, gW[0 .. k*d - 1];
            loop variant k*d - q;
        */
        for (long q = 0; q < kd; q++)
            gW[q] = gW[q] + tmp[q];
    }
}
