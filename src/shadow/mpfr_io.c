/* mpfr_io.c -- MPFR numbers in checkpoints (see mpfr_io.h). */
#include "shadow/mpfr_io.h"
#include <stdlib.h>
#include <string.h>

/* mpfr_fpif_import takes a number's precision from the stream and
   allocates for it before anything can be checked, so a crafted precision
   would exhaust memory (GMP aborts).  The precision header (MPFR's format:
   one byte B >= 8 for p = B - 7, or B <= 7 followed by B + 1 bytes) is
   therefore compared first with the one mpfr_fpif_export writes for prec,
   and the stream rewound to the number.  h: room for 9 bytes. */
size_t sg_fpif_prec_header(mpfr_prec_t prec, unsigned char *h)
{
    char *mem = NULL;
    size_t n = 0, hl = 0;
    FILE *m = open_memstream(&mem, &n);
    mpfr_t z;
    mpfr_init2(z, prec);
    mpfr_set_zero(z, 1);
    int rc = m ? mpfr_fpif_export(m, z) : -1;
    mpfr_clear(z);
    if (m && fclose(m) != 0)
        rc = -1;
    if (rc == 0 && n > 0) {
        hl = (unsigned char)mem[0] >= 8 ? 1 : (size_t)(unsigned char)mem[0] + 2;
        if (hl > n || hl > 9)
            hl = 0;
        else
            memcpy(h, mem, hl);
    }
    free(mem);
    return hl;
}

int sg_fpif_prec_is(FILE *fp, const unsigned char *h, size_t hl)
{
    unsigned char got[9];
    long pos = ftell(fp);
    return hl > 0 && pos >= 0 && fread(got, 1, hl, fp) == hl && memcmp(got, h, hl) == 0 &&
           fseek(fp, pos, SEEK_SET) == 0;
}
