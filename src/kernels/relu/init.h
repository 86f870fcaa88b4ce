/* init.h -- the three initialisations of design section 2.
 *
 *  theory   (Theorem 2): w_j ~ N(0, (sigma^2/d) I_d), |v_j| = sigma |g_j| / sqrt(d)
 *           with g_j ~ N(0, I_d) independent of w_j; signs alternate +, -, +, ...
 *           (k = 2 gives the theorem's (+, -); even k gives half +, half -).
 *  xavier   (the paper's experiments): W_jl ~ sigma N(0, 2/(k+d)),
 *           v_j ~ sigma N(0, 2/(1+k)), signs as drawn.
 *  balanced : w_j as in theory, v_j = s_j |w_j| with s_j = +-1 uniformly at
 *           random (the top bit of one 64-bit draw), so b_j = |w_j|^2 - v_j^2 = 0
 *           up to rounding.
 * Draw order from the init stream: theory draws w_0, g_0, w_1, g_1, ...;
 * xavier draws W row by row, then v; balanced draws w_j, then s_j, per j.
 */
#ifndef SG_INIT_H
#define SG_INIT_H

#include "kernels/rng.h"
#include <limits.h>

typedef enum { SG_INIT_THEORY = 0, SG_INIT_XAVIER, SG_INIT_BALANCED } sg_init_kind;

/* Fill W (k x d) and v (k).  g is scratch space of d doubles.
   Proved: memory safety, the assigned locations, and the theory
   initialisation's alternating signs (v_j >= 0 for even j, <= 0 for odd j,
   for sigma >= 0); the distributions are tested (tests/), not proved. */
/*@ requires sizes: 1 <= d && 0 <= k && k * d <= LONG_MAX && k + d <= INT_MAX;
    requires valid_rng: \valid(rng);
    requires valid_W: \valid(W + (0 .. k*d - 1));
    requires valid_v: \valid(v + (0 .. k - 1));
    requires valid_g: \valid(g + (0 .. d - 1));
    requires sep: \separated(rng, W + (0 .. k*d - 1), v + (0 .. k - 1), g + (0 .. d - 1));
    assigns *rng, W[0 .. k*d - 1], v[0 .. k - 1], g[0 .. d - 1], errno;
    ensures theory_signs: kind == SG_INIT_THEORY && sigma >= 0.0 ==>
      \forall integer j; 0 <= j < k ==> (j % 2 == 0 ? v[j] >= 0.0 : v[j] <= 0.0);
*/
void sg_init_state(sg_init_kind kind, sg_rng *rng, int d, int k, double sigma,
                   double *W, double *v, double *g);

/*@ assigns \nothing; */
const char *sg_init_name(sg_init_kind kind);

#endif
