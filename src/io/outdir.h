/* outdir.h -- the output directory of a run.
 *
 * A run never writes into a directory that holds earlier results: a
 * directory that exists and is not empty is refused unless --force is given
 * (an existing empty directory is accepted: there is nothing to clobber).
 * With --force the files shadowgd itself writes (and their temporaries,
 * and any checkpoint) are removed before the run starts, so no stale
 * output of an earlier run can be mistaken for a result of this one.
 */
#ifndef SG_OUTDIR_H
#define SG_OUTDIR_H

/* Checks only, writes nothing: 0 when the run may use path (it does not
   exist yet, is an empty directory, or force is set and it is a directory);
   otherwise prints one line and returns 2 (SG_EXIT_USAGE) or 1 (I/O). */
int sg_outdir_check(const char *path, int force);

/* With force: remove the outputs a previous run may have left (known
   names only: those of every run, and extra, the model's own, NULL-
   terminated or NULL).  0, or -1 with a message. */
int sg_outdir_clean(const char *path, const char *const *extra);

/* The name (relative to dir) of the output that `--force` removes or a
   run (re)writes and that is the very file input_path (same device and
   inode: symlinks and relative spellings included), or NULL when there is
   none.  A run reading such a file would destroy its own input. */
const char *sg_outdir_owned_name(const char *dir, const char *const *extra,
                                 const char *input_path);

#endif
