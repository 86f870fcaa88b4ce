/* relu_memory.c -- the up-front memory estimate (see relu_memory.h).  The
 * counts mirror the allocations of the files cited; an MPFR number is its
 * mpfr_t, its limbs and one malloc header. */
#include "models/relu/relu_memory.h"
#include "shadow/xacc.h"
#include <mpfr.h>

double sg_relu_double_bytes(const sg_relu_mem_shape *s)
{
    double n = s->empirical ? s->n : 1, d = s->d, k = s->k;
    double kd = k * d + k;
    /* X, y, Z, H, f, r or the population's norms and angles; a, grad,
       theta, theta0, theta_prev; per-neuron and scratch vectors */
    double doubles = s->empirical ? n * d + 2 * n * k + 3 * n : k * k + k;
    doubles += 4 * kd + 3 * k + 2 * d;
    return 8.0 * doubles;
}

double sg_relu_shadow_bytes(const sg_relu_mem_shape *s)
{
    int emp = s->empirical;
    int shadows = (s->audit != 0) + (s->trajectory != 0);
    if (shadows == 0)
        return 0.0;
    double n = emp ? s->n : 1, d = s->d, k = s->k, nk = n * k, kd = k * d;
    double len = kd + k, limbs = sg_xnum_limbs(s->prec);
    double mp = (double)sizeof(mpfr_t) + 16.0 + 8.0 * limbs;
    /* shadow.c sg_shadow_init: theta, grad, theta_new; Z, f, r and the
       exact accumulator's decomposed W and terms (empirical), or norms,
       angles and a d-vector (population) */
    double one = mp * (3 * len + (emp ? nk + 2 * n : k + k * k + d)) + 8.0 * d;
    if (emp)
        one += (kd + nk) * ((double)sizeof(sg_xnum) + 8.0 * limbs);
    double bytes = shadows * one;
    if (s->audit) {
        /* bounds.c: two sg_bounds (S, Ez: nk doubles, amb: nk bytes, Ef,
           Er, cbuf: n, colabs: d, Eg, Etn: len, Epop: 2k + k^2); the
           shadow's images Zm, Hm (nk), rm (n), gm, tnm, tn_pred (len) */
        double bnd = emp ? 16.0 * nk + nk + 24.0 * n + 8.0 * d : 8.0 * (2 * k + k * k);
        bytes += 2.0 * (bnd + 16.0 * len) + (emp ? 16.0 * nk + 8.0 * n : 0.0) + 24.0 * len;
    }
    /* the invariant audit's MPFR checker and exact sums: O(d + k) numbers */
    return bytes + mp * (8.0 * d + 8.0 * k + 64.0);
}
