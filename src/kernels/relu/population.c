/* population.c -- closed-form population loss and gradients (see population.h). */
#include "kernels/relu/population.h"
#include "kernels/dot.h"
#include "kernels/geometry.h"
#include <math.h>

/*@ ghost
  /@ requires 0 <= i < k && 0 <= j < k;
     assigns \nothing;
     ensures cell: 0 <= i * k + j < k * k;
  @/
  void sg_pop_idx_lemma(long i, long j, long k) { }
*/

/*@ ghost
  /@ requires 0 <= i < k && 0 <= d;
     assigns \nothing;
     ensures row: 0 <= i * d && i * d + d <= k * d;
  @/
  void sg_pop_row_lemma(long i, long k, long d) { }
*/

/* kappa(theta) = sin(theta) + (pi - theta) cos(theta) */
/*@ assigns errno;
    ensures value: \result == Kappa(t);
*/
static double kappa(double t)
{
    return sin(t) + (M_PI - t) * cos(t);
}

void sg_pop_geometry(int d, int k, const double *W, sg_pop_ws *ws)
{
    /*@ loop invariant i_range: 0 <= i <= k;
        loop assigns i, ws->norm[0 .. k - 1], errno;
        loop variant k - i;
    */
    for (int i = 0; i < k; i++) {
        //@ ghost sg_pop_row_lemma(i, k, d);
        ws->norm[i] = sg_norm(d, W + (long)i * d);
    }
    /*@ loop invariant i_range: 0 <= i <= k;
        loop assigns i, ws->theta[0 .. k*k - 1], errno;
        loop variant k - i;
    */
    for (int i = 0; i < k; i++) {
        //@ ghost sg_pop_idx_lemma(i, i, k);
        //@ ghost sg_pop_row_lemma(i, k, d);
        /* x == 0.0 written (x <= 0.0 && x >= 0.0), x != 0.0 as its negation:
         * the same on every double (NaN included); WP 25 translates a branch
         * on `x == 0.0` into a real/int comparison that Why3 rejects
         * (proofs/README.md, item a). */
        ws->theta[i * k + i] = (ws->norm[i] <= 0.0 && ws->norm[i] >= 0.0) ? M_PI / 2.0 : 0.0;
        /*@ loop invariant j_range: i + 1 <= j <= k;
            loop assigns j, ws->theta[0 .. k*k - 1], errno;
            loop variant k - j;
        */
        for (int j = i + 1; j < k; j++) {
            //@ ghost sg_pop_idx_lemma(i, j, k);
            //@ ghost sg_pop_idx_lemma(j, i, k);
            //@ ghost sg_pop_row_lemma(j, k, d);
            double t = sg_angle_n(d, W + (long)i * d, ws->norm[i],
                                  W + (long)j * d, ws->norm[j]);
            ws->theta[i * k + j] = t;
            ws->theta[j * k + i] = t;
        }
    }
}

double sg_pop_loss(int d, int k, const double *a, const double *W,
                   const double *v, const sg_pop_ws *ws)
{
    /* quad = sum_{i,j} v_i v_j |w_i||w_j| kappa(theta_ij), i then j */
    double quad = 0.0;
    /*@ loop invariant i_range: 0 <= i <= k;
        loop invariant quad_sum: quad == PopQuad(v, ws->norm, ws->theta, k, i);
        loop assigns i, quad, errno;
        loop variant k - i;
    */
    for (int i = 0; i < k; i++)
        /*@ loop invariant j_range: 0 <= j <= k;
            loop invariant quad_row: quad == PopQuad(v, ws->norm, ws->theta, k, i)
                                            + PopQuadRow(v, ws->norm, ws->theta, k, i, j);
            loop assigns j, quad, errno;
            loop variant k - j;
        */
        for (int j = 0; j < k; j++) {
            //@ ghost sg_pop_idx_lemma(i, j, k);
            double t = v[i] * v[j];
            t = t * (ws->norm[i] * ws->norm[j]);
            quad = quad + t * kappa(ws->theta[i * k + j]);
        }
    //@ assert quad_all: quad == PopQuad(v, ws->norm, ws->theta, k, k);
    double lin = 0.0;
    /*@ loop invariant i_range: 0 <= i <= k;
        loop invariant lin_sum: lin == PopLin(a, W, v, d, i);
        loop assigns i, lin;
        loop variant k - i;
    */
    for (int i = 0; i < k; i++) {
        //@ ghost sg_pop_row_lemma(i, k, d);
        lin = lin + v[i] * sg_dot(d, a, W + (long)i * d);
    }
    double aa = sg_dot(d, a, a);
    return quad / (4.0 * M_PI) - 0.5 * lin + 0.5 * aa;
}

/* The last step of dL/dw_i (population.h): with the accumulated
   gi = sum_j v_j (pi - theta_ij) wh_j |w_j|, si = ci / |w_i| and
   vi = v_i / (2 pi), gi[l] <- vi (si wi[l] + gi[l]) - v_i a[l] / 2, the
   same operations in the same order as written inline before.  A function
   of its own so that the contract can name gi before the update (\old):
   the value of this step is proved (the sign of the target term included);
   the accumulated gi and ci are not specified (proofs/README.md). */
/*@ requires size: 0 <= d;
    requires valid_gi: \valid(gi + (0 .. d - 1));
    requires valid_wi: \valid_read(wi + (0 .. d - 1));
    requires valid_a: \valid_read(a + (0 .. d - 1));
    requires sep: \separated(gi + (0 .. d - 1), wi + (0 .. d - 1), a + (0 .. d - 1));
    assigns gi[0 .. d - 1];
    ensures value: \forall integer l; 0 <= l < d ==>
      gi[l] == PopGradStep(vi, si, wi[l], \old(gi[l]), vh, a[l]);
*/
static void sg_pop_grad_row(int d, double *gi, const double *wi, const double *a,
                            double si, double vi, double vh)
{
    /*@ loop invariant l_range: 0 <= l <= d;
        loop invariant done: \forall integer q; 0 <= q < l ==>
          gi[q] == PopGradStep(vi, si, wi[q], \at(gi[q], Pre), vh, a[q]);
        loop invariant rest: \forall integer q; l <= q < d ==> gi[q] == \at(gi[q], Pre);
        loop assigns l, gi[0 .. d - 1];
        loop variant d - l;
    */
    for (int l = 0; l < d; l++) {
        double g = si * wi[l] + gi[l];
        gi[l] = vi * g - 0.5 * vh * a[l];
        /*@ assert this: \let q = l;
              gi[q] == PopGradStep(vi, si, wi[q], \at(gi[q], Pre), vh, a[q]); */
    }
}

void sg_pop_grad(int d, int k, const double *a, const double *W,
                 const double *v, const sg_pop_ws *ws, double *gW, double *gv)
{
    const double inv2pi = 1.0 / (2.0 * M_PI);
    /*@ loop invariant i_range: 0 <= i <= k;
        loop assigns i, gW[0 .. k*d - 1], gv[0 .. k - 1], errno;
        loop variant k - i;
    */
    for (int i = 0; i < k; i++) {
        //@ ghost sg_pop_row_lemma(i, k, d);
        const double *wi = W + (long)i * d;
        double *gi = gW + (long)i * d;
        double ni = ws->norm[i];
        /* dL/dw_i: accumulate the coefficient of wh_i and each wh_j term */
        double ci = 0.0; /* coefficient of wh_i: sum_j v_j |w_j| sin theta_ij */
        /*@ loop invariant l_range: 0 <= l <= d;
            loop assigns l, gi[0 .. d - 1];
            loop variant d - l;
        */
        for (int l = 0; l < d; l++)
            gi[l] = 0.0;
        double gvi = 0.0;
        /*@ loop invariant j_range: 0 <= j <= k;
            loop assigns j, ci, gvi, gi[0 .. d - 1], errno;
            loop variant k - j;
        */
        for (int j = 0; j < k; j++) {
            //@ ghost sg_pop_idx_lemma(i, j, k);
            //@ ghost sg_pop_row_lemma(j, k, d);
            double nj = ws->norm[j];
            double t = ws->theta[i * k + j];
            double vjnj = v[j] * nj;
            ci = ci + vjnj * sin(t);
            gvi = gvi + (vjnj * ni) * kappa(t);
            if (!(nj <= 0.0 && nj >= 0.0)) {
                /* (pi - theta_ij) wh_j = ((pi - theta_ij)/|w_j|) w_j */
                double cj = vjnj * ((M_PI - t) / nj);
                const double *wj = W + (long)j * d;
                /*@ loop invariant l_range: 0 <= l <= d;
                    loop assigns l, gi[0 .. d - 1];
                    loop variant d - l;
                */
                for (int l = 0; l < d; l++)
                    gi[l] = gi[l] + cj * wj[l];
            }
        }
        double si = !(ni <= 0.0 && ni >= 0.0) ? ci / ni : 0.0;
        double vi = v[i] * inv2pi;
        sg_pop_grad_row(d, gi, wi, a, si, vi, v[i]);
        gv[i] = gvi * inv2pi - 0.5 * sg_dot(d, a, wi);
    }
}
