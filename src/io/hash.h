/* hash.h -- FNV-1a, 64 bits (G. Fowler, L. C. Noll, K.-P. Vo; see
 * draft-eastlake-fnv).  Used for checkpoint checksums and the --digest
 * trajectory hash.  Not cryptographic; each step h <- (h ^ byte) * prime is
 * a bijection of h, so any single changed byte changes the hash. */
#ifndef SG_HASH_H
#define SG_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SG_FNV_INIT 0xcbf29ce484222325ULL

/* h <- FNV-1a(h, p[0..n)) */
uint64_t sg_fnv1a(uint64_t h, const void *p, size_t n);

/* hash of the IEEE bits of x[0..n), little-endian byte order whatever the
   host, so the value is portable */
uint64_t sg_fnv1a_doubles(uint64_t h, const double *x, long n);

#endif
