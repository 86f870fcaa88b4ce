/* invariants_private.h -- what the invariant auditor's files share (not part of
 * its interface, invariants.h): the checker's state and the helpers of its
 * families.  The auditor is split by responsibility:
 *   invariants.c     names, thresholds, creating a checker, queries
 *   inv_exact.c      exact residuals of the identities (HOMOG, IMBAL)
 *   inv_geometry.c   distances to the optimum, angles, phase bounds
 *   inv_feed.c       the per-state and per-step checks (SIGN ... RATE data)
 *   inv_finish.c     verdicts at the end: PHASES, GROWTH-END, RATE fit, stuck
 *   inv_checkpoint.c save/load of a checker
 *   inv_report.c     summary.json members and the verdict table
 */
#ifndef SG_INVARIANTS_PRIVATE_H
#define SG_INVARIANTS_PRIVATE_H

#include "audit/relu/invariants.h"
#include <float.h>

#define U_DBL (DBL_EPSILON / 2.0) /* unit round-off 2^-53 */

struct sg_inv_checker {
    char name[16];
    sg_inv_problem p;
    sg_inv_thresholds th;
    sg_inv_class cls;
    double a_norm, sqrt_a, loss0;
    int ngroups;            /* angles tracked: k (pair/same sign) or 1..2 groups */
    double *ang;            /* current angles, degrees                            */
    double *tmp;            /* d scratch                                          */
    sg_inv_result res[SG_INV_COUNT];
    sg_inv_result ident, lemma3;  /* the two parts of IMBAL                      */
    sg_inv_phases ph;
    int started, finished;
    long last_step;
    double last_loss, last_tol, last_maxang;
    int phase_now;
    double dist2_now, homog_ratio_now, imbal_ratio_now;
    double growth_margin;   /* GROWTH-END margin at growth_step                   */
    char growth_reason[200];
    int growth_violated;
    /* dist^2 series for RATE */
    long *ser_step;
    double *ser_val;
    long nser, cap;
    void *acc;              /* exact_acc of 3d + 3 terms, reused every step       */
    long skip_homog, skip_imbal; /* states/steps not checkable: non-finite numbers  */
};

/* inv_exact.c: an exact accumulator of products, reused every step */
typedef struct exact_acc exact_acc;
exact_acc *inv_acc_new(long cap);
void inv_acc_delete(exact_acc *e);
double inv_homog_acc(exact_acc *e, int d, const double *w, const double *g, double v,
                     double gv);
double inv_imbal_acc(exact_acc *e, int d, double mu, const double *w, const double *g,
                     double v, double gv, const double *w1, double v1);
double inv_db_acc(exact_acc *e, int d, const double *w, double v, const double *w1,
                  double v1);

/* invariants.c: results */
void inv_result_init(sg_inv_result *r, const char *unit);
void inv_set_na(sg_inv_result *r, const char *why);
/* record a margin (smaller is worse) at step t; margin < 0 (or NaN) violates */
void inv_note_margin(sg_inv_result *r, long t, double m);

/* inv_geometry.c: the current state's angles, distance, growth test */
long inv_ceil_steps(double x);
double inv_current_angles(sg_inv_checker *c, const double *theta);
double inv_current_dist2(const sg_inv_checker *c, const double *theta);
int inv_growth_reached(const sg_inv_checker *c, const double *theta);
double inv_balance_slack(const sg_inv_checker *c, const double *theta);

#endif
