/* multi_init.c -- the multi-output targets and initial states (see multi_init.h).
 * Proved (make proofs): memory safety, no integer overflow, the assigned
 * locations; the distributions are tested (tests/test_multi.c). */
#include "kernels/relu/multi_init.h"
#include "kernels/dot.h"
#include "kernels/geometry.h"
#include <math.h>

/*@ ghost
  /@ requires 0 <= i < n && 0 <= d;
     assigns \nothing;
     ensures row: 0 <= i * d && i * d + d <= n * d;
  @/
  void sg_minit_row_lemma(long i, long n, long d) { }
*/

/* u <- a uniform unit vector of R^m (m normals over their norm) */
/*@ requires size: 1 <= m;
    requires valid_rng: \valid(rng);
    requires valid_u: \valid(u + (0 .. m - 1));
    requires sep: \separated(rng, u + (0 .. m - 1));
    assigns *rng, u[0 .. m - 1], errno;
*/
static void unit_vector(sg_rng *rng, int m, double *u)
{
    double nrm;
    int left = SG_REJECT_TRIES;
    /*@ loop invariant tries: 0 <= left <= SG_REJECT_TRIES;
        loop assigns nrm, left, *rng, u[0 .. m - 1], errno;
        loop variant left;
    */
    do {
        left--;
        /*@ loop invariant l_range: 0 <= l <= m;
            loop assigns l, *rng, u[0 .. m - 1], errno;
            loop variant m - l;
        */
        for (int l = 0; l < m; l++)
            u[l] = sg_rng_normal(rng);
        nrm = sg_norm(m, u);
    } while (nrm <= 0.0 && nrm >= 0.0 && left > 0); /* nrm == 0.0 (population.c's form for WP) */
    /* SG_REJECT_TRIES zero vectors in a row (rng.h: never reached): e_1 */
    if (nrm <= 0.0 && nrm >= 0.0) {
        /*@ loop invariant l_range: 0 <= l <= m;
            loop assigns l, u[0 .. m - 1];
            loop variant m - l;
        */
        for (int l = 0; l < m; l++)
            u[l] = l == 0 ? 1.0 : 0.0;
        nrm = 1.0;
    }
    /*@ loop invariant l_range: 0 <= l <= m;
        loop assigns l, u[0 .. m - 1];
        loop variant m - l;
    */
    for (int l = 0; l < m; l++)
        u[l] = u[l] / nrm;
}

/*@ requires size: 0 <= d;
    requires valid_rng: \valid(rng);
    requires valid_w: \valid(w + (0 .. d - 1));
    requires sep: \separated(rng, w + (0 .. d - 1));
    assigns *rng, w[0 .. d - 1], errno;
*/
static void gaussian_row(sg_rng *rng, int d, double scale, double *w)
{
    /*@ loop invariant l_range: 0 <= l <= d;
        loop assigns l, *rng, w[0 .. d - 1], errno;
        loop variant d - l;
    */
    for (int l = 0; l < d; l++)
        w[l] = scale * sg_rng_normal(rng);
}

/* M (rows x cols, row-major) <- scale * N(0, 1), row by row */
/*@ requires sizes: 0 <= rows && 0 <= cols && rows * cols <= LONG_MAX;
    requires valid_rng: \valid(rng);
    requires valid_M: \valid(M + (0 .. rows*cols - 1));
    requires sep: \separated(rng, M + (0 .. rows*cols - 1));
    assigns *rng, M[0 .. rows*cols - 1], errno;
*/
static void gaussian_matrix(sg_rng *rng, int rows, int cols, double scale, double *M)
{
    /*@ loop invariant i_range: 0 <= i <= rows;
        loop assigns i, *rng, M[0 .. rows*cols - 1], errno;
        loop variant rows - i;
    */
    for (int i = 0; i < rows; i++) {
        //@ ghost sg_minit_row_lemma(i, rows, cols);
        gaussian_row(rng, cols, scale, M + (long)i * cols);
    }
}

void sg_mtarget_e(int r, int d, double *A)
{
    long rd = (long)r * d;
    /* one flat pass, entry q in row q / d, column q % d: the value
       postcondition is then a done-range over q (no products inside the
       quantifier, see empirical.c's notes on sg_forward) */
    /*@ loop invariant q_range: 0 <= q <= r*d;
        loop invariant done: \forall integer p; 0 <= p < q ==>
          A[p] == (p / d == p % d ? 1.0 : 0.0);
        loop assigns q, A[0 .. r*d - 1];
        loop variant r*d - q;
    */
    for (long q = 0; q < rd; q++) {
        long row = q / d, col = q % d;
        A[q] = (row == col) ? 1.0 : 0.0;
    }
}

void sg_mtarget_random(sg_rng *rng, int r, int d, double *A)
{
    /*@ loop invariant o_range: 0 <= o <= r;
        loop assigns o, *rng, A[0 .. r*d - 1], errno;
        loop variant r - o;
    */
    for (int o = 0; o < r; o++) {
        //@ ghost sg_minit_row_lemma(o, r, d);
        double *a = A + (long)o * d;
        /*@ loop assigns *rng, A[o*d .. o*d + d - 1], errno; */
        for (;;) {
            gaussian_row(rng, d, 1.0, a);
            double drawn = sg_norm(d, a);
            /* modified Gram-Schmidt against the rows already made orthonormal */
            /*@ loop invariant p_range: 0 <= p <= o;
                loop assigns p, A[o*d .. o*d + d - 1];
                loop variant o - p;
            */
            for (int p = 0; p < o; p++) {
                //@ ghost sg_minit_row_lemma(p, r, d);
                const double *b = A + (long)p * d;
                double c = sg_dot(d, a, b);
                /*@ loop invariant l_range: 0 <= l <= d;
                    loop assigns l, A[o*d .. o*d + d - 1];
                    loop variant d - l;
                */
                for (int l = 0; l < d; l++)
                    a[l] = a[l] - c * b[l];
            }
            double nrm = sg_norm(d, a);
            if (drawn > 0.0 && nrm > 1e-6 * drawn) {
                /*@ loop invariant l_range: 0 <= l <= d;
                    loop assigns l, A[o*d .. o*d + d - 1];
                    loop variant d - l;
                */
                for (int l = 0; l < d; l++)
                    a[l] = a[l] / nrm;
                break;
            }
        }
    }
}

void sg_minit_state(sg_init_kind kind, sg_rng *rng, int d, int k, int r, double sigma,
                    double *W, double *V, double *g, double *u)
{
    double s_theory = sigma / sqrt((double)d);
    switch (kind) {
    case SG_INIT_THEORY:
        /*@ loop invariant p_range: 0 <= p <= r;
            loop assigns p, *rng, u[0 .. r*r - 1], errno;
            loop variant r - p;
        */
        for (int p = 0; p < r; p++) {
            //@ ghost sg_minit_row_lemma(p, r, r);
            unit_vector(rng, r, u + (long)p * r);
        }
        /*@ loop invariant j_range: 0 <= j <= k;
            loop assigns j, *rng, W[0 .. k*d - 1], V[0 .. r*k - 1], g[0 .. d - 1], errno;
            loop variant k - j;
        */
        for (int j = 0; j < k; j++) {
            //@ ghost sg_minit_row_lemma(j, k, d);
            gaussian_row(rng, d, s_theory, W + (long)j * d);
            gaussian_row(rng, d, 1.0, g);
            double mag = s_theory * sg_norm(d, g);
            double s = ((j / r) % 2 == 0) ? mag : -mag;
            int pr = j % r; /* unit j's pair direction u_pr */
            //@ assert pr_range: 0 <= pr < r;
            //@ ghost sg_minit_row_lemma(pr, r, r);
            /*@ loop invariant o_range: 0 <= o <= r;
                loop assigns o, V[0 .. r*k - 1];
                loop variant r - o;
            */
            for (int o = 0; o < r; o++) {
                //@ ghost sg_minit_row_lemma(o, r, k);
                V[(long)o * k + j] = s * u[(long)pr * r + o];
            }
        }
        break;
    case SG_INIT_XAVIER: {
        double sw = sigma * sqrt(2.0 / (double)(k + d));
        double sv = sigma * sqrt(2.0 / (double)(r + k));
        gaussian_matrix(rng, k, d, sw, W); /* row by row */
        gaussian_matrix(rng, r, k, sv, V);
        break;
    }
    case SG_INIT_BALANCED:
        /*@ loop invariant j_range: 0 <= j <= k;
            loop assigns j, *rng, W[0 .. k*d - 1], V[0 .. r*k - 1], u[0 .. r*r - 1], errno;
            loop variant k - j;
        */
        for (int j = 0; j < k; j++) {
            //@ ghost sg_minit_row_lemma(j, k, d);
            gaussian_row(rng, d, s_theory, W + (long)j * d);
            double mag = sg_norm(d, W + (long)j * d);
            //@ ghost sg_minit_row_lemma(0, r, r);
            unit_vector(rng, r, u);
            /*@ loop invariant o_range: 0 <= o <= r;
                loop assigns o, V[0 .. r*k - 1];
                loop variant r - o;
            */
            for (int o = 0; o < r; o++) {
                //@ ghost sg_minit_row_lemma(o, r, k);
                V[(long)o * k + j] = mag * u[o];
            }
        }
        break;
    }
}
