/* problem.h -- Model B's problem instance: sizes, planted matrix, measurements,
 * initialisation (design section 3; docs/sensing.md "Data").
 *
 * Everything is drawn from the project's PRNG (kernels/rng.h), one stream per
 * role, so changing m does not change X* or theta_0:
 *   SG_STREAM_TARGET  G_U (n1 x r, row-major), then G_V (n2 x r): the
 *                     Gaussian matrices whose QR factors are U*, V*
 *   SG_STREAM_DATA    A: m*N normals, A[i][q] in the order i, then q
 *   SG_STREAM_INIT    Ubar (n1*k), then Vbar (n2*k), row-major
 * QR: modified Gram-Schmidt on the columns, in column order, every inner
 * product a left-to-right sum over the rows, and the norm by sqrt (IEEE
 * correctly rounded, hence libm-independent) -- a deterministic kernel, not
 * LAPACK, so that the data are bit-identical on every build (dgeqrf's
 * blocking and BLAS's summation order are implementation-defined).
 * Singular values: s_l = 1 - (1 - 1/kappa) * l / (r - 1), l = 0..r-1
 * (linear from 1 down to 1/kappa; s_0 = 1 for r = 1), so ||X*||_2 = s_0 = 1.
 *   X*[a][b] = sum_l (U*[a][l] * s_l) * V*[b][l]   (l left to right)
 *   y[i]     = (sum_q A[i][q] * X*[q]) * c          (the residual's order)
 *   c        = 1.0 / sqrt((double)m)                (two correct roundings)
 * The model's normalisation is this double c: the exact step the shadow
 * compares against uses the same c, as it uses the same double mu.
 * Init: theta_0 = [U0 | V0], U0[a][j] = (alpha / sqrt(k)) * g (one double
 * scale, then one product), g ~ N(0,1) from the init stream: entries
 * alpha * N(0, 1/k).
 */
#ifndef SG_SENS_PROBLEM_H
#define SG_SENS_PROBLEM_H

#include <stddef.h>
#include <stdint.h>

/* largest m * n1 * n2 accepted (entries of A: 8 bytes each, 2 GiB) */
#define SG_SENS_MAX_A_ENTRIES (1L << 28)
/* largest n1, n2, k (keeps every product of sizes far inside int) */
#define SG_SENS_MAX_DIM 4096

typedef struct {
    int n1, n2, r, k, m;
    int N;            /* n1 * n2                                  */
    double kappa;     /* condition number of X*                    */
    double c;         /* 1.0 / sqrt((double)m)                     */
    double *A;        /* m * N, row i = A_i flattened row-major    */
    double *y;        /* m                                         */
    double *Xs;       /* N: X* row-major                           */
    double *Us, *Vs;  /* n1 * r, n2 * r: orthonormal columns       */
    double *s;        /* r: singular values of X*                  */
} sg_sens_problem;

/* 0 if the sizes are acceptable, else -1 with one line (no newline) in
   msg naming the offending value: 1 <= n1, n2 <= SG_SENS_MAX_DIM;
   1 <= rank <= min(n1, n2); rank <= k <= SG_SENS_MAX_DIM; m >= 1;
   m*n1*n2 <= SG_SENS_MAX_A_ENTRIES; kappa finite and >= 1. */
int sg_sens_check_sizes(int n1, int n2, int r, int k, int m, double kappa,
                        char *msg, size_t len);

/* Validates (as above) and allocates; 0, or -1 with msg (sizes or memory).
   The arrays are zero until sg_sens_problem_data. */
int sg_sens_problem_init(sg_sens_problem *p, int n1, int n2, int r, int k, int m,
                         double kappa, char *msg, size_t len);
void sg_sens_problem_free(sg_sens_problem *p);

/* U*, V*, s, X*, A, y from seed (streams above) */
void sg_sens_problem_data(sg_sens_problem *p, uint64_t seed);

/* length of theta = [U | V]: (n1 + n2) * k */
long sg_sens_theta_len(const sg_sens_problem *p);

/* theta <- [alpha Ubar | alpha Vbar] from seed (init stream) */
void sg_sens_init_theta(const sg_sens_problem *p, uint64_t seed, double alpha, double *theta);

/* Q <- orthonormal columns of the n x r row-major G (modified Gram-Schmidt,
   in place; order above).  Returns 0, or -1 if a column is (numerically)
   dependent (norm 0 after orthogonalisation). */
int sg_sens_mgs(int n, int r, double *G);

#endif
