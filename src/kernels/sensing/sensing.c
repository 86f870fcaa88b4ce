/* sensing.c -- Model B kernels: product, residual, loss, adjoint, gradients.
 * The operation order is documented in sensing.h and is part of the
 * contract: the MPFR shadow (src/shadow/sensing/) and the round-off bounds
 * (specs/roundoff.md, Model B) are derived from it.
 *
 * Proof devices (ghost, not compiled), as in kernels/relu/empirical.c:
 *  - row lemmas: i < n ==> i*d + d <= n*d, a non-linear fact the provers
 *    find once in a tiny lemma function but not inside a big goal;
 *  - dot products are written out (a call of sg_dot after a store would
 *    make WP compare the recursive sum in two memory states);
 *  - loops that write a matrix count down, so the done-range of the flat
 *    index q is contiguous and no product sits under a quantifier. */
#include "kernels/sensing/sensing.h"
#include "kernels/dot.h"

/*@ ghost
  /@ requires 0 <= i < n && 0 <= d;
     assigns \nothing;
     ensures row_first: 0 <= i * d;
     ensures row_last: i * d + d <= n * d;
  @/
  void sg_sens_row_lemma(long i, long n, long d) { }
*/

/*@ ghost
  /@ requires 0 <= i && 0 <= k;
     assigns \nothing;
     ensures next_row: (i + 1) * k == i * k + k;
  @/
  void sg_sens_next_row_lemma(long i, long k) { }
*/

/*@ ghost
  /@ requires 0 <= j && 0 <= l < d;
     assigns \nothing;
     ensures row: Row(j*d + l, d) == j;
     ensures col: Col(j*d + l, d) == l;
  @/
  void sg_sens_divmod_lemma(long j, long l, long d) { }
*/

/* P[a][b] <- U_a . V_b  (j left to right); a and b visited from the last */
void sg_sens_product(int n1, int n2, int k, const double *U, const double *V, double *P)
{
    /*@ loop invariant a_range: -1 <= a < n1;
        loop invariant done: \forall integer q; (a + 1) * n2 <= q < n1*n2 ==>
          P[q] == Prodq{Pre}(U, V, k, n2, q);
        loop assigns a, P[0 .. n1*n2 - 1];
        loop variant a + 1;
    */
    for (int a = n1 - 1; a >= 0; a--) {
        //@ ghost sg_sens_row_lemma(a, n1, k);
        //@ ghost sg_sens_row_lemma(a, n1, n2);
        //@ ghost sg_sens_next_row_lemma(a, n2);
        /*@ loop invariant b_range: -1 <= b < n2;
            loop invariant done: \forall integer q; a*n2 + b + 1 <= q < n1*n2 ==>
              P[q] == Prodq{Pre}(U, V, k, n2, q);
            loop assigns b, P[a*n2 .. a*n2 + n2 - 1];
            loop variant b + 1;
        */
        for (int b = n2 - 1; b >= 0; b--) {
            //@ ghost sg_sens_row_lemma(b, n2, k);
            double s = 0.0;
            /*@ loop invariant j_range: 0 <= j <= k;
                loop invariant partial: s == RowDot{Pre}(U, a*k, V, b*k, j);
                loop assigns j, s;
                loop variant k - j;
            */
            for (int j = 0; j < k; j++) {
                /*@ assert same: \let x = a*k + j; \let z = b*k + j;
                      U[x] == \at(U[x], Pre) && V[z] == \at(V[z], Pre); */
                /*@ assert next: \let x = a*k + j; \let z = b*k + j;
                      RowDot{Pre}(U, a*k, V, b*k, j + 1) ==
                      RowDot{Pre}(U, a*k, V, b*k, j) + \at(U[x] * V[z], Pre); */
                double p = U[(long)a * k + j] * V[(long)b * k + j];
                s = s + p;
            }
            //@ assert cell: s == Prod{Pre}(U, V, k, a, b);
            //@ ghost sg_sens_divmod_lemma(a, b, n2);
            //@ assert cell_q: s == Prodq{Pre}(U, V, k, n2, a*n2 + b);
            P[(long)a * n2 + b] = s;
        }
    }
}

/* res[i] <- (A_i . P) * c - y[i]  (q left to right) */
void sg_sens_residual(int m, int N, const double *A, const double *P, const double *y,
                      double c, double *res)
{
    /*@ loop invariant i_range: 0 <= i <= m;
        loop invariant done: \forall integer e; 0 <= e < i ==>
          res[e] == SensRes{Pre}(A, P, y, N, c, e);
        loop assigns i, res[0 .. m - 1];
        loop variant m - i;
    */
    for (int i = 0; i < m; i++) {
        //@ ghost sg_sens_row_lemma(i, m, N);
        double s = 0.0;
        /*@ loop invariant q_range: 0 <= q <= N;
            loop invariant partial: s == RowDot{Pre}(A, i*N, P, 0, q);
            loop assigns q, s;
            loop variant N - q;
        */
        for (int q = 0; q < N; q++) {
            /*@ assert same: \let x = i*N + q; \let z = q;
                  A[x] == \at(A[x], Pre) && P[z] == \at(P[z], Pre); */
            /*@ assert next: \let x = i*N + q; \let z = q;
                  RowDot{Pre}(A, i*N, P, 0, q + 1) ==
                  RowDot{Pre}(A, i*N, P, 0, q) + \at(A[x] * P[z], Pre); */
            double p = A[(long)i * N + q] * P[q];
            s = s + p;
        }
        //@ assert same_y: \let e = i; y[e] == \at(y[e], Pre);
        //@ assert meas: s == Meas{Pre}(A, P, N, i);
        double t = s * c;
        //@ assert cell: \let e = i; t - y[e] == SensRes{Pre}(A, P, y, N, c, e);
        res[i] = t - y[i];
    }
}

/* 1/2 sum res^2: one sg_dot, then the (exact) halving */
double sg_sens_loss(int m, const double *res)
{
    double s = sg_dot(m, res, res);
    return 0.5 * s;
}

/* M[q] <- (sum_i res[i] A[i][q]) * c
 * Visiting order i outer, q inner over N running sums (the rows of A are
 * read contiguously); every M[q] is still accumulated from 0.0 over
 * i = 0..m-1 in increasing order and scaled by c once, as in sensing.h. */
void sg_sens_adjoint(int m, int N, const double *A, const double *res, double c, double *M)
{
    /*@ loop invariant q_range: 0 <= q <= N;
        loop invariant zero: \forall integer e; 0 <= e < q ==>
          M[e] == AdjSum{Pre}(res, A, N, e, 0);
        loop assigns q, M[0 .. N - 1];
        loop variant N - q;
    */
    for (int q = 0; q < N; q++)
        M[q] = 0.0;
    /*@ loop invariant i_range: 0 <= i <= m;
        loop invariant partial: \forall integer e; 0 <= e < N ==>
          M[e] == AdjSum{Pre}(res, A, N, e, i);
        loop assigns i, M[0 .. N - 1];
        loop variant m - i;
    */
    for (int i = 0; i < m; i++) {
        //@ ghost sg_sens_row_lemma(i, m, N);
        /*@ loop invariant q_range: 0 <= q <= N;
            loop invariant done: \forall integer e; 0 <= e < q ==>
              M[e] == AdjSum{Pre}(res, A, N, e, i + 1);
            loop invariant todo: \forall integer e; q <= e < N ==>
              M[e] == AdjSum{Pre}(res, A, N, e, i);
            loop assigns q, M[0 .. N - 1];
            loop variant N - q;
        */
        for (int q = 0; q < N; q++) {
            /*@ assert same: \let x = i*N + q; \let z = i;
                  A[x] == \at(A[x], Pre) && res[z] == \at(res[z], Pre); */
            /*@ assert next: \let x = i*N + q; \let z = i;
                  AdjSum{Pre}(res, A, N, q, i + 1) ==
                  AdjSum{Pre}(res, A, N, q, i) + \at(res[z] * A[x], Pre); */
            double p = res[i] * A[(long)i * N + q];
            M[q] = M[q] + p;
        }
    }
    /*@ loop invariant q_range: 0 <= q <= N;
        loop invariant done: \forall integer e; 0 <= e < q ==>
          M[e] == Adj{Pre}(res, A, N, c, e, m);
        loop invariant todo: \forall integer e; q <= e < N ==>
          M[e] == AdjSum{Pre}(res, A, N, e, m);
        loop assigns q, M[0 .. N - 1];
        loop variant N - q;
    */
    for (int q = 0; q < N; q++)
        M[q] = M[q] * c;
}

/* GU[a][j] <- sum_b M[a][b] V[b][j]  (b left to right; a, j from the last) */
void sg_sens_grad_U(int n1, int n2, int k, const double *M, const double *V, double *GU)
{
    /*@ loop invariant a_range: -1 <= a < n1;
        loop invariant done: \forall integer q; (a + 1) * k <= q < n1*k ==>
          GU[q] == GUq{Pre}(M, V, n2, k, q);
        loop assigns a, GU[0 .. n1*k - 1];
        loop variant a + 1;
    */
    for (int a = n1 - 1; a >= 0; a--) {
        //@ ghost sg_sens_row_lemma(a, n1, k);
        //@ ghost sg_sens_row_lemma(a, n1, n2);
        //@ ghost sg_sens_next_row_lemma(a, k);
        /*@ loop invariant j_range: -1 <= j < k;
            loop invariant done: \forall integer q; a*k + j + 1 <= q < n1*k ==>
              GU[q] == GUq{Pre}(M, V, n2, k, q);
            loop assigns j, GU[a*k .. a*k + k - 1];
            loop variant j + 1;
        */
        for (int j = k - 1; j >= 0; j--) {
            double s = 0.0;
            /*@ loop invariant b_range: 0 <= b <= n2;
                loop invariant partial: s == GuSum{Pre}(M, V, n2, k, a, j, b);
                loop assigns b, s;
                loop variant n2 - b;
            */
            for (int b = 0; b < n2; b++) {
                //@ ghost sg_sens_row_lemma(b, n2, k);
                /*@ assert same: \let x = a*n2 + b; \let z = b*k + j;
                      M[x] == \at(M[x], Pre) && V[z] == \at(V[z], Pre); */
                /*@ assert next: \let x = a*n2 + b; \let z = b*k + j;
                      GuSum{Pre}(M, V, n2, k, a, j, b + 1) ==
                      GuSum{Pre}(M, V, n2, k, a, j, b) + \at(M[x] * V[z], Pre); */
                double p = M[(long)a * n2 + b] * V[(long)b * k + j];
                s = s + p;
            }
            //@ assert cell: s == GuSum{Pre}(M, V, n2, k, a, j, n2);
            //@ ghost sg_sens_divmod_lemma(a, j, k);
            //@ assert cell_q: s == GUq{Pre}(M, V, n2, k, a*k + j);
            GU[(long)a * k + j] = s;
        }
    }
}

/* GV[b][j] <- sum_a M[a][b] U[a][j]  (a left to right; b, j from the last) */
void sg_sens_grad_V(int n1, int n2, int k, const double *M, const double *U, double *GV)
{
    /*@ loop invariant b_range: -1 <= b < n2;
        loop invariant done: \forall integer q; (b + 1) * k <= q < n2*k ==>
          GV[q] == GVq{Pre}(M, U, n1, n2, k, q);
        loop assigns b, GV[0 .. n2*k - 1];
        loop variant b + 1;
    */
    for (int b = n2 - 1; b >= 0; b--) {
        //@ ghost sg_sens_row_lemma(b, n2, k);
        //@ ghost sg_sens_next_row_lemma(b, k);
        /*@ loop invariant j_range: -1 <= j < k;
            loop invariant done: \forall integer q; b*k + j + 1 <= q < n2*k ==>
              GV[q] == GVq{Pre}(M, U, n1, n2, k, q);
            loop assigns j, GV[b*k .. b*k + k - 1];
            loop variant j + 1;
        */
        for (int j = k - 1; j >= 0; j--) {
            double s = 0.0;
            /*@ loop invariant a_range: 0 <= a <= n1;
                loop invariant partial: s == GvtSum{Pre}(M, U, n2, k, b, j, a);
                loop assigns a, s;
                loop variant n1 - a;
            */
            for (int a = 0; a < n1; a++) {
                //@ ghost sg_sens_row_lemma(a, n1, k);
                //@ ghost sg_sens_row_lemma(a, n1, n2);
                /*@ assert same: \let x = a*n2 + b; \let z = a*k + j;
                      M[x] == \at(M[x], Pre) && U[z] == \at(U[z], Pre); */
                /*@ assert next: \let x = a*n2 + b; \let z = a*k + j;
                      GvtSum{Pre}(M, U, n2, k, b, j, a + 1) ==
                      GvtSum{Pre}(M, U, n2, k, b, j, a) + \at(M[x] * U[z], Pre); */
                double p = M[(long)a * n2 + b] * U[(long)a * k + j];
                s = s + p;
            }
            //@ assert cell: s == GvtSum{Pre}(M, U, n2, k, b, j, n1);
            //@ ghost sg_sens_divmod_lemma(b, j, k);
            //@ assert cell_q: s == GVq{Pre}(M, U, n1, n2, k, b*k + j);
            GV[(long)b * k + j] = s;
        }
    }
}
