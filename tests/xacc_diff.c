/* xacc_diff.c -- differential run of two builds of the exact accumulator
 * (issue 14, item 5): random dot and row sums through both, the rounded
 * results (three roundings, 128 and 53 bits) and the overflow flags must be
 * bit-identical.  The reference build is src/shadow/xacc.c of an earlier
 * revision compiled with its entry points renamed old_* (tests/xacc_diff.sh
 * does that); the struct layout (xacc.h) must be the same in both.  Terms:
 * x of 53, 64, 128 or 200 bits (a double, or a double / 3), doubles with
 * exponents centred anywhere and spread 0-80 or about 3000 bits, zeros of
 * both signs, subnormals, a few Inf/NaN b, exact cancellations. */
#include "shadow/xacc.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
void old_sg_xacc_init(sg_xacc *a); void old_sg_xacc_clear(sg_xacc *a);
void old_sg_xacc_dot_xd(sg_xacc *a, int m, const sg_xnum *x, const double *b);
void old_sg_xacc_row_xd(sg_xacc *acc, int m, const sg_xnum *x, const double *b);
void old_sg_xacc_get(sg_xacc *a, mpfr_t out, mpfr_rnd_t rnd, mpz_t scratch);
static uint64_t st = 0x9e3779b97f4a7c15ULL;
static uint64_t nx(void){ st ^= st << 13; st ^= st >> 7; st ^= st << 17; return st; }
static double rd(int e0, int sp){ uint64_t u = nx(); double m = 1.0 + (double)(u >> 12) * 0x1p-52;
  int e = e0 + (sp ? (int)(nx() % (uint64_t)(sp + 1)) : 0); double v = ldexp(m, e);
  uint64_t k = nx() % 200;
  if (k == 0) v = 0.0; else if (k == 1) v = -0.0; else if (k == 2) v = ldexp((double)(nx()%100000+1), -1074);
  else if (k == 3 && (nx() % 20) == 0) v = (nx()&1) ? INFINITY : NAN;
  return (u & 1) ? -v : v; }
int main(int argc, char **argv){
  long N = argc > 1 ? atol(argv[1]) : 200000;
  enum { M = 700, NB = 8 };
  static const long precs[4] = {53, 64, 128, 200};
  static const mpfr_rnd_t rn[3] = {MPFR_RNDN, MPFR_RNDZ, MPFR_RNDD};
  mpfr_t w[M], g1, g2; mpz_t z; mpz_init(z);
  uint64_t *limbs = malloc(sizeof(uint64_t) * 4 * M); sg_xnum xn[M]; double b[M];
  sg_xacc *A = malloc(sizeof *A * NB), *B = malloc(sizeof *B * NB);
  for (int q = 0; q < NB; q++) { sg_xacc_init(&A[q]); old_sg_xacc_init(&B[q]); }
  for (int q = 0; q < M; q++) { mpfr_init2(w[q], 200); xn[q].limb = limbs + 4 * q; }
  mpfr_inits2(128, g1, g2, (mpfr_ptr)0);
  long dflag = 0, dval = 0, novf = 0, nzero = 0, nrow = 0;
  for (long it = 0; it < N; it++) {
    long prec = precs[it % 4]; int sp = (int)(nx() % 4 == 0 ? 3000 : nx() % 81);
    int ew = -1100 + (int)(nx() % 2150), eb = -1074 + (int)(nx() % 2000);
    if (sp == 3000) { ew = -1500; eb = -1074; }
    int m = 1 + (int)(nx() % (it % 10 == 0 ? M : 120));
    int cancel = it % 7 == 0;
    for (int q = 0; q < m; q++) {
      mpfr_set_prec(w[q], prec);
      double d = rd(ew, sp); if (!isfinite(d)) d = 1.0;
      mpfr_set_d(w[q], d, MPFR_RNDN);
      if (prec > 53 && nx() % 3) mpfr_div_ui(w[q], w[q], 3, MPFR_RNDN);
      b[q] = rd(eb, sp > 1000 ? 1000 : sp);
      if (cancel && q >= (m + 1) / 2) { mpfr_set(w[q], w[m-1-q], MPFR_RNDN); b[q] = -b[m-1-q]; }
      sg_xnum_from_mpfr(&xn[q], w[q], z);
    }
    int row = it % 5 == 4;
    if (!row) {
      /* the new sg_xacc_dot_xd against the old one */
      for (int path = 0; path < 1; path++) {
        sg_xacc_clear(&A[0]); old_sg_xacc_clear(&B[0]);
        sg_xacc_dot_xd(&A[0], m, xn, b);
        old_sg_xacc_dot_xd(&B[0], m, xn, b);
        dflag += A[0].overflow != B[0].overflow; novf += A[0].overflow;
        for (int r = 0; r < 3; r++) {
          mpfr_set_prec(g1, r == 1 ? 53 : 128); mpfr_set_prec(g2, r == 1 ? 53 : 128);
          sg_xacc_get(&A[0], g1, rn[r], z); old_sg_xacc_get(&B[0], g2, rn[r], z);
          int same = (mpfr_nan_p(g1) && mpfr_nan_p(g2)) || (mpfr_equal_p(g1, g2) && mpfr_signbit(g1) == mpfr_signbit(g2));
          dval += !same; nzero += mpfr_zero_p(g1);
        }
      }
    } else { /* row sums: NB accumulators, m calls, x = w[i], b = m x NB values */
      nrow++;
      for (int q = 0; q < NB; q++) { sg_xacc_clear(&A[q]); old_sg_xacc_clear(&B[q]); }
      double bb[NB];
      for (int i = 0; i < m; i++) {
        for (int q = 0; q < NB; q++) bb[q] = rd(eb, sp > 1000 ? 1000 : sp);
        sg_xacc_row_xd(A, NB, &xn[i], bb); old_sg_xacc_row_xd(B, NB, &xn[i], bb);
      }
      for (int q = 0; q < NB; q++) {
        dflag += A[q].overflow != B[q].overflow; novf += A[q].overflow;
        sg_xacc_get(&A[q], g1, MPFR_RNDN, z); old_sg_xacc_get(&B[q], g2, MPFR_RNDN, z);
        int same = (mpfr_nan_p(g1) && mpfr_nan_p(g2)) || (mpfr_equal_p(g1, g2) && mpfr_signbit(g1) == mpfr_signbit(g2));
        dval += !same;
      }
    }
  }
  printf("differential old vs new: %ld sums (dot sums; %ld row sets of %d), overflow flags differ %ld (overflowed %ld), values differ %ld, zero results %ld\n",
         N, nrow, NB, dflag, novf, dval, nzero);
  return dflag || dval;
}
