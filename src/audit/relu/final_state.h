/* final_state.h -- the structure of the state a run ended at, any k
 * (design section 2, zero-loss characterisation): per neuron W, v, its
 * contribution v_j |w_j|, its angle to +a and -a, its line, dead or not;
 * the per-sign-group sums sum_{v_j > 0} v_j w_j and sum_{v_j < 0} v_j w_j
 * against a (both equal a at a global optimum in the signed convention:
 * f(x) = ReLU(a.x) - ReLU(-a.x) takes one a-line neuron of each sign), and
 * the per-line sums sum_{j on a line} v_j |w_j| (0 at zero loss).
 * A neuron is dead when |v_j| |w_j| <= SG_DEAD_FRAC |a| (stuck.h). */
#ifndef SG_FINAL_STATE_H
#define SG_FINAL_STATE_H

#include <stdio.h>

struct sg_json;

/* line[j]: index of neuron j's line (neurons within line_deg of one line
   through 0, greedy in index order as sg_opt_line_residual), -1 for w_j = 0;
   returns the number of lines */
int sg_final_lines(int d, int k, const double *theta, double line_deg, int *line);

/* pos, neg: d entries each, sum_{v_j > 0} v_j w_j and sum_{v_j < 0} v_j w_j */
void sg_final_group_sums(int d, int k, const double *theta, double *pos, double *neg);

/* final_state.csv in dir (atomic); 0 or -1 (message printed) */
int sg_final_state_write(const char *dir, int d, int k, const double *a, const double *theta,
                         double line_deg);

/* the "final_structure" member of summary.json, and its report lines */
void sg_final_structure_json(struct sg_json *j, int d, int k, const double *a,
                             const double *theta, double line_deg);
void sg_final_structure_report(FILE *fp, int d, int k, const double *a, const double *theta,
                               double line_deg);

#endif
