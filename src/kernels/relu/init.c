/* init.c -- theory / xavier / balanced initial states (see init.h). */
#include "kernels/relu/init.h"
#include "kernels/geometry.h"
#include <math.h>

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

/*@ ghost
  /@ requires 0 <= j < k && 0 <= d;
     assigns \nothing;
     ensures row: 0 <= j * d && j * d + d <= k * d;
  @/
  void sg_init_row_lemma(long j, long k, long d) { }
*/

void sg_init_state(sg_init_kind kind, sg_rng *rng, int d, int k, double sigma,
                   double *W, double *v, double *g)
{
    double s_theory = sigma / sqrt((double)d);
    switch (kind) {
    case SG_INIT_THEORY:
        /*@ loop invariant j_range: 0 <= j <= k;
            loop invariant signs: sigma >= 0.0 ==> \forall integer i; 0 <= i < j ==>
              (i % 2 == 0 ? v[i] >= 0.0 : v[i] <= 0.0);
            loop assigns j, *rng, W[0 .. k*d - 1], v[0 .. k - 1], g[0 .. d - 1], errno;
            loop variant k - j;
        */
        for (int j = 0; j < k; j++) {
            //@ ghost sg_init_row_lemma(j, k, d);
            gaussian_row(rng, d, s_theory, W + (long)j * d);
            gaussian_row(rng, d, 1.0, g);
            double mag = s_theory * sg_norm(d, g);
            v[j] = (j % 2 == 0) ? mag : -mag;
        }
        break;
    case SG_INIT_XAVIER: {
        double sw = sigma * sqrt(2.0 / (double)(k + d));
        double sv = sigma * sqrt(2.0 / (double)(1 + k));
        /*@ loop invariant j_range: 0 <= j <= k;
            loop assigns j, *rng, W[0 .. k*d - 1], errno;
            loop variant k - j;
        */
        for (int j = 0; j < k; j++) {
            //@ ghost sg_init_row_lemma(j, k, d);
            gaussian_row(rng, d, sw, W + (long)j * d);
        }
        /*@ loop invariant j_range: 0 <= j <= k;
            loop assigns j, *rng, v[0 .. k - 1], errno;
            loop variant k - j;
        */
        for (int j = 0; j < k; j++)
            v[j] = sv * sg_rng_normal(rng);
        break;
    }
    case SG_INIT_BALANCED:
        /*@ loop invariant j_range: 0 <= j <= k;
            loop assigns j, *rng, W[0 .. k*d - 1], v[0 .. k - 1], errno;
            loop variant k - j;
        */
        for (int j = 0; j < k; j++) {
            //@ ghost sg_init_row_lemma(j, k, d);
            gaussian_row(rng, d, s_theory, W + (long)j * d);
            double mag = sg_norm(d, W + (long)j * d);
            v[j] = (sg_rng_next(rng) >> 63) ? -mag : mag;
        }
        break;
    }
}

const char *sg_init_name(sg_init_kind kind)
{
    switch (kind) {
    case SG_INIT_THEORY: return "theory";
    case SG_INIT_XAVIER: return "xavier";
    case SG_INIT_BALANCED: return "balanced";
    }
    return "?";
}
