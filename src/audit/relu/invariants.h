/* invariants.h -- the invariant auditor of one trajectory (design section 6).
 *
 * A checker watches ONE trajectory (the double one, or the MPFR shadow's)
 * and knows nothing about where the numbers come from.  It is fed, per step,
 * with plain doubles:
 *
 *   sg_inv_state(c, &s)   the state theta_t: parameters, gradient at theta_t,
 *                         loss at theta_t, and the tolerances that say how
 *                         far the feeder's loss and gradient may be from the
 *                         exact ones at that theta_t;
 *   sg_inv_step(c, &s)    the step theta_t -> theta_{t+1}, with the
 *                         tolerance of the one-step imbalance identity;
 *   sg_inv_finish(c)      after the last state: phases, rate, verdicts.
 *
 * Call order: state(0), step(0), state(1), step(1), ..., state(T), finish.
 * The run can stop early (divergence): finish() works after any prefix.
 *
 * What is checked, with which data (design section 2 for the maths; the
 * signed convention v_2 < 0 is used throughout, so the paper's
 * "v_2 w_2 = -a with v_2 > 0" reads v_j w_j = a for every j here):
 *   SIGN        sign(v_j(t)) = sign(v_j(0))                    state
 *   ALIGN       k = 2, opposite signs: after T1 (first t with every
 *               angle(w_j, s_j a) <= align_deg) every angle stays <= align_deg.
 *               Other k: not-applicable; group angles are reported instead.
 *   IMBAL       identity  b_j+ - b_j - mu^2 (|g_wj|^2 - g_vj^2) = 0 within
 *               the feeder's tolerance; k = 2 also Lemma 3
 *               |b_j+ - b_j| <= c3 mu^2 (v_j^2 + |w_j|^2) sum_i |v_i w_i - a|^2
 *   HOMOG       w_j . g_wj - v_j g_vj = 0 within the feeder's tolerance
 *   DESCENT     L(t+1) <= L(t) + loss_tol(t) + loss_tol(t+1)
 *   PHASES      observed T1, T2 against ceil(404/(mu|a|)), ceil((32/(mu|a|)) ln(sqrt|a|/sigma))
 *   GROWTH-END  at the first t >= T1 with every |v_j| >= growth_v sqrt|a|:
 *               every |b_j| <= growth_b |a| and every angle <= align_deg
 *   RATE        geometric rate of the phase-3 distance to the optimum
 * Residuals: when the feeder passes none (NULL), the checker evaluates the
 * HOMOG and IMBAL residuals of the given doubles EXACTLY (MPFR, every
 * product exact, one correctly rounded sum), so the only slack is the
 * feeder's tolerance.  The MPFR shadow passes its own residuals (computed in
 * MPFR at precision p) with a tolerance of order 2^-p times their scale.
 */
#ifndef SG_INVARIANTS_H
#define SG_INVARIANTS_H

#include "audit/verdict.h"
#include <stdio.h>

struct sg_json;

/* stable IDs of design section 6, in output order */
typedef enum {
    SG_INV_SIGN = 0, SG_INV_ALIGN, SG_INV_IMBAL, SG_INV_HOMOG, SG_INV_DESCENT,
    SG_INV_PHASES, SG_INV_GROWTH_END, SG_INV_RATE, SG_INV_BOUND, SG_INV_FLIPS,
    SG_INV_DIVERGE, SG_INV_COUNT
} sg_inv_id;

const char *sg_inv_name(sg_inv_id id);        /* "SIGN", "GROWTH-END", ... */

/* Thresholds; sg_inv_thresholds_default() gives the paper's values. */
typedef struct {
    double align_deg;   /* pi/20 = 9 degrees                                  */
    double growth_v;    /* 1/4:  |v_j| >= growth_v sqrt|a| ends phase 2       */
    double growth_b;    /* 1/50: |b_j| <= growth_b |a| at the end of phase 2  */
    double lemma3_c;    /* 6: the constant of Lemma 3                         */
    double rate_floor;  /* RATE window ends where dist^2 <= rate_floor |a|^2  */
    long rate_min_window; /* fewer phase-3 steps than this: RATE not-applicable */
    double line_deg;    /* neurons within this angle of one line share it     */
    double diverge_max; /* DIVERGE: max |theta_dbl - theta_mpfr|/|theta_mpfr|  */
} sg_inv_thresholds;

void sg_inv_thresholds_default(sg_inv_thresholds *t);

/* The problem as the checker sees it.  a and sign0 are borrowed. */
typedef struct {
    int d, k;
    double mu, sigma;
    const double *a;      /* d                       */
    const double *sign0;  /* k, +1 / -1: sign of v_j(0) */
    long steps;           /* steps requested (for "run too short" verdicts) */
    int n;                /* samples of the empirical loss; 0: population loss */
    int freeze_v;         /* --freeze-v: only W is trained (IMBAL, PHASES and
                             GROWTH-END are about training both layers)    */
} sg_inv_problem;

/* One state theta_t.  theta and grad have the run's layout [W (k x d) | v (k)]. */
typedef struct {
    long step;
    const double *theta;     /* theta_t                                       */
    const double *grad;      /* gradient of L at theta_t, as the feeder has it */
    double loss;             /* L(theta_t), as the feeder has it               */
    double loss_tol;         /* |loss - exact L(theta_t)| <= loss_tol          */
    const double *homog_res; /* k residuals w_j.g_wj - v_j g_vj, or NULL: exact */
    const double *homog_tol; /* k tolerances (required)                         */
} sg_inv_state_rec;

/* One step theta_t -> theta_{t+1} (after sg_inv_state of theta_t). */
typedef struct {
    long step;                /* t                                             */
    const double *theta;      /* theta_t                                       */
    const double *grad;       /* the gradient the step used                    */
    const double *theta_next; /* theta_{t+1}                                   */
    const double *imbal_res;  /* k residuals b+ - b - mu^2(|g_w|^2 - g_v^2), or NULL */
    const double *imbal_tol;  /* k tolerances (required)                        */
    const double *db;         /* k exact b_j+ - b_j for Lemma 3, or NULL: exact on the
                                 given doubles (the MPFR side passes its own)     */
} sg_inv_step_rec;

typedef sg_vresult sg_inv_result; /* audit/verdict.h */

/* observed phases of one trajectory */
typedef struct {
    long T1_observed;        /* first step with every relevant angle <= align_deg, -1: never */
    long T1_theory;          /* ceil(404/(mu |a|))                                   */
    long growth_step;        /* first t >= T1 with every |v_j| >= growth_v sqrt|a|, -1 */
    long T2_end;             /* first t >= T1 with the GROWTH-END conditions, -1: never */
    long T2_observed;        /* duration T2_end - T1_observed (-1: never)              */
    long T2_theory;          /* ceil((32/(mu|a|)) ln(sqrt|a|/sigma)), duration        */
    double plateau_deg;      /* smallest max-angle before growth starts                */
    long plateau_step;       /* where it was reached                                   */
    long rate_start, rate_end; /* RATE fit window (inclusive), -1: none                 */
    double rate;             /* fitted per-step factor of dist^2 (NaN: none)           */
    double rate_c;           /* (1 - rate)/(mu |a|): the c of (1 - c mu_bar)            */
    double rate_r2;          /* R^2 of the log-linear fit                               */
    int rate_detected;       /* 1: the window was detected from dist^2 (phase 2 never
                                ended), 0: the phase-3 window from phase2_end_step     */
    long T1_empirical;       /* first step with every angle(w_j, s_j g_j) <= align_deg,
                                g_j the half-space direction of the run's loss, -1     */
    double plateau_predicted_deg; /* arctan(sqrt(2(d-1)/n)); 0 for the population loss */
    long growth_any;         /* first step with every |v_j| >= growth_v sqrt|a|, whether
                                aligned or not (-1: never)                             */
} sg_inv_phases;

typedef struct sg_inv_checker sg_inv_checker;

/* name: "double" or "mpfr" (the trajectory the verdicts refer to).
   Returns NULL when out of memory. */
sg_inv_checker *sg_inv_new(const char *name, const sg_inv_problem *p,
                           const sg_inv_thresholds *th);
void sg_inv_free(sg_inv_checker *c);

void sg_inv_state(sg_inv_checker *c, const sg_inv_state_rec *s);
void sg_inv_step(sg_inv_checker *c, const sg_inv_step_rec *s);
void sg_inv_finish(sg_inv_checker *c);

/* Set the result of an ID measured outside the checker (BOUND, FLIPS,
   DIVERGE come from the MPFR shadow); call after sg_inv_finish. */
void sg_inv_set_result(sg_inv_checker *c, sg_inv_id id, sg_verdict v, const char *reason,
                       long first_violation, double worst_margin, const char *margin_unit,
                       long checked);

/* Results (valid after sg_inv_finish). */
const sg_inv_result *sg_inv_get(const sg_inv_checker *c, sg_inv_id id);
const sg_inv_phases *sg_inv_get_phases(const sg_inv_checker *c);
const char *sg_inv_trajectory(const sg_inv_checker *c);

/* Checkpoints (checkpoint.h, audit.c).  sg_inv_save writes everything the
   feeding accumulated (results, phases, the RATE fits, the last state's
   loss/tolerance and online quantities, ...) as a self-describing section,
   little-endian, doubles as exact bits (binio.h):
     "SGINVCK\n", u32 version (2), str name, u32 d, u32 k, u32 class,
     u64 steps, f64 mu, f64 sigma, f64 |a|, thresholds (7 x f64, i64),
     u32 started, f64 loss0, i64 last_step, f64 last_loss, f64 last_tol,
     f64 last_maxang, u32 phase_now, f64 dist2_now, f64 homog_ratio_now,
     f64 imbal_ratio_now, f64 growth_margin, u32 growth_violated,
     str growth_reason, i64 skip_homog, i64 skip_imbal,
     u32 count (13): per result (the 11 IDs, identity, Lemma 3): u32 verdict,
       i64 first_violation, f64 worst_margin, i64 checked, str reason,
     phases: i64 T1_observed, T1_theory, growth_step, T2_end, T2_observed,
       T2_theory, f64 plateau_deg, i64 plateau_step, rate_start, rate_end,
       f64 rate, rate_c, rate_r2,
     i64 T1_empirical, i64 growth_start, u32 count (9): per RATE fit
       i64 start, first, last, n, u32 closed, f64 x 9 (sums, Welford moments),
     u32 k, k x (i64 first step with angle(w_j, s_j a) <= align_deg, i64 the
       same with s_j g_j) (-1: not yet).
   Memory and size are O(1) in the number of steps.
   margin_unit (a static string) is not stored: load keeps the
   constructor's.  Scratch (angles, accumulators) is not stored either.
   A finished checker cannot be saved (-1).  sg_inv_load reads exactly len
   bytes and returns -1, leaving c unchanged, on anything malformed or
   truncated, or when name, d, k, class, steps, mu, sigma, |a| or the
   thresholds differ from c's, or a step or count is out of range for the
   configuration. */
int sg_inv_save(const sg_inv_checker *c, FILE *fp);
int sg_inv_load(sg_inv_checker *c, FILE *fp, size_t len);

/* Online quantities of the last state fed (for CSV columns, progress). */
int sg_inv_phase_now(const sg_inv_checker *c);     /* 1, 2 or 3 */
double sg_inv_dist2_now(const sg_inv_checker *c);  /* distance^2 to the optimum */
double sg_inv_homog_ratio_now(const sg_inv_checker *c); /* max_j |res|/tol */
double sg_inv_imbal_ratio_now(const sg_inv_checker *c); /* last step, max_j |res|/tol */

/* Configuration class (decides which claims of the theory apply). */
typedef enum {
    SG_CLASS_PAIR = 0,   /* k = 2, opposite initial signs: the theorem's setting */
    SG_CLASS_SAME_SIGN,  /* k = 2, equal initial signs: the known failure        */
    SG_CLASS_GENERAL     /* any other k: group-level quantities                 */
} sg_inv_class;
sg_inv_class sg_inv_classify(int k, const double *sign0);

/* The one-sign saddle a run ended at, any k (stuck.h: every active output
   weight shares one sign, loss ~ |a|^2/4); 1 if identified, with a one-line
   description in buf. */
int sg_inv_stuck(const sg_inv_checker *c, const double *theta, double loss, char *buf,
                 size_t len);

/* Angle in degrees between w_j and s_j g_j, where g_j is the half-space
   direction the loss sees for neuron j,
     g_j = (1/n) sum_i (y_i - f_i) 1{w_j.x_i > 0} x_i   (empirical loss)
     g_j = E[(y - f) 1{w_j.x > 0} x]                    (population loss),
   read off the gradient: grad_{w_j} L = -v_j g_j (up to a positive constant
   of the loss's normalisation), so s_j g_j points along -s_j sign(v_j) gw.
   NaN when v_j = 0, w_j = 0 or gw = 0.  tmp: d scratch. */
double sg_halfspace_angle_deg(int d, const double *w, const double *gw, double v, double s,
                              double *tmp);
/* The angle between the empirical direction at a small initialisation
   (f ~ 0) and a: with x ~ N(0, I), y = a.x, the population direction is
   E[y 1{w.x > 0} x] = a/2 (E[x x^T 1{w.x > 0}] = I/2 by x -> -x symmetry),
   and each of the d - 1 components orthogonal to a of the n-sample mean has
   variance E[y^2 1{w.x>0} x_perp^2]/n = |a|^2/(2n) (w along a), so
   tan(angle) ~ sqrt((d-1)|a|^2/(2n)) / (|a|/2) = sqrt(2(d-1)/n).
   Degrees; 0 for n = 0 (population loss: the direction is a/2 itself). */
double sg_plateau_predicted_deg(int d, int n);

/* Mark a finished checker's run as stuck at the one-sign saddle: RATE
   becomes not-applicable (no optimum is approached) and the phase lines of
   the table say so instead of "phase 3 from step t". */
void sg_inv_mark_stuck(sg_inv_checker *c);

/* Distance to the optimum of theta (design section 2):
   k = 2 (paper):  sum_j |v_j w_j - a|^2   (the paper's |diag(v)W - [a,-a]^T|_F^2
                   in its convention v_2 > 0);
   any k:          |sum_j v_j w_j - 2a|   and the worst per-line sum
                   |sum_{j on the line} v_j |w_j|| / |a| (lines: neurons within
                   line_deg of each other, greedy in index order). */
double sg_opt_dist2_pair(int d, int k, const double *a, const double *theta);
double sg_opt_sum_dist(int d, int k, const double *a, const double *theta);
double sg_opt_line_residual(int d, int k, const double *a, const double *theta,
                            double line_deg, int *nlines);

/* ceil(404/(mu|a|)) and ceil((32/(mu|a|)) ln(sqrt|a|/sigma)) (0 if the log is < 0) */
long sg_phase_T1_theory(double mu, double a_norm);
long sg_phase_T2_theory(double mu, double a_norm, double sigma);

/* Exact residuals of given doubles (every product exact, one correctly
   rounded sum: the exact accumulator of shadow/xacc.h rounded to 53 bits,
   then to double; NaN if an input is not finite).  w, g: d entries of
   neuron j; v, gv scalars. */
double sg_exact_homog(int d, const double *w, const double *g, double v, double gv);
double sg_exact_imbal(int d, double mu, const double *w, const double *g, double v,
                      double gv, const double *w1, double v1);
/* exact b+ - b = (|w1|^2 - v1^2) - (|w|^2 - v^2) */
double sg_exact_db(int d, const double *w, double v, const double *w1, double v1);

/* Round-off of the double update w+ = fl(w - fl(mu g)) (empirical.h): bound on
   |(b+ - b) - (exact b+ - b for the unrounded update)| for one neuron. */
double sg_update_imbal_bound(int d, double mu, const double *g, double gv,
                             const double *w1, double v1);
/* the same for an update computed with unit round-off u (MPFR: u = 2^-p) */
double sg_update_imbal_bound_u(int d, double mu, const double *g, double gv,
                               const double *w1, double v1, double u);

/* JSON: the "invariants" object (double checker, MPFR checker or NULL,
   shadow-owned IDs described by 'shadow_note') and the "phases" object. */
void sg_inv_json(struct sg_json *j, const sg_inv_checker *dbl, const sg_inv_checker *mp);
void sg_inv_json_phases(struct sg_json *j, const sg_inv_checker *dbl,
                        const sg_inv_checker *mp);
/* The human verdict table. */
void sg_inv_table(FILE *fp, const sg_inv_checker *dbl, const sg_inv_checker *mp);

#endif
