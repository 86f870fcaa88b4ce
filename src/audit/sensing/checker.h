/* checker.h -- the invariants of matrix sensing (design section 6, Model B)
 * on ONE trajectory (the double one, or the MPFR shadow's rounded to
 * double), from per-state measurements (measure.h) and per-step balance
 * residuals (balance.h):
 *
 *   BALANCE    D+ = D + mu^2 (G_U^T G_U - G_V^T G_V), D = U^T U - V^T V, at
 *              every step within its tolerance (balance.h: the rounding
 *              model on the double trajectory, 2^-p on the MPFR one)
 *   IMBALANCE  ||D_t||_2 against its O(alpha^2) start and the accumulated
 *              drift: held while ||D_t||_2 <= ||D_0||_2 + k sum_{s<t} drift_s
 *              (drift_s = ||mu^2 (G_U^T G_U - G_V^T G_V)||_max, so the k
 *              factor bounds the 2-norm by the max norm), plus 1e-12 of slack
 *              for the measurement's own rounding
 *   LOWRANK    max_t sigma_{r+1}(U_t V_t^T) <= lowrank_factor * alpha
 *   RECOVERY   final ||U V^T - X*||_F / ||X*||_F <= recovery_factor * alpha
 *   SPECTRAL   the largest principal angle between the top-r left singular
 *              subspace of U V^T and col(U*) ends below spectral_deg (the
 *              first step below it is reported)
 *   PHASES     as observed: alignment (SPECTRAL's first step below the
 *              threshold), end of growth (first step with sigma_r(U V^T) >=
 *              s_r / 2, s_r the smallest singular value of X*), refinement
 *              after it; held when alignment comes no later than the end of
 *              growth, not-applicable when a phase was not reached
 *   DESCENT    L(t+1) <= L(t) + tol(t) + tol(t+1)
 * BOUND, FLIPS and DIVERGE are set by the observer from the shadow.
 * Thresholds are parameters (sensing_config.h); the verdicts are computed
 * by sg_sens_inv_finish from running statistics kept in O(1) memory.
 */
#ifndef SG_SENS_CHECKER_H
#define SG_SENS_CHECKER_H

#include "audit/sensing/balance.h"
#include "audit/sensing/measure.h"
#include "audit/verdict.h"
#include <stdio.h>

struct sg_json;

typedef enum {
    SG_SI_BALANCE = 0, SG_SI_IMBALANCE, SG_SI_LOWRANK, SG_SI_RECOVERY, SG_SI_SPECTRAL,
    SG_SI_PHASES, SG_SI_DESCENT, SG_SI_BOUND, SG_SI_FLIPS, SG_SI_DIVERGE, SG_SI_COUNT
} sg_sens_inv_id;

const char *sg_sens_inv_name(int id);

typedef struct {
    double alpha, mu;
    int r, k;
    long steps;
    double s_r;              /* smallest singular value of X*          */
    double lowrank_factor;   /* LOWRANK: sigma_{r+1} <= this * alpha   */
    double recovery_factor;  /* RECOVERY: rel. error <= this * alpha   */
    double spectral_deg;     /* SPECTRAL threshold, degrees            */
} sg_sens_inv_setup;

/* running statistics, in O(1) memory (saved in checkpoints, in this order:
   the longs, then the doubles) */
#define SG_SENS_STAT_LONGS(X)                                                   \
    X(states) X(steps) X(descent_first) X(imb_max_step) X(imb_first)            \
    X(lowrank_max_step) X(err_min_step) X(spectral_first) X(growth_end)         \
    X(balance_viol) X(balance_first)
#define SG_SENS_STAT_DOUBLES(X)                                                 \
    X(loss_prev) X(tol_prev) X(descent_worst) X(imb0) X(imb_max) X(drift_sum)   \
    X(imb_worst) X(lowrank_max) X(lowrank_ratio_at_max) X(err_final) X(err_min) \
    X(angle_final) X(balance_max_ratio) X(balance_max_drift) X(sigma_r_final)   \
    X(sigma_r1_final)
#define SG_SENS_STAT_LONG_FIELD(f) long f;
#define SG_SENS_STAT_DOUBLE_FIELD(f) double f;
typedef struct {
    SG_SENS_STAT_LONGS(SG_SENS_STAT_LONG_FIELD)
    SG_SENS_STAT_DOUBLES(SG_SENS_STAT_DOUBLE_FIELD)
} sg_sens_inv_stats;

typedef struct {
    char name[16];           /* "double" or "mpfr"                     */
    sg_sens_inv_setup set;
    sg_sens_inv_stats st;
    sg_vresult res[SG_SI_COUNT];
    int finished;
} sg_sens_checker;

void sg_sens_inv_init(sg_sens_checker *c, const char *name, const sg_sens_inv_setup *set);
/* state t: its loss, the loss's tolerance (0: exact), its measurements */
void sg_sens_inv_state(sg_sens_checker *c, long t, double loss, double tol,
                       const sg_sens_meas *m);
/* the balance residual of the step t -> t+1 (balance.h) */
void sg_sens_inv_balance(sg_sens_checker *c, long t, const sg_sens_balance *b);
/* verdicts of BALANCE ... DESCENT from the statistics (idempotent) */
void sg_sens_inv_finish(sg_sens_checker *c);

/* checkpoint: the statistics as little-endian numbers (binio.h) */
int sg_sens_inv_save(const sg_sens_checker *c, FILE *fp);
int sg_sens_inv_load(sg_sens_checker *c, FILE *fp, size_t len);

/* summary.json "invariants" (mp may be NULL) and the verdict table */
void sg_sens_inv_json(struct sg_json *j, const sg_sens_checker *dbl, const sg_sens_checker *mp);
void sg_sens_inv_table(FILE *fp, const sg_sens_checker *dbl, const sg_sens_checker *mp);

#endif
