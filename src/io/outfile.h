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

/* mkdir -p for one or two levels; 0 on success, -1 with a message. */
int sg_make_dir(const char *path);

#endif
