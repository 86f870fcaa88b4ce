/* outlock.h -- one writer per output directory (issue 11, item 1).
 *
 * `run` and `resume` take an exclusive flock(2) on DIR/.lock before they
 * create, clean, truncate or write anything in DIR.  A second writer does
 * not wait: it prints one line naming DIR and the holder's pid (written
 * into the lock file by the holder) and exits 2, having changed nothing.
 * The lock is released by the kernel when the holder exits, however it
 * exits (kill -9 included), so a stale DIR/.lock never blocks a later run;
 * the holder removes the file on a normal exit. */
#ifndef SG_OUTLOCK_H
#define SG_OUTLOCK_H

#define SG_LOCK_NAME ".lock"

/* 0 with the lock held (until sg_outdir_unlock or the process ends);
   SG_EXIT_USAGE (2) when another process holds it, SG_EXIT_FAIL (1) when
   the lock file cannot be created; one line on stderr in both cases. */
int sg_outdir_lock(const char *dir);
/* Remove DIR/.lock and release the lock (no-op when none is held). */
void sg_outdir_unlock(void);

#endif
