/* divergence.c -- finiteness and proved-region checks (see divergence.h). */
#include "run/divergence.h"
#include <math.h>
#include <stdio.h>

sg_div_reason sg_check_theta(long len, const double *theta, double bound, sg_divergence *dv)
{
    for (long q = 0; q < len; q++) {
        double x = theta[q];
        sg_div_reason r = !isfinite(x)      ? SG_DIV_NONFINITE
                          : fabs(x) > bound ? SG_DIV_REGION
                                            : SG_DIV_NONE;
        if (r != SG_DIV_NONE) {
            dv->reason = r;
            dv->what = 0;
            dv->index = q;
            dv->value = x;
            return r;
        }
    }
    return SG_DIV_NONE;
}

sg_div_reason sg_check_loss_grad(double loss, long len, const double *grad,
                                 sg_divergence *dv)
{
    dv->reason = SG_DIV_NONFINITE;
    if (!isfinite(loss)) {
        dv->what = 1;
        dv->index = -1;
        dv->value = loss;
        return SG_DIV_NONFINITE;
    }
    for (long q = 0; q < len; q++)
        if (!isfinite(grad[q])) {
            dv->what = 2;
            dv->index = q;
            dv->value = grad[q];
            return SG_DIV_NONFINITE;
        }
    dv->reason = SG_DIV_NONE;
    return SG_DIV_NONE;
}

void sg_div_component(const sg_divergence *dv, void (*name)(void *m, long q, char *buf, size_t len),
                      void *m, char *buf, size_t len)
{
    if (dv->what == 1) {
        snprintf(buf, len, "loss");
        return;
    }
    char comp[64];
    name(m, dv->index, comp, sizeof comp);
    snprintf(buf, len, "%s%s", dv->what == 2 ? "grad " : "", comp);
}

const char *sg_div_reason_name(sg_div_reason r)
{
    switch (r) {
    case SG_DIV_NONFINITE: return "non_finite";
    case SG_DIV_REGION: return "outside_region";
    case SG_DIV_NONE: break;
    }
    return "none";
}
