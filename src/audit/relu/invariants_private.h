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
#include "io/binio.h"
#include <float.h>

#define U_DBL (DBL_EPSILON / 2.0) /* unit round-off 2^-53 */

/* A running least-squares fit of ln dist^2 against t over a window of
   consecutive fed states: the window opens at the first state with step >=
   start and closes at the first value not above the floor (or not finite).
   The plain sums are those of the former two-pass fit, accumulated in the
   same order, so the slope (rate, c) is bit-identical to it; R^2 comes from
   Welford's centred co-moments (equal to 1 - ssr/sst in exact arithmetic). */
typedef struct {
    long start;          /* first step the window may hold; -1: not armed       */
    long first, last;    /* steps of the first and last value taken; -1: none   */
    long n;              /* values taken                                        */
    int closed;          /* a value at or below the floor ended the window      */
    double st, sy, stt, sty;
    double mx, my, cxx, cyy, cxy;
} inv_fit;

/* fit[0]: the phase-3 window (armed at phase2_end_step); fit[1..8]: windows
   from m S/8 (m = 0..7, S the requested steps), used when phase 2 never ends */
#define INV_NFIT 9
#define INV_RATE_MIN_R2 0.99 /* a detected window is geometric if R^2 >= this and
                                dist^2 falls by at least 10x over it          */

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
    int stuck;              /* sg_inv_mark_stuck: at the one-sign saddle           */
    long last_step;
    double last_loss, last_tol, last_maxang;
    int phase_now;
    double dist2_now, homog_ratio_now, imbal_ratio_now;
    double growth_margin;   /* GROWTH-END margin at growth_step                   */
    char growth_reason[200];
    int growth_violated;
    double *ang_g;          /* k angles to s_j g_j of the current state, degrees  */
    long *align_a, *align_g; /* k: first step with angle(w_j, s_j a), resp. angle(w_j,
                                s_j g_j) <= align_deg, per neuron; -1: never       */
    /* RATE: running least-squares fits of ln dist^2 against t, O(1) memory */
    inv_fit fit[INV_NFIT];
    void *acc;              /* exact_acc, reused every step                       */
    long skip_homog, skip_imbal; /* states/steps not checkable: non-finite numbers  */
};

/* inv_exact.c: an exact accumulator of products (shadow/xacc.h), reused every step */
typedef struct exact_acc exact_acc;
exact_acc *inv_acc_new(long cap);
void inv_acc_delete(exact_acc *e);
double inv_homog_acc(exact_acc *e, int d, const double *w, const double *g, double v,
                     double gv);
double inv_imbal_acc(exact_acc *e, int d, double mu, const double *w, const double *g,
                     double v, double gv, const double *w1, double v1);
double inv_db_acc(exact_acc *e, int d, const double *w, double v, const double *w1,
                  double v1);
/* the IMBAL residual and, if db is not NULL, *db = inv_db_acc's value, from
   one pass over the terms */
double inv_imbal_db_acc(exact_acc *e, int d, double mu, const double *w, const double *g,
                        double v, double gv, const double *w1, double v1, double *db);

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

/* inv_rate.c: the RATE fits */
void inv_fit_init(inv_fit *f, long start);
void inv_fit_feed(inv_fit *f, long t, double val, double floor2);
/* slope, R^2 of a fit with n >= 2 */
void inv_fit_result(const inv_fit *f, double *slope, double *r2);
void inv_fit_save(sg_bw *w, const inv_fit *f);
int inv_fit_load(sg_br *r, inv_fit *f, long S); /* 0 or -1 */
/* the RATE verdict and phases' rate members from the fits (inv_finish.c) */
void inv_fit_rate(sg_inv_checker *c);

#endif
