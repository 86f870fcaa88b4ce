/* outfile.h -- output files that appear complete or not at all.
 *
 * A file is written to "<path>.tmp" and renamed to <path> only after every
 * write, the flush and the close succeeded; on any error the temporary is
 * removed, so a reader never sees a truncated file under the final name.
 */
#ifndef SG_OUTFILE_H
#define SG_OUTFILE_H

#include <stdio.h>

typedef struct {
    FILE *fp;
    char path[4096];
    char tmp[4112];
} sg_outfile;

/* 0 on success; on failure prints one line on stderr and returns -1. */
int sg_outfile_open(sg_outfile *o, const char *dir, const char *name);
/* Flush, close, rename.  0 on success, -1 (message printed) otherwise. */
int sg_outfile_commit(sg_outfile *o);
/* Close and delete the temporary. */
void sg_outfile_abort(sg_outfile *o);

/* The registry of this process's temporaries (issue 11, item 3): every
 * sg_outfile temporary and the directory's lock file are registered while
 * they exist, so that a fatal error far from their owner (an allocation
 * failure inside GMP/MPFR) can remove them before exiting.  A resumable
 * temporary (trajectory.csv.tmp of a run with checkpoints) is kept by
 * sg_tmp_remove_all: `resume` needs it.  At most SG_TMP_MAX at a time;
 * past that a path is not registered (it is then only left behind). */
#define SG_TMP_MAX 16
void sg_tmp_register(const char *path, int resumable);
void sg_tmp_set_resumable(const char *path, int resumable);
void sg_tmp_unregister(const char *path);
/* remove every registered non-resumable path (async-signal-unsafe: call
   from ordinary code or an exit path only) */
void sg_tmp_remove_all(void);

/* mkdir -p for one or two levels; 0 on success, -1 with a message. */
int sg_make_dir(const char *path);

/* DIR/NAME <- the rows x cols row-major matrix x as CSV, one row per line,
   %.17g (round-trips every double), atomically.  0, or -1 with a message. */
int sg_write_csv_matrix(const char *dir, const char *name, long rows, long cols,
                        const double *x);

#endif
