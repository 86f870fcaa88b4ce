/* measure.h -- Model B's per-step measurements (design section 6, issue 10
 * item 4): singular values of U V^T, the imbalance ||U^T U - V^T V||_2, the
 * relative error ||U V^T - X*||_F / ||X*||_F and the largest principal angle
 * between the top-r left singular subspace of U V^T and col(U*).
 * These are measurements, not proved kernels: the SVDs and the symmetric
 * eigenproblem are LAPACK's (LAPACKE dgesvd, dsyev; Debian liblapacke-dev,
 * liblapack-dev), with their backward-stable accuracy.  The products U V^T
 * and U^T U - V^T V are formed in double, left to right. */
#ifndef SG_SENS_MEASURE_H
#define SG_SENS_MEASURE_H

#include "kernels/sensing/problem.h"

#define SG_SENS_MAX_SIGMA 64   /* singular values reported: min(r + 1, n1, n2, this) */

typedef struct {
    int nsigma;                      /* min(r + 1, n1, n2, SG_SENS_MAX_SIGMA) */
    double sigma[SG_SENS_MAX_SIGMA]; /* sigma_1 >= ... of U V^T             */
    double imbalance;                /* ||U^T U - V^T V||_2                  */
    double rel_error;                /* ||U V^T - X*||_F / ||X*||_F          */
    double angle;                    /* largest principal angle, radians     */
} sg_sens_meas;

typedef struct {
    int n1, n2, k, r;
    double *P, *sv, *Ul, *D, *C, *R, *work;
} sg_sens_meas_ws;

int sg_sens_meas_init(sg_sens_meas_ws *ws, const sg_sens_problem *p);
void sg_sens_meas_free(sg_sens_meas_ws *ws);

/* all measurements at theta = [U | V]; 0, or -1 if LAPACK fails */
int sg_sens_measure(sg_sens_meas_ws *ws, const sg_sens_problem *p, const double *theta,
                    sg_sens_meas *out);

/* Largest principal angle between col(Q) and col(Us), both n x r with
   orthonormal columns (row-major): atan2(sigma_max((I - Us Us^T) Q),
   sigma_min(Us^T Q)) -- accurate near 0 and near pi/2.  scratch: 2 n r +
   r*r + n doubles.  Returns the angle, or NaN if LAPACK fails. */
double sg_sens_principal_angle(int n, int r, const double *Q, const double *Us, double *scratch);

/* ||S||_2 of a symmetric k x k matrix (row-major, destroyed); scratch k
   doubles; NaN if LAPACK fails */
double sg_sens_sym_norm2(int k, double *S, double *scratch);

#endif
