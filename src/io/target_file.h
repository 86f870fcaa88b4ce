/* target_file.h -- read a target vector a from a text file.
 * Format: exactly d finite numbers separated by white space and/or commas
 * (so a.csv written by --dump reads back); '#' starts a comment to the end
 * of the line.  The zero vector is rejected (the model has no target). */
#ifndef SG_TARGET_FILE_H
#define SG_TARGET_FILE_H

#include <stddef.h>
#include <stdio.h>

/* 0 on success; otherwise -1 and a one-line message in err. */
int sg_target_read(const char *path, int d, double *a, char *err, size_t errlen);

/* The same from an open stream; path only names it in messages. */
int sg_target_read_stream(FILE *fp, const char *path, int d, double *a, char *err,
                          size_t errlen);

#endif
