/* binio.h -- the byte conventions of checkpoints (checkpoint.h), shared by
 * the checkpoint file and the observers' sections: integers little-endian
 * whatever the host, doubles as their IEEE-754 binary64 bits (exact: signed
 * zeros, subnormals, infinities and NaN payloads survive), strings as a u32
 * length and that many bytes (no NUL, no control characters).
 *
 * sg_bw writes to a stream, sg_br reads at most a given number of bytes of
 * one; both are sticky: after the first failure (write error, short read,
 * a read past the limit) every call is a no-op and `bad` stays set, so a
 * caller checks once at the end. */
#ifndef SG_BINIO_H
#define SG_BINIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static inline void sg_le_enc32(unsigned char *b, uint32_t x)
{
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(x >> (8 * i));
}

static inline void sg_le_enc64(unsigned char *b, uint64_t x)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(x >> (8 * i));
}

static inline uint32_t sg_le_dec32(const unsigned char *b)
{
    uint32_t x = 0;
    for (int i = 0; i < 4; i++)
        x |= (uint32_t)b[i] << (8 * i);
    return x;
}

static inline uint64_t sg_le_dec64(const unsigned char *b)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x |= (uint64_t)b[i] << (8 * i);
    return x;
}

static inline uint64_t sg_f64_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, 8);
    return u;
}

static inline double sg_bits_f64(uint64_t u)
{
    double x;
    memcpy(&x, &u, 8);
    return x;
}

/* ---- writing ---- */
typedef struct {
    FILE *fp;
    int bad;
} sg_bw;

void sg_bw_bytes(sg_bw *w, const void *p, size_t n);
void sg_bw_u32(sg_bw *w, uint32_t x);
void sg_bw_u64(sg_bw *w, uint64_t x);
void sg_bw_i64(sg_bw *w, int64_t x);  /* two's complement in a u64 */
void sg_bw_f64(sg_bw *w, double x);
void sg_bw_str(sg_bw *w, const char *s);

/* ---- reading: at most `left` bytes ---- */
typedef struct {
    FILE *fp;
    size_t left;
    int bad;
} sg_br;

void sg_br_bytes(sg_br *r, void *p, size_t n);
uint32_t sg_br_u32(sg_br *r);
uint64_t sg_br_u64(sg_br *r);
int64_t sg_br_i64(sg_br *r);
double sg_br_f64(sg_br *r);
/* a string of at most cap-1 bytes, no NUL or control characters, into dst
   (NUL-terminated); anything else sets bad */
void sg_br_str(sg_br *r, char *dst, size_t cap);

#endif
