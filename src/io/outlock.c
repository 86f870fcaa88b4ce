/* outlock.c -- the exclusive lock of an output directory (see outlock.h). */
#include "io/outlock.h"
#include "io/exit_status.h"
#include "io/outfile.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int lock_fd = -1;
static char lock_path[4200];

/* the pid the holder wrote into the lock file, or 0 when unreadable */
static long holder_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

int sg_outdir_lock(const char *dir)
{
    int len = snprintf(lock_path, sizeof lock_path, "%s/%s", dir, SG_LOCK_NAME);
    if (len < 0 || (size_t)len >= sizeof lock_path) {
        fprintf(stderr, "shadowgd: output path too long: %s\n", dir);
        return SG_EXIT_USAGE;
    }
    /* The holder unlinks the file when it ends; a process that opened the
       old file just before would then lock an inode no longer named
       DIR/.lock.  So after locking, the descriptor must still be the file
       of that name; else retry with the new one. */
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) {
            fprintf(stderr, "shadowgd: cannot create the lock file %s: %s\n", lock_path,
                    strerror(errno));
            return SG_EXIT_FAIL;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int err = errno;
            long pid = holder_pid(fd);
            close(fd);
            if (err != EWOULDBLOCK) {
                fprintf(stderr, "shadowgd: cannot lock %s: %s\n", lock_path, strerror(err));
                return SG_EXIT_FAIL;
            }
            if (pid > 0)
                fprintf(stderr, "shadowgd: output directory %s is in use by another shadowgd "
                                "(pid %ld); nothing was changed\n", dir, pid);
            else
                fprintf(stderr, "shadowgd: output directory %s is in use by another shadowgd; "
                                "nothing was changed\n", dir);
            return SG_EXIT_USAGE;
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(lock_path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            char pid[32];
            int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
                /* the lock holds without the pid; the second writer's
                   message just omits it */
            }
            lock_fd = fd;
            sg_tmp_register(lock_path, 0);
            static int registered;
            if (!registered++)
                atexit(sg_outdir_unlock);
            return 0;
        }
        close(fd);
    }
    fprintf(stderr, "shadowgd: cannot lock %s: the lock file keeps being replaced\n",
            lock_path);
    return SG_EXIT_FAIL;
}

void sg_outdir_unlock(void)
{
    if (lock_fd < 0)
        return;
    sg_tmp_unregister(lock_path);
    unlink(lock_path); /* while still locked: see the retry in sg_outdir_lock */
    close(lock_fd);
    lock_fd = -1;
}
