/* binio.c -- little-endian stream I/O of checkpoint sections (see binio.h). */
#include "io/binio.h"

void sg_bw_bytes(sg_bw *w, const void *p, size_t n)
{
    if (!w->bad && n > 0 && fwrite(p, 1, n, w->fp) != n)
        w->bad = 1;
}

void sg_bw_u32(sg_bw *w, uint32_t x)
{
    unsigned char b[4];
    sg_le_enc32(b, x);
    sg_bw_bytes(w, b, 4);
}

void sg_bw_u64(sg_bw *w, uint64_t x)
{
    unsigned char b[8];
    sg_le_enc64(b, x);
    sg_bw_bytes(w, b, 8);
}

void sg_bw_i64(sg_bw *w, int64_t x)
{
    sg_bw_u64(w, (uint64_t)x);
}

void sg_bw_f64(sg_bw *w, double x)
{
    sg_bw_u64(w, sg_f64_bits(x));
}

void sg_bw_str(sg_bw *w, const char *s)
{
    size_t n = strlen(s);
    if (n > UINT32_MAX) {
        w->bad = 1;
        return;
    }
    sg_bw_u32(w, (uint32_t)n);
    sg_bw_bytes(w, s, n);
}

void sg_br_bytes(sg_br *r, void *p, size_t n)
{
    if (r->bad || n > r->left || (n > 0 && fread(p, 1, n, r->fp) != n)) {
        r->bad = 1;
        memset(p, 0, n);
        return;
    }
    r->left -= n;
}

uint32_t sg_br_u32(sg_br *r)
{
    unsigned char b[4];
    sg_br_bytes(r, b, 4);
    return sg_le_dec32(b);
}

uint64_t sg_br_u64(sg_br *r)
{
    unsigned char b[8];
    sg_br_bytes(r, b, 8);
    return sg_le_dec64(b);
}

int64_t sg_br_i64(sg_br *r)
{
    uint64_t u = sg_br_u64(r);
    /* the inverse of the two's complement cast, without implementation-
       defined conversions */
    return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

double sg_br_f64(sg_br *r)
{
    return sg_bits_f64(sg_br_u64(r));
}

void sg_br_str(sg_br *r, char *dst, size_t cap)
{
    uint32_t n = sg_br_u32(r);
    dst[0] = '\0';
    if (r->bad)
        return;
    if ((size_t)n >= cap || n > r->left) {
        r->bad = 1;
        return;
    }
    sg_br_bytes(r, dst, n);
    dst[r->bad ? 0 : n] = '\0';
    for (uint32_t i = 0; !r->bad && i < n; i++)
        if ((unsigned char)dst[i] < 0x20 || (unsigned char)dst[i] == 0x7f) {
            r->bad = 1;
            dst[0] = '\0';
        }
}
