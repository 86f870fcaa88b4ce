/* target_rows.h -- read a multi-output target A (r x d) from a text file
 * (--target PATH with --outputs r > 1, issue 16).
 * Format: r rows, one per line, each read and validated as a --target file
 * of d values (target_file.h: finite numbers separated by white space
 * and/or commas, no zero row); '#' starts a comment, lines holding only
 * white space and comments are skipped.  So data/a.csv of an r > 1 --dump
 * (r lines of d values) reads back. */
#ifndef SG_TARGET_ROWS_H
#define SG_TARGET_ROWS_H

#include <stddef.h>

/* 0 on success; otherwise -1 and a one-line message in err. */
int sg_target_read_rows(const char *path, int r, int d, double *A, char *err, size_t errlen);

#endif
