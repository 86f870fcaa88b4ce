/* rng.c -- xoshiro256** seeded by SplitMix64, polar-method normals (see rng.h). */
#include "kernels/rng.h"
#include "kernels/detmath.h"

/*@ requires amount: 0 < k < 64;
    assigns \nothing;
    ensures rotated: \result == Rotl(x, k);
*/
static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t sg_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

void sg_rng_seed(sg_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    /*@ loop invariant i_range: 0 <= i <= 4;
        loop assigns i, x, r->s[0 .. 3];
        loop variant 4 - i;
    */
    for (int i = 0; i < 4; i++)
        r->s[i] = sg_splitmix64(&x);
    /* SplitMix64 is a bijection of its counter, so four consecutive outputs
       are never all zero; the state is valid for every seed. */
    r->spare = 0.0;
    r->has_spare = 0;
}

void sg_rng_seed_stream(sg_rng *r, uint64_t seed, uint64_t stream)
{
    sg_rng_seed(r, seed ^ (stream * UINT64_C(0x9E3779B97F4A7C15)));
}

uint64_t sg_rng_next(sg_rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double sg_rng_uniform(sg_rng *r)
{
    /* 0x1.0p-53 * (53-bit integer) is exact: the result is k * 2^-53. */
    return (double)(sg_rng_next(r) >> 11) * 0x1.0p-53;
}

double sg_rng_normal(sg_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, w, s;
    /*@ loop assigns u, w, s, r->s[0 .. 3];
    */
    do {
        u = 2.0 * sg_rng_uniform(r) - 1.0;
        w = 2.0 * sg_rng_uniform(r) - 1.0;
        s = u * u + w * w;
    } while (s >= 1.0 || s == 0.0);
    /* s in (0, 1): -2 ln(s) / s > 0, so the square root is real. */
    double m = sg_det_sqrt_neg2log_over(s);
    r->spare = w * m;
    r->has_spare = 1;
    return u * m;
}
