/* target_rows.c -- the r-row --target reader (see target_rows.h): each
 * line goes through target_file.h's strict reader, so a row is validated
 * exactly as today's --target file. */
#include "io/target_rows.h"
#include "io/target_file.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 1 when the line holds a value before any '#' */
static int has_content(const char *line)
{
    for (const char *c = line; *c && *c != '#'; c++)
        if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\n' && *c != ',')
            return 1;
    return 0;
}

int sg_target_read_rows(const char *path, int r, int d, double *A, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "--target %s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "--target %s: is a directory", path);
        fclose(fp);
        return -1;
    }
    char *line = NULL, label[512];
    size_t cap = 0;
    ssize_t len;
    int rows = 0, rc = -1;
    while ((len = getline(&line, &cap, fp)) >= 0) {
        if (!has_content(line))
            continue;
        if (rows >= r) {
            snprintf(err, errlen, "--target %s: more than --outputs %d rows", path, r);
            goto out;
        }
        FILE *row = fmemopen(line, (size_t)len, "r");
        if (!row) {
            snprintf(err, errlen, "--target %s: out of memory", path);
            goto out;
        }
        snprintf(label, sizeof label, "%s: row %d", path, rows + 1);
        int bad = sg_target_read_stream(row, label, d, A + (long)rows * d, err, errlen);
        fclose(row);
        if (bad)
            goto out;
        rows++;
    }
    if (ferror(fp)) {
        snprintf(err, errlen, "--target %s: read error", path);
        goto out;
    }
    if (rows != r) {
        snprintf(err, errlen, "--target %s: has %d row%s, expected --outputs %d", path, rows,
                 rows == 1 ? "" : "s", r);
        goto out;
    }
    rc = 0;
out:
    free(line);
    fclose(fp);
    return rc;
}
