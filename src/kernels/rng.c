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

/* x >> 11 == x / 2^11, one bit at a time: WP's library gives the provers
   x >> 1 == x / 2 (lsr_1, x >= 0) and (x >> p) >> q == x >> (p + q)
   (lsr_add); with the quotient, (x >> 11) * 2^-53 < 1 is linear.  (Qed
   proves the integer bound x >> 11 < 2^53 outright, but then drops it as
   trivial, and the provers never see it inside the real conversion.) */
/*@ ghost
  /@ assigns \nothing;
     ensures shr11: x >> 11 == x / 2048;
  @/
  void sg_shr11_lemma(uint64_t x)
  {
    /@ assert s1: x >> 1 == x / 2; @/
    /@ assert s2a: x >> 2 == (x >> 1) >> 1; @/
    /@ assert s2b: (x >> 1) >> 1 == (x >> 1) / 2; @/
    /@ assert s2c: (x / 2) / 2 == x / 4; @/
    /@ assert s2: x >> 2 == x / 4; @/
    /@ assert s3a: x >> 3 == (x >> 2) >> 1; @/
    /@ assert s3b: (x >> 2) >> 1 == (x >> 2) / 2; @/
    /@ assert s3c: (x / 4) / 2 == x / 8; @/
    /@ assert s3: x >> 3 == x / 8; @/
    /@ assert s4a: x >> 4 == (x >> 3) >> 1; @/
    /@ assert s4b: (x >> 3) >> 1 == (x >> 3) / 2; @/
    /@ assert s4c: (x / 8) / 2 == x / 16; @/
    /@ assert s4: x >> 4 == x / 16; @/
    /@ assert s5a: x >> 5 == (x >> 4) >> 1; @/
    /@ assert s5b: (x >> 4) >> 1 == (x >> 4) / 2; @/
    /@ assert s5c: (x / 16) / 2 == x / 32; @/
    /@ assert s5: x >> 5 == x / 32; @/
    /@ assert s6a: x >> 6 == (x >> 5) >> 1; @/
    /@ assert s6b: (x >> 5) >> 1 == (x >> 5) / 2; @/
    /@ assert s6c: (x / 32) / 2 == x / 64; @/
    /@ assert s6: x >> 6 == x / 64; @/
    /@ assert s7a: x >> 7 == (x >> 6) >> 1; @/
    /@ assert s7b: (x >> 6) >> 1 == (x >> 6) / 2; @/
    /@ assert s7c: (x / 64) / 2 == x / 128; @/
    /@ assert s7: x >> 7 == x / 128; @/
    /@ assert s8a: x >> 8 == (x >> 7) >> 1; @/
    /@ assert s8b: (x >> 7) >> 1 == (x >> 7) / 2; @/
    /@ assert s8c: (x / 128) / 2 == x / 256; @/
    /@ assert s8: x >> 8 == x / 256; @/
    /@ assert s9a: x >> 9 == (x >> 8) >> 1; @/
    /@ assert s9b: (x >> 8) >> 1 == (x >> 8) / 2; @/
    /@ assert s9c: (x / 256) / 2 == x / 512; @/
    /@ assert s9: x >> 9 == x / 512; @/
    /@ assert s10a: x >> 10 == (x >> 9) >> 1; @/
    /@ assert s10b: (x >> 9) >> 1 == (x >> 9) / 2; @/
    /@ assert s10c: (x / 512) / 2 == x / 1024; @/
    /@ assert s10: x >> 10 == x / 1024; @/
    /@ assert s11a: x >> 11 == (x >> 10) >> 1; @/
    /@ assert s11b: (x >> 10) >> 1 == (x >> 10) / 2; @/
    /@ assert s11c: (x / 1024) / 2 == x / 2048; @/
    /@ assert s11: x >> 11 == x / 2048; @/
  }
*/

double sg_rng_uniform(sg_rng *r)
{
    /* 0x1.0p-53 * (53-bit integer) is exact: the result is k * 2^-53. */
    uint64_t x = sg_rng_next(r);
    //@ ghost sg_shr11_lemma(x);
    return (double)(x >> 11) * 0x1.0p-53;
}

double sg_rng_normal(sg_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, w, s;
    int left = SG_REJECT_TRIES;
    /*@ loop invariant tries: 0 <= left <= SG_REJECT_TRIES;
        loop assigns u, w, s, left, r->s[0 .. 3];
        loop variant left;
    */
    do {
        left--;
        u = 2.0 * sg_rng_uniform(r) - 1.0;
        w = 2.0 * sg_rng_uniform(r) - 1.0;
        s = u * u + w * w;
    } while ((s >= 1.0 || s == 0.0) && left > 0);
    /* SG_REJECT_TRIES rejections in a row (rng.h: probability < 1e-667):
       the pair (0, 0) at s = 1/2, i.e. both normals 0.0 */
    if (s >= 1.0 || s == 0.0) {
        u = 0.0;
        w = 0.0;
        s = 0.5;
    }
    /* s in (0, 1): -2 ln(s) / s > 0, so the square root is real. */
    double m = sg_det_sqrt_neg2log_over(s);
    r->spare = w * m;
    r->has_spare = 1;
    return u * m;
}
