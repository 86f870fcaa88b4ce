/* shadow_audit.h -- the per-step round-off audit and the MPFR trajectory shadow
 * (design section 5), as one observer of the run loop (run.h).
 *
 * Local step audit (every `audit_every` steps): from the double state
 * theta_t the shadow (shadow.h) recomputes the step in MPFR; every component
 * of the double step (z, ReLU(z), f, r, loss, grad, theta_{t+1}; population:
 * norms, angles, loss, grad, theta_{t+1}) is compared with it, and
 *     |double - shadow| <= E_binary64 + E_mpfr          (specs/roundoff.md A1)
 * is checked, E from bounds.h.  A failure is a bound violation (expected 0).
 * Also recorded: max error/bound, ulp errors, ambiguous pairs (|z^| <= Ez)
 * and actual activation flips (sign of z^ != exact sign of z).  Population:
 * every libm result the kernel used is compared with the correctly rounded
 * MPFR function (assumed accuracy in roundoff.md P0).
 *
 * Trajectory shadow: an independent MPFR trajectory from theta_0, stepped
 * alongside; per step ||theta_double - theta_MPFR|| / ||theta_MPFR||.
 *
 * The observer only reads the run's double state; it never writes to it.
 */
#ifndef SG_SHADOW_AUDIT_H
#define SG_SHADOW_AUDIT_H

#include "shadow/relu/bounds.h"
#include "run/run.h"
#include "shadow/relu/shadow.h"

/* component classes, in the order of the summary's "components" object */
enum {
    SG_SA_Z = 0, SG_SA_RELU, SG_SA_F, SG_SA_R, SG_SA_NORM, SG_SA_ANGLE, SG_SA_LOSS,
    SG_SA_GW, SG_SA_GV, SG_SA_W, SG_SA_V, SG_SA_NCLASS
};

typedef struct {
    long checked, violations;
    double max_ratio, max_ulp, sum_ulp;
} sg_sa_class_stats;

typedef struct sg_shadow_audit {
    /* configuration */
    long every;              /* 0: no local audit                          */
    int trajectory;          /* 1: MPFR trajectory shadow on               */
    mpfr_prec_t prec;
    sg_fp_model f64;         /* model of the audited double kernels: binary64
                                (tests shrink u to show the check is sharp) */
    const sg_problem *prob;
    const sg_workspace *ws;  /* the audited kernels' intermediates (run's) */
    double mu;
    long len;
    long update_len;         /* components the run's update moves (len, or k*d
                                with --freeze-v: sg_shadow_audit_freeze_v) */
    /* MPFR state */
    sg_shadow sa;            /* local audit: the step from theta_t         */
    sg_shadow st;            /* trajectory                                 */
    int have_sa, have_st;
    mpfr_t e, acc, nrm;      /* scratch                                     */
    /* bounds and double images of the shadow (rounded away from 0) */
    sg_bounds bd, bm;
    double *Zm, *Hm, *rm, *gm, *tnm, *tn_pred;
    /* this step */
    int row_audited;
    long step_violations, step_ambiguous, step_flips;
    double step_ratio, step_divergence;
    char loss_mpfr[128];
    /* totals */
    long steps_audited, components_checked, violations, ambiguous, flips;
    long prediction_mismatch;   /* run's theta_{t+1} != the audited one      */
    long replica_mismatch;      /* population: bounds.c's replica != kernel  */
    long libm_checked, libm_violations;
    long nonfinite;             /* components with an Inf/NaN value or NaN bound */
    long infinite_bounds;       /* finite components whose bound is +inf     */
    long replica_first_step;    /* first step with a replica mismatch, or -1 */
    long trajectory_range_errors; /* xacc out of range on the trajectory    */
    double libm_max_ulp[4];  /* sqrt, atan2, sin, cos */
    double max_ratio, max_divergence, final_divergence;
    long max_ratio_step, max_divergence_step;
    sg_sa_class_stats cls[SG_SA_NCLASS];
    int have_first;
    long first_step, first_index;
    int first_class;
    double first_err, first_bound;
    double audit_seconds, trajectory_seconds;
    /* called after every step of the MPFR trajectory (NULL: nobody), with
       theta_t in st.theta_new and theta_{t+1} in st.theta; set by whoever
       assembles the run (app/assemble.c feeds the invariant audit) */
    void (*on_trajectory)(struct sg_run_ctx *ctx, long step, struct sg_shadow_audit *a);
} sg_shadow_audit;

#define SG_SHADOW_AUDIT_NAME "mpfr-audit"

/* The shadow registered on ctx (observer SG_SHADOW_AUDIT_NAME), or NULL. */
sg_shadow_audit *sg_shadow_audit_of(struct sg_run_ctx *ctx);

/* Allocate and initialise (MPFR numbers initialised here, once).  theta0
   starts the trajectory shadow.  0, or -1 with a message. */
int sg_shadow_audit_init(sg_shadow_audit *a, const sg_problem *p, const double *theta0,
                         double mu, mpfr_prec_t prec, long every, int trajectory);
void sg_shadow_audit_free(sg_shadow_audit *a);
/* the run trains W only (--freeze-v): the audited step, the shadow's local
   step and its trajectory leave v as it is */
void sg_shadow_audit_freeze_v(sg_shadow_audit *a, long kd);

/* The local audit of the step from theta (ws: the double's loss/gradient at
   theta, from the kernel under audit; theta_new: the double's next state). */
void sg_shadow_audit_step(sg_shadow_audit *a, long step, const double *theta,
                          const sg_workspace *ws, const double *theta_new);

/* a->loss_mpfr <- the MPFR loss with ceil(p log10 2) + 1 significant digits */
void sg_shadow_audit_format_loss(sg_shadow_audit *a, mpfr_srcptr loss);

/* Trajectory: compare theta (double, step t) with the MPFR state, then step
   the MPFR trajectory. */
void sg_shadow_audit_trajectory(sg_shadow_audit *a, long step, const double *theta);

/* DIVERGE's measure, shared by the scalar and the r > 1 trajectory shadows
   (multi_traj.h): |theta - mp|_2 / |mp|_2 over len components, the sums at
   the precision of the scratch acc, nrm, e; 0 when both vanish, Inf when
   only mp does */
double sg_shadow_rel_divergence(long len, mpfr_t *mp, const double *theta, mpfr_ptr acc,
                                mpfr_ptr nrm, mpfr_ptr e);

/* Checkpoint support, with the signatures of the observer callbacks
   save and load of the checkpointing layer (robust branch, run.h):
   save writes the audit's totals and the MPFR trajectory state in a
   versioned binary format (MPFR numbers by mpfr_fpif_export); load
   restores them from exactly len bytes, rejecting (-1) malformed input or a
   different precision, size or configuration.  0 on success. */
int sg_shadow_audit_save(void *self, FILE *fp);
int sg_shadow_audit_load(void *self, FILE *fp, size_t len);

/* The observer that wires the above into the run loop. */
sg_observer sg_shadow_audit_observer(sg_shadow_audit *a);

/* Register the audit observer of ctx's run, whose dataset is p and whose
   kernels leave their intermediates in ws (both borrowed); nothing if both
   parts are off.  Returns 0 or an exit status.  The observer owns the
   audit; sg_run_free frees it (destroy). */
int sg_shadow_audit_attach(sg_run_ctx *ctx, const sg_problem *p, const sg_workspace *ws);

const char *sg_sa_class_name(int c);
const char *sg_sa_libm_name(int f); /* 0 sqrt, 1 atan2, 2 sin, 3 cos */

#endif
