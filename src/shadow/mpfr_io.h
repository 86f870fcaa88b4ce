/* mpfr_io.h -- MPFR numbers in checkpoints: mpfr_fpif_export writes a
 * number with its precision; before mpfr_fpif_import allocates for the
 * precision a stream claims, the header is compared with the one the
 * expected precision has (a crafted precision would exhaust memory). */
#ifndef SG_MPFR_IO_H
#define SG_MPFR_IO_H

#include <stdio.h> /* before mpfr.h: its FILE functions */
#include <mpfr.h>

/* the precision header mpfr_fpif_export writes for prec into h (room for
   9 bytes); its length, or 0 on failure */
size_t sg_fpif_prec_header(mpfr_prec_t prec, unsigned char *h);

/* 1 when the next hl bytes of fp are h (the stream is rewound to them) */
int sg_fpif_prec_is(FILE *fp, const unsigned char *h, size_t hl);

#endif
