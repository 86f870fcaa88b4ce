/* init_file.h -- read an initial state from a CSV file (--init-file PATH).
 * Format: exactly k data lines "v_j,w_j1,...,w_jd" (commas and/or white
 * space between numbers), each with exactly d + 1 finite numbers of
 * magnitude <= max_abs; '#' starts a comment to the end of the line, blank
 * lines are skipped.  Every error names the file, the line and the value. */
#ifndef SG_INIT_FILE_H
#define SG_INIT_FILE_H

#include <stddef.h>

/* W: k*d (row j = w_j), v: k.  0, or -1 with a one-line message in err. */
int sg_init_file_read(const char *path, int d, int k, double max_abs, double *W, double *v,
                      char *err, size_t errlen);

#endif
