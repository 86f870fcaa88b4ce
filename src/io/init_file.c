/* init_file.c -- strict reader for --init-file PATH (see init_file.h). */
#include "io/init_file.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LINE_MAX_CHARS (1 << 24) /* one data line: d+1 numbers of <= ~32 chars */

/* the printable start of a token for a message (control bytes escaped) */
static void show(char *dst, size_t cap, const char *tok)
{
    size_t n = 0;
    for (const char *p = tok; *p && n + 5 < cap && n < 40; p++) {
        unsigned char c = (unsigned char)*p;
        n += (size_t)snprintf(dst + n, cap - n, c < 32 || c == 127 ? "\\x%02x" : "%c", c);
    }
    dst[n] = 0;
}

/* one data line into row[0..d]; 0, 1 (blank/comment), -1 (err set) */
static int parse_line(char *line, const char *path, long lineno, int d, double max_abs,
                      double *row, char *err, size_t errlen)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = 0;
    int count = 0;
    char *save = NULL;
    for (char *tok = strtok_r(line, ", \t\r\n", &save); tok;
         tok = strtok_r(NULL, ", \t\r\n", &save)) {
        char shown[200], *end;
        errno = 0;
        double x = strtod(tok, &end);
        show(shown, sizeof shown, tok);
        if (end == tok || *end != 0) {
            snprintf(err, errlen, "--init-file %s: line %ld: entry %d '%s' is not a number",
                     path, lineno, count + 1, shown);
            return -1;
        }
        if (!isfinite(x) || fabs(x) > max_abs) {
            snprintf(err, errlen,
                     "--init-file %s: line %ld: entry %d '%s' is not a finite double of "
                     "magnitude <= %g", path, lineno, count + 1, shown, max_abs);
            return -1;
        }
        if (count > d) {
            snprintf(err, errlen, "--init-file %s: line %ld: more than d + 1 = %d values", path,
                     lineno, d + 1);
            return -1;
        }
        row[count++] = x;
    }
    if (count == 0)
        return 1;
    if (count != d + 1) {
        snprintf(err, errlen, "--init-file %s: line %ld: has %d values, expected d + 1 = %d "
                              "(v_j, w_j1..w_jd)", path, lineno, count, d + 1);
        return -1;
    }
    return 0;
}

int sg_init_file_read(const char *path, int d, int k, double max_abs, double *W, double *v,
                      char *err, size_t errlen)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "--init-file %s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "--init-file %s: is a directory", path);
        fclose(fp);
        return -1;
    }
    double *row = malloc((size_t)(d + 2) * sizeof(double));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int rows = 0, rc = -1;
    if (!row) {
        snprintf(err, errlen, "--init-file %s: out of memory", path);
        goto out;
    }
    while ((len = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        if (len > LINE_MAX_CHARS || memchr(line, 0, (size_t)len)) {
            snprintf(err, errlen, "--init-file %s: line %ld: too long or not text", path, lineno);
            goto out;
        }
        int r = parse_line(line, path, lineno, d, max_abs, row, err, errlen);
        if (r < 0)
            goto out;
        if (r > 0)
            continue;
        if (rows >= k) {
            snprintf(err, errlen, "--init-file %s: line %ld: more than k = %d neurons", path,
                     lineno, k);
            goto out;
        }
        v[rows] = row[0];
        memcpy(W + (long)rows * d, row + 1, (size_t)d * sizeof(double));
        rows++;
    }
    if (ferror(fp)) {
        snprintf(err, errlen, "--init-file %s: read error", path);
        goto out;
    }
    if (rows != k) {
        snprintf(err, errlen, "--init-file %s: has %d neuron lines, expected k = %d", path,
                 rows, k);
        goto out;
    }
    rc = 0;
out:
    free(line);
    free(row);
    fclose(fp);
    return rc;
}
