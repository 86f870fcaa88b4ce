/* empirical.c -- forward pass, residual, loss, gradients and GD update.
 * The operation order is documented in empirical.h and is part of the
 * contract: the MPFR shadow and the round-off bounds are derived from it.
 *
 * The ACSL annotations (loop invariants, ghost code) only serve the proofs
 * (proofs/README.md); ghost code is not compiled.  Two ghost devices recur:
 *  - row lemmas: i < n ==> i*d + d <= n*d, a non-linear fact the provers
 *    find once in a tiny lemma function but not inside a big goal;
 *  - frame loops: a ghost loop proving Dot{Pre}(x, y, l) == Dot{Here}(x, y, l)
 *    by induction on l, because a kernel that has written its output since
 *    Pre calls sg_dot in a different memory state, and SMT provers do not
 *    do the induction that equates the two recursive sums. */
#include "empirical.h"
#include "dot.h"

/*@ ghost
  /@ requires 0 <= i < n && 0 <= d;
     assigns \nothing;
     ensures row_first: 0 <= i * d;
     ensures row_last: i * d + d <= n * d;
  @/
  void sg_row_lemma(long i, long n, long d) { }
*/

/*@ ghost
  /@ requires 0 <= i && 0 <= j < k;
     assigns \nothing;
     ensures div: (i * k + j) / k == i;
  @/
  void sg_divmod_lemma(long i, long j, long k) { }
*/

/*@ ghost
  /@ requires 0 <= i && 0 <= k;
     assigns \nothing;
     ensures next_row: (i + 1) * k == i * k + k;
  @/
  void sg_next_row_lemma(long i, long k) { }
*/

double sg_relu(double z)
{
    return z > 0.0 ? z : 0.0;
}

/* Z[i][j] <- w_j . x_i ; H[i][j] <- max(Z[i][j], 0)
 * The dot product is written out (same operations, same order as sg_dot):
 * a call to sg_dot after the first store would make WP compare Dot in two
 * memory states, which needs an induction the provers cannot do.
 * Invariants use the flat index q = i*k + j (row q / k, column
 * q - (q / k) * k): quantifying over q keeps products out of the quantified
 * formulas, where the provers would have to match i*k against k*i. */
void sg_forward(int n, int d, int k, const double *X, const double *W,
                double *Z, double *H)
{
    /*@ loop invariant i_range: 0 <= row <= n;
        loop invariant z_done: \forall integer q; 0 <= q < row*k ==>
          Z[q] == PreAct{Pre}(X, W, d, q / k, q - (q / k) * k);
        loop invariant h_done: \forall integer q; 0 <= q < row*k ==>
          H[q] == Relu(Z[q]);
        loop assigns row, Z[0 .. n*k - 1], H[0 .. n*k - 1];
        loop variant n - row;
    */
    for (int row = 0; row < n; row++) {
        //@ ghost sg_row_lemma(row, n, d);
        //@ ghost sg_row_lemma(row, n, k);
        //@ ghost sg_next_row_lemma(row, k);
        /*@ loop invariant j_range: 0 <= j <= k;
            loop invariant z_done: \forall integer q; 0 <= q < row*k + j ==>
              Z[q] == PreAct{Pre}(X, W, d, q / k, q - (q / k) * k);
            loop invariant h_done: \forall integer q; 0 <= q < row*k + j ==>
              H[q] == Relu(Z[q]);
            loop assigns j, Z[row*k .. row*k + k - 1], H[row*k .. row*k + k - 1];
            loop variant k - j;
        */
        for (int j = 0; j < k; j++) {
            //@ ghost sg_row_lemma(j, k, d);
            //@ ghost sg_divmod_lemma(row, j, k);
            double z = 0.0;
            /*@ loop invariant l_range: 0 <= l <= d;
                loop invariant partial: z == Dot{Pre}(X + row*d, W + j*d, l);
                loop assigns l, z;
                loop variant d - l;
            */
            for (int l = 0; l < d; l++) {
                /*@ assert same: \let a = row*d + l; \let b = j*d + l;
                      X[a] == \at(X[a], Pre) && W[b] == \at(W[b], Pre); */
                /*@ assert next: \let a = row*d + l; \let b = j*d + l;
                      Dot{Pre}(X + row*d, W + j*d, l + 1) ==
                      Dot{Pre}(X + row*d, W + j*d, l) + \at(X[a] * W[b], Pre); */
                double p = X[(long)row * d + l] * W[(long)j * d + l];
                z = z + p;
            }
            Z[(long)row * k + j] = z;
            H[(long)row * k + j] = sg_relu(z);
        }
    }
}

/* f[i] <- sum_j H[i][j] v[j]  (sg_dot written out, see sg_forward) */
void sg_output(int n, int k, const double *H, const double *v, double *f)
{
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant done: \forall integer a; 0 <= a < i ==> f[a] == Output{Pre}(H, v, k, a);
        loop assigns i, f[0 .. n - 1];
        loop variant n - i;
    */
    for (int i = 0; i < n; i++) {
        //@ ghost sg_row_lemma(i, n, k);
        double s = 0.0;
        /*@ loop invariant j_range: 0 <= j <= k;
            loop invariant partial: s == Dot{Pre}(H + i*k, v, j);
            loop assigns j, s;
            loop variant k - j;
        */
        for (int j = 0; j < k; j++) {
            /*@ assert same: \let a = i*k + j; \let b = j;
                  H[a] == \at(H[a], Pre) && v[b] == \at(v[b], Pre); */
            /*@ assert next: \let a = i*k + j; \let b = j;
                  Dot{Pre}(H + i*k, v, j + 1) == Dot{Pre}(H + i*k, v, j) + \at(H[a] * v[b], Pre); */
            double p = H[(long)i * k + j] * v[j];
            s = s + p;
        }
        f[i] = s;
    }
}

/* r[i] <- f[i] - y[i] */
void sg_residual(int n, const double *f, const double *y, double *r)
{
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant done: \forall integer a; 0 <= a < i ==> r[a] == Residual{Pre}(f, y, a);
        loop assigns i, r[0 .. n - 1];
        loop variant n - i;
    */
    for (int i = 0; i < n; i++)
        r[i] = f[i] - y[i];
}

/* L <- (sum_i r[i]^2) / (2n) */
double sg_loss(int n, const double *r)
{
    double s = sg_dot(n, r, r);
    double two_n = 2.0 * (double)n;
    return s / two_n;
}

/* gv[j] <- (sum_i r[i] H[i][j]) / n */
void sg_grad_v(int n, int k, const double *r, const double *H, double *gv)
{
    /*@ loop invariant j_range: 0 <= j <= k;
        loop invariant zero: \forall integer b; 0 <= b < j ==> gv[b] == GvSum{Pre}(r, H, k, b, 0);
        loop assigns j, gv[0 .. k - 1];
        loop variant k - j;
    */
    for (int j = 0; j < k; j++)
        gv[j] = 0.0;
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant partial: \forall integer b; 0 <= b < k ==> gv[b] == GvSum{Pre}(r, H, k, b, i);
        loop assigns i, gv[0 .. k - 1];
        loop variant n - i;
    */
    for (int i = 0; i < n; i++) {
        //@ ghost sg_row_lemma(i, n, k);
        /*@ loop invariant j_range: 0 <= j <= k;
            loop invariant added: \forall integer b; 0 <= b < j ==> gv[b] == GvSum{Pre}(r, H, k, b, i + 1);
            loop invariant pending: \forall integer b; j <= b < k ==> gv[b] == GvSum{Pre}(r, H, k, b, i);
            loop assigns j, gv[0 .. k - 1];
            loop variant k - j;
        */
        for (int j = 0; j < k; j++) {
            /*@ assert next: GvSum{Pre}(r, H, k, j, i + 1) ==
                  GvSum{Pre}(r, H, k, j, i) + r[i] * H[i*k + j]; */
            double p = r[i] * H[(long)i * k + j];
            gv[j] = gv[j] + p;
        }
    }
    double dn = (double)n;
    /*@ loop invariant j_range: 0 <= j <= k;
        loop invariant scaled: \forall integer b; 0 <= b < j ==> gv[b] == GradV{Pre}(r, H, n, k, b);
        loop invariant pending: \forall integer b; j <= b < k ==> gv[b] == GvSum{Pre}(r, H, k, b, n);
        loop assigns j, gv[0 .. k - 1];
        loop variant k - j;
    */
    for (int j = 0; j < k; j++)
        gv[j] = gv[j] / dn;
}

/* gW[j][l] <- (sum_{i : Z[i][j] > 0} (r[i] v[j]) X[i][l]) / n
 * Loop order j, l, i: every cell is still accumulated from 0.0 over the
 * active i in increasing order, with the same roundings (t = r[i]*v[j]
 * first, then t*X[i][l], then the sum), and divided by n once, so the
 * result is bit-identical to the i-outer order documented in empirical.h.
 * Each cell is written once, which keeps the proof's frame simple. */
void sg_grad_W(int n, int d, int k, const double *X, const double *Z,
               const double *r, const double *v, double *gW)
{
    double dn = (double)n;
    /*@ loop invariant j_range: 0 <= j <= k;
        loop invariant done: \forall integer q; 0 <= q < j*d ==>
          gW[q] == GradW{Pre}(X, Z, r, v, n, d, k, q / d, q - (q / d) * d);
        loop assigns j, gW[0 .. k*d - 1];
        loop variant k - j;
    */
    for (int j = 0; j < k; j++) {
        //@ ghost sg_row_lemma(j, k, d);
        //@ ghost sg_next_row_lemma(j, d);
        /*@ loop invariant l_range: 0 <= l <= d;
            loop invariant done: \forall integer q; 0 <= q < j*d + l ==>
              gW[q] == GradW{Pre}(X, Z, r, v, n, d, k, q / d, q - (q / d) * d);
            loop assigns l, gW[j*d .. j*d + d - 1];
            loop variant d - l;
        */
        for (int l = 0; l < d; l++) {
            //@ ghost sg_divmod_lemma(j, l, d);
            double acc = 0.0;
            /*@ loop invariant i_range: 0 <= i <= n;
                loop invariant partial: acc == GwSum{Pre}(X, Z, r, v, d, k, j, l, i);
                loop assigns i, acc;
                loop variant n - i;
            */
            for (int i = 0; i < n; i++) {
                //@ ghost sg_row_lemma(i, n, k);
                //@ ghost sg_row_lemma(i, n, d);
                if (Z[(long)i * k + j] > 0.0) {
                    double t = r[i] * v[j];
                    double p = t * X[(long)i * d + l];
                    acc = acc + p;
                }
            }
            gW[(long)j * d + l] = acc / dn;
        }
    }
}

/* theta[i] <- theta[i] - mu g[i] */
void sg_gd_update(int m, double mu, const double *g, double *theta)
{
    /*@ loop invariant i_range: 0 <= i <= m;
        loop invariant done: \forall integer a; 0 <= a < i ==>
          theta[a] == Step(\at(theta[a], Pre), mu, g[a]);
        loop invariant todo: \forall integer a; i <= a < m ==> theta[a] == \at(theta[a], Pre);
        loop assigns i, theta[0 .. m - 1];
        loop variant m - i;
    */
    for (int i = 0; i < m; i++) {
        double s = mu * g[i];
        theta[i] = theta[i] - s;
    }
}
