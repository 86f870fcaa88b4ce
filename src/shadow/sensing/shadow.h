/* shadow.h -- Model B's MPFR mirror of one GD step (design section 5).
 *
 * From an MPFR state theta (read from the double trajectory for the local
 * step audit, or the independent MPFR trajectory), at precision prec
 * (>= 113, default 128), every intermediate of sensing.h's operation order:
 *   P[a][b] = sum_j U[a][j] V[b][j]        recursive, mpfr_fma (one rounding
 *                                          per term)
 *   s_i     = sum_q A[i][q] P[q]           EXACT (xacc.h), rounded once
 *   res_i   = RN(RN(s_i c) - y_i)
 *   L       = RN(1/2 * sum_i res_i^2)      recursive mpfr_fma
 *   M[q]    = RN(RN(sum_i res_i A[i][q]) c) exact sum (xacc.h), 32 columns
 *                                          at a time
 *   GU, GV  recursive mpfr_fma in sensing.h's order
 *   theta+  = RN(theta - RN(mu grad))
 * The doubles A, y, c, mu are the same as the kernels' (exact in MPFR).
 * Every shadow result is within the Model B chain of specs/roundoff.md
 * evaluated with u = 2^-prec, eta = 0 (an exact sum rounded once is within
 * the recursive bound), which is how the audit accounts for the shadow's
 * own error.
 */
#ifndef SG_SENS_SHADOW_H
#define SG_SENS_SHADOW_H

#include "kernels/sensing/problem.h"
#include "shadow/xacc.h"
#include <stdio.h> /* before mpfr.h: its FILE functions */
#include <mpfr.h>

#define SG_SENS_SHADOW_QBLOCK 32   /* columns of M accumulated at once */

typedef struct {
    long prec;
    int n1, n2, k, m, N;
    long len;             /* (n1 + n2) k                      */
    mpfr_t *theta;        /* len: the state the step starts from */
    mpfr_t *P;            /* N */
    mpfr_t *res;          /* m */
    mpfr_t loss;
    mpfr_t *M;            /* N */
    mpfr_t *grad;         /* len: [GU | GV] */
    mpfr_t *theta_new;    /* len */
    mpfr_t t0;
    sg_xnum *Px, *rx;     /* decompositions of P and res */
    uint64_t *limbs;
    sg_xacc *acc;         /* SG_SENS_SHADOW_QBLOCK accumulators */
    mpz_t z;
    long range_errors;    /* accumulator overflows or non-finite values */
} sg_sens_mp;

/* 0, or -1 (out of memory, or prec outside [53, SG_XACC_MAX_PREC]) */
int sg_sens_mp_init(sg_sens_mp *s, const sg_sens_problem *p, long prec);
void sg_sens_mp_free(sg_sens_mp *s);

/* s->theta <- theta (exact) */
void sg_sens_mp_set_theta(sg_sens_mp *s, const double *theta);
/* out <- s->theta rounded to nearest double */
void sg_sens_mp_get_theta(const sg_sens_mp *s, double *out);

/* every intermediate of one step from s->theta with step size mu */
void sg_sens_mp_step(sg_sens_mp *s, const sg_sens_problem *p, double mu);

/* trajectory: s->theta <- s->theta_new (after sg_sens_mp_step) */
void sg_sens_mp_advance(sg_sens_mp *s);

/* ||theta_double - theta_mp||_2 / ||theta_mp||_2 (divergence), rounded
   to nearest; 0 if both are zero */
double sg_sens_mp_divergence(sg_sens_mp *s, const double *theta);

#endif
