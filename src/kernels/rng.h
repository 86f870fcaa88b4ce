/* rng.h -- seedable pseudo-random numbers for shadowgd.
 *
 * Generator: xoshiro256** 1.0 (D. Blackman and S. Vigna, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 47(4), 2021), 256 bits of state,
 * seeded by SplitMix64 (G. Steele, D. Lea, C. Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014) exactly as the xoshiro
 * authors recommend.  Only 64-bit unsigned integer arithmetic is used, so the
 * stream is the same on every C11 platform.
 *
 * Independent streams: sg_rng_seed_stream(seed, id) seeds the generator from
 * seed XOR (id * 0x9E3779B97F4A7C15), so data, target and initial weights
 * draw from separate streams and changing n does not change the initial
 * weights.
 *
 * Gaussian sampler: Marsaglia's polar method (G. Marsaglia, T. Bray, "A
 * convenient method for generating normal variables", SIAM Review 6, 1964).
 * Its logarithm is sg_det_log (detmath.h), built from IEEE +,-,*,/ only, so
 * the normals are bit-identical whatever libm is linked.
 */
#ifndef SG_RNG_H
#define SG_RNG_H

#include <stdint.h>

#ifdef __FRAMAC__
#include "specs/sg_rng.acsl"
#endif

/* Rejection loops (the polar method below, the norm-zero redraws of the
 * random unit vectors) stop after SG_REJECT_TRIES rounds, so that they have
 * a loop variant and their termination is proved (issue 15).  A polar round
 * rejects with probability 1 - pi/4 < 0.215, so reaching the cap has
 * probability below 0.215^1000 < 1e-667 per draw; a norm-zero redraw needs
 * all of its normals to be exactly 0 (probability 2^-53 each).  No run can
 * reach the cap; what each loop then returns is said where it is written. */
#define SG_REJECT_TRIES 1000

typedef struct {
    uint64_t s[4];     /* xoshiro256** state, never all zero            */
    double spare;      /* second normal of the last polar pair          */
    int has_spare;     /* 1 when spare holds an unused normal           */
} sg_rng;

/* Stream identifiers used by the program (documented in README). */
enum { SG_STREAM_DATA = 1, SG_STREAM_TARGET = 2, SG_STREAM_INIT = 3 };

/* One SplitMix64 step: the counter advances by the golden gamma, the
   output is the mixed counter. */
/*@ requires valid_state: \valid(x);
    assigns *x;
    ensures counter: *x == (uint64_t)(\old(*x) + Golden);
    ensures output: \result == SplitMixOut(*x);
*/
uint64_t sg_splitmix64(uint64_t *x);

/*@ requires valid_rng: \valid(r);
    assigns *r;
    ensures no_spare: r->has_spare == 0;
*/
void sg_rng_seed(sg_rng *r, uint64_t seed);

/*@ requires valid_rng: \valid(r);
    assigns *r;
    ensures no_spare: r->has_spare == 0;
*/
void sg_rng_seed_stream(sg_rng *r, uint64_t seed, uint64_t stream);

/* One xoshiro256** step (Blackman and Vigna's reference code). */
/*@ requires valid_rng: \valid(r);
    assigns r->s[0 .. 3];
    ensures output: \result == XoshiroOut(\old(r->s[1]));
    ensures s0: r->s[0] == (uint64_t)(\old(r->s[0]) ^ (uint64_t)(\old(r->s[3]) ^ \old(r->s[1])));
    ensures s1: r->s[1] == (uint64_t)(\old(r->s[1]) ^ (uint64_t)(\old(r->s[2]) ^ \old(r->s[0])));
    ensures s2: r->s[2] == (uint64_t)((uint64_t)(\old(r->s[2]) ^ \old(r->s[0]))
                                      ^ (uint64_t)(\old(r->s[1]) << 17));
    ensures s3: r->s[3] == Rotl((uint64_t)(\old(r->s[3]) ^ \old(r->s[1])), 45);
*/
uint64_t sg_rng_next(sg_rng *r);

/* Uniform on [0, 1): the top 53 bits times 2^-53 (exact conversion: a
   53-bit integer is a double, and the product by a power of two only
   shifts its exponent).  The range rests on the proved lemma Shr11_range
   (x >> 11 < 2^53 for every 64-bit x, specs/sg_rng.acsl). */
/*@ requires valid_rng: \valid(r);
    assigns r->s[0 .. 3];
    ensures value: \result == Uniform53(XoshiroOut(\old(r->s[1])));
    ensures range: 0.0 <= \result < 1.0;
    ensures s0: r->s[0] == (uint64_t)(\old(r->s[0]) ^ (uint64_t)(\old(r->s[3]) ^ \old(r->s[1])));
    ensures s1: r->s[1] == (uint64_t)(\old(r->s[1]) ^ (uint64_t)(\old(r->s[2]) ^ \old(r->s[0])));
    ensures s2: r->s[2] == (uint64_t)((uint64_t)(\old(r->s[2]) ^ \old(r->s[0]))
                                      ^ (uint64_t)(\old(r->s[1]) << 17));
    ensures s3: r->s[3] == Rotl((uint64_t)(\old(r->s[3]) ^ \old(r->s[1])), 45);
*/
double sg_rng_uniform(sg_rng *r);

/* Standard normal N(0, 1) by the polar method. */
/*@ requires valid_rng: \valid(r);
    assigns *r, errno;
    behavior spare:
      assumes has_spare: r->has_spare != 0;
      ensures cached: \result == \old(r->spare);
      ensures used: r->has_spare == 0;
    behavior fresh:
      assumes no_spare: r->has_spare == 0;
      ensures cached: r->has_spare == 1;
    complete behaviors;
    disjoint behaviors;
*/
double sg_rng_normal(sg_rng *r);

#endif
