/* divergence.h -- when a run must stop because its double state is no
 * longer meaningful.
 *
 * Two reasons, reported the same way (summary.json "status": "diverged",
 * exit status 3):
 *   non_finite      a component of theta_t, the loss L(theta_t) or the
 *                   gradient at theta_t is Inf or NaN;
 *   outside_region  a component of theta_t has |theta_q| > the model's
 *                   theta_max (run/model.h), the magnitude precondition of
 *                   its floating-point proofs (the kernels' overflow
 *                   freedom is only proved inside this box).
 * Components are named by the model (e.g. W[j,l] and v[j], 1-based), or
 * "loss", or "grad " and the component's name.
 */
#ifndef SG_DIVERGENCE_H
#define SG_DIVERGENCE_H

#include <stddef.h>

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

/* "loss", or name(m, index) with "grad " before it for the gradient */
void sg_div_component(const sg_divergence *dv, void (*name)(void *m, long q, char *buf, size_t len),
                      void *m, char *buf, size_t len);
const char *sg_div_reason_name(sg_div_reason r);

#endif
