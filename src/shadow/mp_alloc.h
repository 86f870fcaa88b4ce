/* mp_alloc.h -- GMP/MPFR allocation failures end the run cleanly
 * (issue 11, item 3).
 *
 * GMP's default allocators print "GNU MP: Cannot allocate memory" and
 * abort (exit 134, temporaries left behind).  These replacements print one
 * line naming the request, remove the registered temporaries
 * (io/outfile.h: a resumable trajectory temporary is kept) and exit 1.
 *
 * Test hook: SHADOWGD_TEST_MP_ALLOC_FAIL_AFTER=N makes the (N+1)-th GMP
 * allocation fail as if the memory were exhausted, so the path is tested
 * without exhausting the machine. */
#ifndef SG_MP_ALLOC_H
#define SG_MP_ALLOC_H

/* install the allocators (before the first MPFR number is made) */
void sg_mp_install_allocators(void);

#endif
