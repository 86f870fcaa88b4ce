/* target_file.c -- strict reader for --target PATH (see target_file.h). */
#include "io/target_file.h"
#include "io/parse.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* next token of at most cap-1 characters into tok; 0 at end of file,
   -1 when a token is longer than cap-1 */
static int next_token(FILE *fp, char *tok, size_t cap)
{
    int c;
    for (;;) {
        c = fgetc(fp);
        if (c == EOF)
            return 0;
        if (c == '#') {
            while ((c = fgetc(fp)) != EOF && c != '\n')
                ;
            continue;
        }
        if (!isspace(c) && c != ',')
            break;
    }
    size_t len = 0;
    while (c != EOF && !isspace(c) && c != ',' && c != '#') {
        if (len + 1 >= cap)
            return -1;
        tok[len++] = (char)c;
        c = fgetc(fp);
    }
    if (c == '#')
        ungetc(c, fp);
    tok[len] = '\0';
    return 1;
}

int sg_target_read(const char *path, int d, double *a, char *err, size_t errlen)
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
    int rc = sg_target_read_stream(fp, path, d, a, err, errlen);
    fclose(fp);
    return rc;
}

int sg_target_read_stream(FILE *fp, const char *path, int d, double *a, char *err,
                          size_t errlen)
{
    char tok[128], esc[4 * sizeof tok + 8]; /* tokens are file content: escaped */
    int count = 0, rc = -1, nonzero = 0;
    double norm2 = 0.0;
    for (;;) {
        int t = next_token(fp, tok, sizeof tok);
        if (t == 0)
            break;
        if (t < 0) {
            snprintf(err, errlen, "--target %s: entry %d is not a number (token too long)",
                     path, count + 1);
            goto out;
        }
        char *end;
        errno = 0;
        double x = strtod(tok, &end);
        if (end == tok || *end != '\0') {
            snprintf(err, errlen, "--target %s: entry %d '%s' is not a number", path,
                     count + 1, sg_escaped(tok, esc, sizeof esc));
            goto out;
        }
        /* subnormals are accepted (a.csv of --dump may hold them); values
           that overflow or underflow to 0 are not */
        if (!isfinite(x)) {
            snprintf(err, errlen, "--target %s: entry %d '%s' is not a finite double",
                     path, count + 1, sg_escaped(tok, esc, sizeof esc));
            goto out;
        }
        if (errno == ERANGE && x == 0.0) {
            snprintf(err, errlen, "--target %s: entry %d '%s' underflows to 0", path,
                     count + 1, sg_escaped(tok, esc, sizeof esc));
            goto out;
        }
        if (count >= d) {
            snprintf(err, errlen, "--target %s: more than d=%d values", path, d);
            goto out;
        }
        a[count++] = x;
        norm2 += x * x;
        nonzero |= x != 0.0;
    }
    if (ferror(fp)) {
        snprintf(err, errlen, "--target %s: read error", path);
        goto out;
    }
    if (count != d) {
        snprintf(err, errlen, "--target %s: has %d values, expected d=%d", path, count, d);
        goto out;
    }
    /* |a|^2 underflows to 0 for a tiny non-zero a (1e-200): zero only if
       every entry is */
    if (!nonzero) {
        snprintf(err, errlen, "--target %s: the target is the zero vector", path);
        goto out;
    }
    if (!isfinite(norm2)) {
        snprintf(err, errlen, "--target %s: |a|^2 overflows a double", path);
        goto out;
    }
    rc = 0;
out:
    return rc;
}
