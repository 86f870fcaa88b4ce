/* outdir.c -- refusing to clobber earlier results (see outdir.h). */
#include "io/outdir.h"
#include "io/exit_status.h"
#include "io/outlock.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* 1 if dir holds an entry other than . and .., 0 if empty, -1 on error */
static int dir_nonempty(const char *path)
{
    DIR *dp = opendir(path);
    if (!dp)
        return -1;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(dp)) != NULL)
        found = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
                strcmp(e->d_name, SG_LOCK_NAME) != 0; /* our own lock (outlock.h) */
    closedir(dp);
    return found;
}

int sg_outdir_check(const char *path, int force)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        fprintf(stderr, "shadowgd: invalid value '%s' for --out: %s\n", path, strerror(errno));
        return SG_EXIT_USAGE;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "shadowgd: invalid value '%s' for --out: exists and is not a directory\n",
                path);
        return SG_EXIT_USAGE;
    }
    if (force)
        return 0;
    int ne = dir_nonempty(path);
    if (ne < 0) {
        fprintf(stderr, "shadowgd: invalid value '%s' for --out: cannot list: %s\n", path,
                strerror(errno));
        return SG_EXIT_USAGE;
    }
    if (ne) {
        fprintf(stderr, "shadowgd: invalid value '%s' for --out: directory exists and is not "
                        "empty (use --force to overwrite)\n", path);
        return SG_EXIT_USAGE;
    }
    return 0;
}

/* what every run writes; a model adds its own (run/model.h, outputs) */
static const char *const known[] = {
    "trajectory.csv", "summary.json", "checkpoint.bin", "gnuplot.log", NULL,
};

/* the q-th name of known, then of extra (NULL-terminated, may be NULL) */
static const char *nth(const char *const *extra, size_t q)
{
    size_t n = sizeof known / sizeof known[0] - 1;
    if (q < n)
        return known[q];
    for (size_t i = 0; extra && extra[i]; i++)
        if (i == q - n)
            return extra[i];
    return NULL;
}

int sg_outdir_clean(const char *path, const char *const *extra)
{
    char buf[4200];
    const char *f;
    for (size_t q = 0; (f = nth(extra, q)) != NULL; q++) {
        for (int tmp = 0; tmp < 2; tmp++) {
            int len = snprintf(buf, sizeof buf, "%s/%s%s", path, f, tmp ? ".tmp" : "");
            if (len < 0 || (size_t)len >= sizeof buf)
                return -1;
            if (remove(buf) != 0 && errno != ENOENT) {
                fprintf(stderr, "shadowgd: --force: cannot remove %s: %s\n", buf,
                        strerror(errno));
                return -1;
            }
        }
    }
    return 0;
}

const char *sg_outdir_owned_name(const char *dir, const char *const *extra,
                                 const char *input_path)
{
    static char name[64];
    struct stat in, st;
    char buf[4200];
    const char *f;
    if (stat(input_path, &in) != 0)
        return NULL;
    for (size_t q = 0; (f = nth(extra, q)) != NULL; q++)
        for (int tmp = 0; tmp < 2; tmp++) {
            int len = snprintf(buf, sizeof buf, "%s/%s%s", dir, f, tmp ? ".tmp" : "");
            if (len < 0 || (size_t)len >= sizeof buf || stat(buf, &st) != 0)
                continue;
            if (st.st_dev == in.st_dev && st.st_ino == in.st_ino) {
                snprintf(name, sizeof name, "%s%s", f, tmp ? ".tmp" : "");
                return name;
            }
        }
    return NULL;
}
