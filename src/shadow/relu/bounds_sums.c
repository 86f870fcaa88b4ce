/* bounds_sums.c -- the round-off bounds' two long sums over X, in vector
 * code (issue 14, item 5: as scalar loops they were 15 % of the audited
 * step, sg_bounds_absdot_rows 5 % and E7's rows 10 %, perf of
 * tests/bench/audit_loop.c).
 *
 * Both run under the caller's FE_UPWARD (bounds.c) and keep the bits of
 * the scalar loops they replace: each output is still summed from 0.0 (or
 * from its previous value) over the same terms in the same order, every
 * product and sum rounded upwards once; vector lanes hold different
 * outputs (columns j of S, entries l of a gW row), never terms of one sum.
 * The vector width (SG_VECTOR_CLONES) changes nothing.  Compiled with
 * -frounding-math (bounds_private.h) like the rest of the bounds. */
#include "kernels/vector.h"
#include "shadow/relu/bounds_private.h"
#include <stdlib.h>

/* columns of S advanced together (one AVX-512 vector) and samples per tile:
   4 x 8 sums give eight independent vector chains, each |x| loaded once for
   its row's 8 columns and each |w| vector once for the 4 rows */
#define AB_COLS 8
#define AB_ROWS 4

#if defined(__GNUC__)
typedef double ab_vec __attribute__((vector_size(8 * AB_COLS)));
#define AB_SPLAT(x) ((ab_vec){0} + (x))

/* S[i][j] for a tile of rows i0.. (nr of them) and columns jb.. (nc): Wt is
   |W| transposed, kp columns a row (a multiple of AB_COLS, zeros past k) */
SG_VECTOR_CLONES
static void absdot_tile(int d, int k, int kp, const double *x0, int nr, int jb, int nc,
                        const double *Wt, double *S)
{
    const double *x1 = nr > 1 ? x0 + d : x0, *x2 = nr > 2 ? x0 + 2L * d : x0,
                 *x3 = nr > 3 ? x0 + 3L * d : x0;
    ab_vec a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
    for (int l = 0; l < d; l++) {
        ab_vec w = *(const ab_vec *)(Wt + (long)l * kp + jb);
        a0 = a0 + AB_SPLAT(fabs(x0[l])) * w;
        a1 = a1 + AB_SPLAT(fabs(x1[l])) * w;
        a2 = a2 + AB_SPLAT(fabs(x2[l])) * w;
        a3 = a3 + AB_SPLAT(fabs(x3[l])) * w;
    }
    for (int c = 0; c < nc; c++) {
        S[jb + c] = a0[c];
        if (nr > 1)
            S[(long)k + jb + c] = a1[c];
        if (nr > 2)
            S[2L * k + jb + c] = a2[c];
        if (nr > 3)
            S[3L * k + jb + c] = a3[c];
    }
}
#endif

/* the scalar loop the tiles replace (and the path without GNU C vectors
   or without memory for Wt) */
static void absdot_scalar(int n, int d, int k, const double *X, const double *W, double *S)
{
    for (int i = 0; i < n; i++) {
        const double *x = X + (long)i * d;
        for (int j = 0; j < k; j++) {
            const double *w = W + (long)j * d;
            double s = 0.0;
            for (int l = 0; l < d; l++)
                s = s + fabs(x[l]) * fabs(w[l]);
            S[(long)i * k + j] = s;
        }
    }
}

void sg_bounds_absdot_sums(int n, int d, int k, const double *X, const double *W, double *S)
{
#if defined(__GNUC__)
    int kp = (k + AB_COLS - 1) / AB_COLS * AB_COLS;
    size_t bytes = ((size_t)kp * (size_t)(d > 0 ? d : 1) * sizeof(double) + 63) / 64 * 64;
    double *Wt = n > 0 && k > 0 ? aligned_alloc(64, bytes) : NULL;
    if (Wt) {
        for (int l = 0; l < d; l++)
            for (int j = 0; j < kp; j++)
                Wt[(long)l * kp + j] = j < k ? fabs(W[(long)j * d + l]) : 0.0;
        for (int i0 = 0; i0 < n; i0 += AB_ROWS) {
            int nr = n - i0 < AB_ROWS ? n - i0 : AB_ROWS;
            for (int jb = 0; jb < k; jb += AB_COLS)
                absdot_tile(d, k, kp, X + (long)i0 * d, nr, jb, k - jb < AB_COLS ? k - jb : AB_COLS,
                            Wt, S + (long)i0 * k);
        }
        free(Wt);
        return;
    }
#endif
    absdot_scalar(n, d, k, X, W, S);
}

SG_VECTOR_CLONES
void sg_bounds_add_scaled_abs(int d, double c, const double *restrict x, double *restrict y)
{
    for (int l = 0; l < d; l++)
        y[l] = y[l] + c * fabs(x[l]);
}
