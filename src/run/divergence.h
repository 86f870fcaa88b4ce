/* divergence.h -- when a run must stop because its double state is no
 * longer meaningful.
 *
 * Two reasons, reported the same way (summary.json "status": "diverged",
 * exit status 3):
 *   non_finite      a component of theta_t, the loss L(theta_t) or the
 *                   gradient at theta_t is Inf or NaN;
 *   outside_region  a component of theta_t has |theta_q| > SG_REGION_THETA_MAX,
 *                   the magnitude precondition of the floating-point proofs
 *                   (proofs/ states the same constant; the kernels' overflow
 *                   freedom is only proved inside this box).
 * Components are named W[j,l] (row j, column l of W) and v[j], 1-based, or
 * "loss", or "grad W[j,l]" / "grad v[j]".
 */
#ifndef SG_DIVERGENCE_H
#define SG_DIVERGENCE_H

#include "models/relu/safe_region.h"
#include <stddef.h>

/* Magnitude bound on every parameter: the box |W_jl|, |v_j| <= 1e8 in which
   the Eva proof (proofs/eva/empirical_step.c) shows one GD step free of
   overflow and NaN; safe_region.h is the single source of the constant. */
#define SG_REGION_THETA_MAX SG_SAFE_W_MAX
_Static_assert((long long)SG_SAFE_W_MAX == (long long)SG_SAFE_V_MAX, "one bound for W and v");

typedef enum { SG_DIV_NONE = 0, SG_DIV_NONFINITE, SG_DIV_REGION } sg_div_reason;

typedef struct {
    sg_div_reason reason;
    long step;       /* index t of the state that failed the check          */
    int what;        /* 0: theta, 1: loss, 2: gradient                      */
    long index;      /* component of theta / gradient, -1 for the loss      */
    double value;    /* the offending value                                 */
} sg_divergence;

/* First q with theta[q] not finite or |theta[q]| > bound; fills *dv and
   returns its reason, or SG_DIV_NONE. */
sg_div_reason sg_check_theta(long len, const double *theta, double bound, sg_divergence *dv);

/* Loss and gradient finite?  Fills *dv and returns SG_DIV_NONFINITE if not. */
sg_div_reason sg_check_loss_grad(double loss, long len, const double *grad,
                                 sg_divergence *dv);

/* "W[2,17]", "v[1]", "loss", "grad v[2]" */
void sg_div_component(const sg_divergence *dv, int d, int k, char *buf, size_t len);
const char *sg_div_reason_name(sg_div_reason r);

#endif
