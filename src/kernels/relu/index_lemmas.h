/* index_lemmas.h -- ghost lemma functions of the ReLU kernels' proofs: the
 * non-linear index facts (i < n ==> i*d + d <= n*d, and the like) that the
 * provers find once in a tiny lemma function but not inside a big goal.
 * Proved in empirical.c (their definitions), called by empirical.c and
 * forward.c.  Ghost code only: nothing here is compiled.
 */
#ifndef SG_INDEX_LEMMAS_H
#define SG_INDEX_LEMMAS_H

/*@ ghost
  /@ requires 0 <= i < n && 0 <= d;
     assigns \nothing;
     ensures row_first: 0 <= i * d;
     ensures row_last: i * d + d <= n * d;
  @/
  void sg_row_lemma(long i, long n, long d);
*/

/*@ ghost
  /@ requires 0 <= i && 0 <= k;
     assigns \nothing;
     ensures next_row: (i + 1) * k == i * k + k;
  @/
  void sg_next_row_lemma(long i, long k);
*/

/*@ ghost
  /@ requires 0 <= j && 0 <= l < d;
     assigns \nothing;
     ensures div: (j*d + l) / d == j;
  @/
  void sg_divmod_lemma(long j, long l, long d);
*/

#endif
