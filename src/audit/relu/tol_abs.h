/* tol_abs.h -- the |w||x| sums of the empirical tolerances (tolerance.h),
 * S_ij = sum_l |w_jl x_il|, from a copy of |X| laid out for vector code
 * (issue 14, item 4: the scalar sums were a quarter of a run without the
 * shadow, more than the rest of the audit together).
 *
 * Every S_ij keeps the bits of the scalar loop it replaces: from 0.0, l
 * increasing, each product rounded and then added, fabs(fl(w x)) ==
 * fabs(fl(|w| |x|)) in IEEE arithmetic (rounding to nearest is symmetric;
 * the fabs also clears the sign of a NaN from Inf * 0, as before).  Vector
 * lanes hold different samples, never different terms of one sum, so no
 * sum is reordered; the vector width (SG_VECTOR_CLONES) changes nothing.
 *
 * Memory: the copy holds n*d doubles (n rounded up to SG_TOL_LANES), the
 * size of X, allocated when the invariant audit is attached to an
 * empirical-loss run; X is fixed for the run (design section 2: full
 * batch), so one copy serves every step.  Without it (allocation failed)
 * the tolerance code falls back to its scalar loop, same bits.
 */
#ifndef SG_TOL_ABS_H
#define SG_TOL_ABS_H

/* samples per vector: 8 doubles, one AVX-512 register */
#define SG_TOL_LANES 8
/* samples per call of sg_tol_abs_block: four vectors of samples share each
   load of |w_jl| (and give eight independent chains with two columns) */
#define SG_TOL_BLOCK (4 * SG_TOL_LANES)

typedef struct sg_tol_abs sg_tol_abs;

/* The copy of |X| (n x d, row-major) for k neurons; NULL if out of memory. */
sg_tol_abs *sg_tol_abs_new(int n, int d, int k, const double *X);
void sg_tol_abs_free(sg_tol_abs *t);

/* Load |W| (the first k*d entries of theta) for the blocks that follow. */
void sg_tol_abs_weights(sg_tol_abs *t, const double *theta);

/* S[r*k + j] <- S_{i0+r, j} for r = 0..nb-1, nb = min(SG_TOL_BLOCK, n - i0),
   i0 a multiple of SG_TOL_BLOCK; returns nb. */
int sg_tol_abs_block(const sg_tol_abs *t, int i0, double *S);

#endif
