/* safe_box.h -- the magnitude box in which one Model B GD step is proved
 * free of floating-point overflow and NaN (proofs/eva/sensing_step.c, run by
 * `make proofs`).  These constants are the single source of both the Eva
 * harness and the run-time checks below, which the run loop calls: a run
 * whose configuration, data or state leaves the box must stop with the
 * one-line message instead of continuing outside the proved region. */
#ifndef SG_SENS_SAFE_BOX_H
#define SG_SENS_SAFE_BOX_H

#include <stddef.h>

#define SG_SENS_SAFE_DIM_MAX 512     /* n1, n2 and k                  */
#define SG_SENS_SAFE_M_MAX 65536     /* measurements m                */
#define SG_SENS_SAFE_A_MAX 1.0e2     /* |A_iq| (N(0,1) entries)       */
#define SG_SENS_SAFE_Y_MAX 1.0e6     /* |y_i|                         */
#define SG_SENS_SAFE_F_MAX 1.0e4     /* |U_aj|, |V_bj|                */
#define SG_SENS_SAFE_MU_MAX 1.0e2    /* 0 <= mu <= SG_SENS_SAFE_MU_MAX */
/* c = 1/sqrt(m) lies in (0, 1] for every m >= 1 */

/* Each returns 0 inside the box, else -1 with one line (no newline) in
   msg naming the offending value; NaN and infinities are outside. */
int sg_sens_safe_sizes(int n1, int n2, int k, int m, double mu, char *msg, size_t len);
/* data: A (m*N) and y (m) */
int sg_sens_safe_data(int m, int N, const double *A, const double *y, char *msg, size_t len);
/* state: theta = [U | V], len entries */
int sg_sens_safe_state(long len, const double *theta, char *msg, size_t len_msg);

#endif
