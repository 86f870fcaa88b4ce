/* tol_abs.c -- the tolerances' |w||x| sums from a blocked copy of |X| (see tol_abs.h). */
#include "audit/relu/tol_abs.h"
#include "kernels/vector.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Layout: sample i = SG_TOL_LANES b + r, entry l of |x_i| at
   ax[(b d + l) SG_TOL_LANES + r], so the l-th entries of a block's samples
   are one aligned vector.  Samples are padded with zeros up to a multiple
   of SG_TOL_BLOCK: every call computes whole blocks (a padded sample's sums
   are 0 and never returned). */
struct sg_tol_abs {
    int n, d, k;
    double *ax;  /* |X| blocked, n rounded up to SG_TOL_BLOCK samples */
    double *aw;  /* |W|, k x d                                          */
};

sg_tol_abs *sg_tol_abs_new(int n, int d, int k, const double *X)
{
    sg_tol_abs *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    long np = ((long)n + SG_TOL_BLOCK - 1) / SG_TOL_BLOCK * SG_TOL_BLOCK;
    size_t nax = (size_t)np * (size_t)(d > 0 ? d : 1), naw = (size_t)k * (size_t)d + 1;
    /* aligned_alloc wants a multiple of the alignment; one vector is 64 bytes */
    size_t bytes = (nax * sizeof(double) + 63) / 64 * 64;
    t->n = n;
    t->d = d;
    t->k = k;
    t->ax = aligned_alloc(64, bytes);
    t->aw = malloc(naw * sizeof(double));
    if (!t->ax || !t->aw) {
        sg_tol_abs_free(t);
        return NULL;
    }
    memset(t->ax, 0, bytes);
    for (long i = 0; i < n; i++) {
        double *blk = t->ax + (i / SG_TOL_LANES) * (long)d * SG_TOL_LANES + i % SG_TOL_LANES;
        for (int l = 0; l < d; l++)
            blk[(long)l * SG_TOL_LANES] = fabs(X[i * d + l]);
    }
    return t;
}

void sg_tol_abs_free(sg_tol_abs *t)
{
    if (!t)
        return;
    free(t->ax);
    free(t->aw);
    free(t);
}

void sg_tol_abs_weights(sg_tol_abs *t, const double *theta)
{
    for (long q = 0; q < (long)t->k * t->d; q++)
        t->aw[q] = fabs(theta[q]);
}

#if defined(__GNUC__)
/* GNU C vectors: elementwise IEEE operations, one rounding each; with
   -ffp-contract=off (Makefile) a * b + c stays a product and a sum */
typedef double vd __attribute__((vector_size(8 * SG_TOL_LANES)));
typedef uint64_t vu __attribute__((vector_size(8 * SG_TOL_LANES)));
#define VABS(x) ((vd)((vu)(x) & ((vu){0} + UINT64_C(0x7fffffffffffffff))))
#define VLOAD(p) (*(const vd *)(p))
#define VZERO ((vd){0})
#define VLANE(x, r) ((x)[r])
#else
/* the same lanes as a struct, one scalar operation per lane */
typedef struct { double e[SG_TOL_LANES]; } vd;
#endif

#if defined(__GNUC__)
/* acc += w * x, lane by lane, w and x >= +0 (or NaN): every product is
   >= +0 already, so the scalar loop's per-term fabs changed nothing but the
   sign of a NaN (Inf * 0 gives a negative NaN on x86-64), and a sum of such
   terms is >= +0 or NaN; one fabs of the finished sum (VABS below) clears
   that sign as the per-term fabs did, so the bits are the scalar loop's
   with a third fewer vector operations */
#define ACC(acc, w, x) ((acc) += (w) * (x))

/* Four vectors of samples (one block) against columns j (and j + 1 if
   two): the sums of the documented order, advancing together. */
SG_VECTOR_CLONES
static void block_cols(int d, int k, const double *xb, const double *aw, int j, int two,
                       double *S)
{
    const long V = (long)d * SG_TOL_LANES; /* stride between vectors of samples */
    const double *wa = aw + (long)j * d, *wb = two ? wa + d : wa;
    vd a0 = VZERO, a1 = VZERO, a2 = VZERO, a3 = VZERO;
    vd b0 = VZERO, b1 = VZERO, b2 = VZERO, b3 = VZERO;
    for (int l = 0; l < d; l++) {
        const double *x = xb + (long)l * SG_TOL_LANES;
        vd x0 = VLOAD(x), x1 = VLOAD(x + V), x2 = VLOAD(x + 2 * V), x3 = VLOAD(x + 3 * V);
        double u = wa[l], v = wb[l];
        ACC(a0, u, x0);
        ACC(a1, u, x1);
        ACC(a2, u, x2);
        ACC(a3, u, x3);
        if (two) {
            ACC(b0, v, x0);
            ACC(b1, v, x1);
            ACC(b2, v, x2);
            ACC(b3, v, x3);
        }
    }
    a0 = VABS(a0), a1 = VABS(a1), a2 = VABS(a2), a3 = VABS(a3);
    b0 = VABS(b0), b1 = VABS(b1), b2 = VABS(b2), b3 = VABS(b3);
    for (int r = 0; r < SG_TOL_LANES; r++) {
        S[(long)r * k + j] = VLANE(a0, r);
        S[(long)(r + SG_TOL_LANES) * k + j] = VLANE(a1, r);
        S[(long)(r + 2 * SG_TOL_LANES) * k + j] = VLANE(a2, r);
        S[(long)(r + 3 * SG_TOL_LANES) * k + j] = VLANE(a3, r);
        if (two) {
            S[(long)r * k + j + 1] = VLANE(b0, r);
            S[(long)(r + SG_TOL_LANES) * k + j + 1] = VLANE(b1, r);
            S[(long)(r + 2 * SG_TOL_LANES) * k + j + 1] = VLANE(b2, r);
            S[(long)(r + 3 * SG_TOL_LANES) * k + j + 1] = VLANE(b3, r);
        }
    }
}
#else
static void block_cols(int d, int k, const double *xb, const double *aw, int j, int two,
                       double *S)
{
    const long V = (long)d * SG_TOL_LANES;
    for (int c = 0; c < 1 + two; c++) {
        const double *w = aw + (long)(j + c) * d;
        for (int r = 0; r < SG_TOL_BLOCK; r++) {
            const double *x = xb + (r / SG_TOL_LANES) * V + r % SG_TOL_LANES;
            double s = 0.0;
            for (int l = 0; l < d; l++)
                s += fabs(w[l] * x[(long)l * SG_TOL_LANES]);
            S[(long)r * k + j + c] = s;
        }
    }
}
#endif

int sg_tol_abs_block(const sg_tol_abs *t, int i0, double *S)
{
    int d = t->d, k = t->k;
    int nb = t->n - i0 < SG_TOL_BLOCK ? t->n - i0 : SG_TOL_BLOCK;
    const double *xb = t->ax + (long)(i0 / SG_TOL_LANES) * d * SG_TOL_LANES;
    for (int j = 0; j < k; j += 2)
        block_cols(d, k, xb, t->aw, j, j + 1 < k, S);
    return nb;
}
