/* outfile.c -- write-to-temporary-then-rename output files. */
#include "io/outfile.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
    char path[4112];
    int used, resumable;
} tmps[SG_TMP_MAX];

void sg_tmp_register(const char *path, int resumable)
{
    for (int q = 0; q < SG_TMP_MAX; q++)
        if (!tmps[q].used && strlen(path) < sizeof tmps[q].path) {
            strcpy(tmps[q].path, path);
            tmps[q].used = 1;
            tmps[q].resumable = resumable;
            return;
        }
}

void sg_tmp_set_resumable(const char *path, int resumable)
{
    for (int q = 0; q < SG_TMP_MAX; q++)
        if (tmps[q].used && strcmp(tmps[q].path, path) == 0)
            tmps[q].resumable = resumable;
}

void sg_tmp_unregister(const char *path)
{
    for (int q = 0; q < SG_TMP_MAX; q++)
        if (tmps[q].used && strcmp(tmps[q].path, path) == 0)
            tmps[q].used = 0;
}

void sg_tmp_remove_all(void)
{
    for (int q = 0; q < SG_TMP_MAX; q++)
        if (tmps[q].used && !tmps[q].resumable) {
            remove(tmps[q].path);
            tmps[q].used = 0;
        }
}

int sg_outfile_open(sg_outfile *o, const char *dir, const char *name)
{
    o->fp = NULL;
    int len = snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= sizeof o->path) {
        fprintf(stderr, "shadowgd: output path too long: %s/%s\n", dir, name);
        return -1;
    }
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp", o->path);
    o->fp = fopen(o->tmp, "w");
    if (!o->fp) {
        fprintf(stderr, "shadowgd: cannot write %s: %s\n", o->tmp, strerror(errno));
        return -1;
    }
    sg_tmp_register(o->tmp, 0);
    return 0;
}

int sg_outfile_commit(sg_outfile *o)
{
    /* ferror: an earlier write failed; errno still holds its error unless
       a later call overwrote it (then: EIO).  fsync: the data is on disk
       before the name appears. */
    int err = errno;
    int bad = ferror(o->fp);
    if (!bad) {
        errno = 0;
        bad = fflush(o->fp) != 0 || fsync(fileno(o->fp)) != 0;
        err = errno;
    }
    if (!err)
        err = EIO;
    if (fclose(o->fp) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    o->fp = NULL;
    sg_tmp_unregister(o->tmp);
    if (bad) {
        fprintf(stderr, "shadowgd: write error on %s: %s\n", o->tmp, strerror(err));
        remove(o->tmp);
        return -1;
    }
    if (rename(o->tmp, o->path) != 0) {
        fprintf(stderr, "shadowgd: cannot rename %s to %s: %s\n", o->tmp, o->path,
                strerror(errno));
        remove(o->tmp);
        return -1;
    }
    /* make the rename itself durable (best effort: some file systems
       refuse fsync on directories) */
    char dir[sizeof o->path];
    memcpy(dir, o->path, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        int fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY);
        if (fd >= 0) {
            (void)fsync(fd);
            close(fd);
        }
    }
    return 0;
}

void sg_outfile_abort(sg_outfile *o)
{
    if (o->fp)
        fclose(o->fp);
    o->fp = NULL;
    sg_tmp_unregister(o->tmp);
    remove(o->tmp);
}

int sg_make_dir(const char *path)
{
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf) {
        fprintf(stderr, "shadowgd: bad output directory '%s'\n", path);
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                fprintf(stderr, "shadowgd: cannot create directory %s: %s\n", buf,
                        strerror(errno));
                return -1;
            }
            buf[i] = c;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "shadowgd: %s is not a directory\n", path);
        return -1;
    }
    return 0;
}

int sg_write_csv_matrix(const char *dir, const char *name, long rows, long cols,
                        const double *x)
{
    sg_outfile o;
    if (sg_outfile_open(&o, dir, name) != 0)
        return -1;
    for (long i = 0; i < rows; i++) {
        for (long l = 0; l < cols; l++)
            fprintf(o.fp, l ? ",%.17g" : "%.17g", x[i * cols + l]);
        fputc('\n', o.fp);
    }
    return sg_outfile_commit(&o);
}
