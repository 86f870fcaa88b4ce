/* hash.c -- FNV-1a 64 (see hash.h). */
#include "io/hash.h"
#include <string.h>

uint64_t sg_fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t sg_fnv1a_doubles(uint64_t h, const double *x, long n)
{
    for (long i = 0; i < n; i++) {
        uint64_t u;
        memcpy(&u, &x[i], sizeof u);
        for (int s = 0; s < 64; s += 8) {
            h ^= (u >> s) & 0xff;
            h *= 0x100000001b3ULL;
        }
    }
    return h;
}
