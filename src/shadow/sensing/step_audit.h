/* step_audit.h -- Model B's local step audit (design section 5).
 *
 * From the double state theta_t: the MPFR step (shadow.h) from the same
 * theta, the binary64 bound chain E_d on the double kernels' intermediates
 * and the MPFR chain E_s on the shadow's own, then per class a componentwise
 * check |double - shadow| <= E_d + E_s (|double - exact| <= E_d and
 * |shadow - exact| <= E_s), with the tightness ratio error / bound.
 * Classes: P = U V^T, residuals, loss, adjoint M, gradient [GU | GV], theta+.
 */
#ifndef SG_SENS_STEP_AUDIT_H
#define SG_SENS_STEP_AUDIT_H

#include "kernels/sensing/step.h"
#include "shadow/sensing/bounds.h"
#include "shadow/sensing/shadow.h"

enum {
    SG_SENS_CLASS_P, SG_SENS_CLASS_RES, SG_SENS_CLASS_LOSS, SG_SENS_CLASS_M,
    SG_SENS_CLASS_GRAD, SG_SENS_CLASS_THETA, SG_SENS_NCLASS
};
/* stable names of the classes, for outputs: "P", "res", "loss", "M", "grad", "theta" */
extern const char *const sg_sens_class_name[SG_SENS_NCLASS];

typedef struct {
    long count;        /* components checked                         */
    long violations;   /* |double - shadow| > E_d + E_s               */
    double max_ratio;  /* max |double - shadow| / (E_d + E_s)          */
    double max_err;    /* max |double - shadow|                       */
} sg_sens_class_stat;

typedef struct {
    sg_sens_class_stat cls[SG_SENS_NCLASS];
    long violations;   /* sum over the classes                       */
    double max_ratio;  /* max over the classes                       */
    long range_errors; /* shadow accumulator range / non-finite values */
} sg_sens_audit_result;

typedef struct {
    sg_sens_mp mp;          /* the shadow step from theta_t       */
    sg_sens_bounds bd, bs;  /* binary64 chain, shadow chain       */
    double *sP, *sres, *sM, *sgrad, *stn;   /* |shadow| rounded up */
    mpfr_t diff;
} sg_sens_auditor;

/* 0, or -1 (memory, precision) */
int sg_sens_auditor_init(sg_sens_auditor *a, const sg_sens_problem *p, long prec);
void sg_sens_auditor_free(sg_sens_auditor *a);

/* Audit one double step: theta is the state the step started from, w the
   double intermediates at theta (sg_sens_loss_grad or sg_sens_gd_step),
   loss its loss, theta_new the double result; f64 the double model (pass
   sg_fp_binary64(); the tests pass a shrunk model as negative control).
   Fills *out; returns out->violations. */
long sg_sens_audit_step(sg_sens_auditor *a, const sg_sens_problem *p, const sg_fp_model *f64,
                        const double *theta, double mu, const sg_sens_work *w, double loss,
                        const double *theta_new, sg_sens_audit_result *out);

#endif
