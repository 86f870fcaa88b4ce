/* data.c -- Gaussian design, planted linear labels, targets. */
#include "kernels/data.h"
#include "kernels/dot.h"
#include "kernels/geometry.h"

void sg_data_gaussian(sg_rng *rng, int n, int d, double *X)
{
    /*@ loop invariant q_range: 0 <= q <= n*d;
        loop invariant written: \initialized(X + (0 .. q - 1));
        loop assigns q, *rng, X[0 .. n*d - 1], errno;
        loop variant n*d - q;
    */
    /* the draw passes through a local: WP's initialisation model does not
       take a call's result as initialised when it is stored directly */
    for (long q = 0; q < (long)n * d; q++) {
        double g = sg_rng_normal(rng);
        X[q] = g;
    }
}

/*@ ghost
  /@ requires 0 <= i < n && 0 <= d;
     assigns \nothing;
     ensures row: 0 <= i * d && i * d + d <= n * d;
  @/
  void sg_data_row_lemma(long i, long n, long d) { }
*/

void sg_labels(int n, int d, const double *X, const double *a, double *y)
{
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant done: \forall integer q; 0 <= q < i ==> y[q] == RowDot{Pre}(X, q*d, a, 0, d);
        loop assigns i, y[0 .. n - 1];
        loop variant n - i;
    */
    for (int i = 0; i < n; i++) {
        //@ ghost sg_data_row_lemma(i, n, d);
        /* sg_dot(d, X + i*d, a) written out, the same operations in the
           same order (s = 0, then s + x_l a_l for l = 0..d-1): a call would
           return the sum in the memory after the stores into y, which the
           provers cannot equate with the sum at Pre (empirical.c's kernels
           do the same, its header comment) */
        double s = 0.0;
        /*@ loop invariant l_range: 0 <= l <= d;
            loop invariant partial: s == RowDot{Pre}(X, i*d, a, 0, l);
            loop assigns l, s;
            loop variant d - l;
        */
        for (int l = 0; l < d; l++) {
            /*@ assert same: \let q = i*d + l; \let b = l;
                  X[q] == \at(X[q], Pre) && a[b] == \at(a[b], Pre); */
            /*@ assert next: \let q = i*d + l; \let b = l;
                  RowDot{Pre}(X, i*d, a, 0, l + 1) ==
                  RowDot{Pre}(X, i*d, a, 0, l) + \at(X[q] * a[b], Pre); */
            double p = SG_MUL(X[(long)i * d + l], a[l]);
            s = SG_ADD(s, p);
        }
        y[i] = s;
    }
}

void sg_target_e1(int d, double *a)
{
    /*@ loop invariant l_range: 0 <= l <= d;
        loop assigns l, a[0 .. d - 1];
        loop variant d - l;
    */
    for (int l = 0; l < d; l++)
        a[l] = 0.0;
    a[0] = 1.0;
}

/* a[l] <- a[l] / nrm for l = 0..d-1, in that order: sg_target_random's
   normalisation in a function of its own, so that the contract can name
   the values before the division (\old).  Written inline after the
   redraw loop, the same invariant did not prove (Z3 Unknown, CVC4/CVC5
   timeouts at 20 s): its memory there is four nested havocs of the loop's
   calls, which the provers unfold with the product's non-linearity. */
/*@ requires size: 0 <= d;
    requires valid_a: \valid(a + (0 .. d - 1));
    requires nonzero: nrm != 0.0;
    assigns a[0 .. d - 1];
    ensures scaled: \forall integer l; 0 <= l < d ==> a[l] == \old(a[l]) / nrm;
*/
static void sg_div_by(int d, double *a, double nrm)
{
    /*@ loop invariant l_range: 0 <= l <= d;
        loop invariant scaled: \forall integer j; 0 <= j < l ==> a[j] == \at(a[j], Pre) / nrm;
        loop invariant rest: \forall integer j; l <= j < d ==> a[j] == \at(a[j], Pre);
        loop assigns l, a[0 .. d - 1];
        loop variant d - l;
    */
    for (int l = 0; l < d; l++)
        a[l] = a[l] / nrm;
}

void sg_target_random(sg_rng *rng, int d, double *a)
{
    double nrm;
    int left = SG_REJECT_TRIES;
    /*@ loop invariant tries: 0 <= left <= SG_REJECT_TRIES;
        loop assigns nrm, left, *rng, a[0 .. d - 1], errno;
        loop variant left;
    */
    do {
        left--;
        /*@ loop invariant l_range: 0 <= l <= d;
            loop assigns l, *rng, a[0 .. d - 1], errno;
            loop variant d - l;
        */
        for (int l = 0; l < d; l++)
            a[l] = sg_rng_normal(rng);
        nrm = sg_norm(d, a);
    } while (nrm == 0.0 && left > 0); /* probability zero; keeps the division safe */
    /* SG_REJECT_TRIES zero vectors in a row (rng.h: never reached): e_1 */
    if (nrm == 0.0) {
        sg_target_e1(d, a);
        nrm = 1.0;
    }
    sg_div_by(d, a, nrm);
}
