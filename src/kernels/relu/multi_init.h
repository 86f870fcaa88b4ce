/* multi_init.h -- targets and initial states of the multi-output network
 * (issue 16), generalising data.h's targets and init.h's three
 * initialisations from v in R^k to V in R^{r x k} (column V_j: unit j's
 * output vector).  Used for --outputs r > 1 only (r = 1 runs keep data.h and
 * init.h, the scalar program's draws).
 *
 * Targets (A r x d, r <= d):
 *   e      rows e_1 .. e_r (the paper's Appendix E).
 *   random orthonormal rows: r Gaussian rows from the target stream, made
 *          orthonormal by modified Gram-Schmidt in row order (a row whose
 *          residual norm is below 1e-6 of its drawn norm is redrawn; this
 *          has probability zero and keeps the normalisation well defined).
 *
 * Initialisations (sigma the scale; g scratch of d doubles, u scratch of r):
 *   theory   the scalar rule's magnitudes, w_j ~ N(0, (sigma^2/d) I_d),
 *            |V_j| = sigma |g_j| / sqrt(d) with g_j ~ N(0, I_d), and the sign
 *            rule generalised per pair: unit j's output direction is
 *            s_j u_p with p = j mod r, u_p a uniform unit vector of R^r and
 *            s_j = +1 for even j / r, -1 for odd j / r.  So at k = 2r unit j
 *            and unit j + r have opposite output directions (the scalar
 *            rule's +, - at r = 1, k = 2).  Draw order: u_0 .. u_{r-1}
 *            (r normals each), then w_0, g_0, w_1, g_1, ...
 *   xavier   the fan-in + fan-out scaling of each layer: W_jl ~ sigma
 *            N(0, 2/(k+d)), V_oj ~ sigma N(0, 2/(r+k)) (at r = 1 the scalar
 *            2/(1+k)); W row by row, then V row by row.
 *   balanced w_j as in theory, V_j = |w_j| u_j with u_j a uniform unit
 *            vector of R^r (r normals, normalised; the scalar rule's random
 *            sign at r = 1), so b_j = |w_j|^2 - |V_j|^2 = 0 up to rounding.
 *            Draw order w_j then u_j, per j.
 * Unit vectors: r normals divided by their norm, redrawn while the norm is 0
 * (probability zero), as sg_target_random.
 */
#ifndef SG_MULTI_INIT_H
#define SG_MULTI_INIT_H

#include "kernels/relu/init.h"
#include "kernels/rng.h"
#include <limits.h>

/*@ requires sizes: 1 <= r <= d && r * d <= LONG_MAX;
    requires valid_A: \valid(A + (0 .. r*d - 1));
    assigns A[0 .. r*d - 1];
    ensures rows_e: \forall integer q; 0 <= q < r*d ==>
      A[q] == (q / d == q % d ? 1.0 : 0.0);
*/
/* A = [e_1; ...; e_r]: entry q is row q / d, column q % d */
void sg_mtarget_e(int r, int d, double *A);

/*@ requires sizes: 1 <= r <= d && r * d <= LONG_MAX;
    requires valid_rng: \valid(rng);
    requires valid_A: \valid(A + (0 .. r*d - 1));
    requires sep: \separated(rng, A + (0 .. r*d - 1));
    assigns *rng, A[0 .. r*d - 1], errno;
*/
void sg_mtarget_random(sg_rng *rng, int r, int d, double *A);

/*@ requires sizes: 1 <= d && 0 <= k && 1 <= r && k * d <= LONG_MAX && r * k <= LONG_MAX;
    requires index_rr: r * r <= LONG_MAX;
    requires sums: k + d <= INT_MAX && r + k <= INT_MAX;
    requires valid_rng: \valid(rng);
    requires valid_W: \valid(W + (0 .. k*d - 1));
    requires valid_V: \valid(V + (0 .. r*k - 1));
    requires valid_g: \valid(g + (0 .. d - 1));
    requires valid_u: \valid(u + (0 .. r*r - 1));
    requires sep: \separated(rng, W + (0 .. k*d - 1), V + (0 .. r*k - 1), g + (0 .. d - 1),
                              u + (0 .. r*r - 1));
    assigns *rng, W[0 .. k*d - 1], V[0 .. r*k - 1], g[0 .. d - 1], u[0 .. r*r - 1], errno;
*/
void sg_minit_state(sg_init_kind kind, sg_rng *rng, int d, int k, int r, double sigma,
                    double *W, double *V, double *g, double *u);

#endif
