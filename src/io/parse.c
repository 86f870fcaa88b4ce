/* parse.c -- strict values from the command line (see parse.h). */
#include "io/parse.h"
#include "io/exit_status.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

int sg_bad_value(const char *flag, const char *val, const char *why)
{
    fprintf(stderr, "shadowgd: invalid value '%s' for --%s: %s\n", val, flag, why);
    return SG_EXIT_USAGE;
}

int sg_parse_long(const char *flag, const char *s, long lo, long hi, long *out)
{
    char *end;
    if (s[0] == '\0' || isspace((unsigned char)s[0]))
        return sg_bad_value(flag, s, "not an integer");
    /* strtol takes "+5" and "-0"; the documented syntax is [-]DIGITS
       without a sign on zero */
    if (s[0] == '+')
        return sg_bad_value(flag, s, "not an integer (no leading '+')");
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || *end != '\0')
        return sg_bad_value(flag, s, "not an integer");
    if (x == 0 && s[0] == '-')
        return sg_bad_value(flag, s, "not an integer (negative zero)");
    if (errno == ERANGE || x < lo || x > hi) {
        char why[96];
        snprintf(why, sizeof why, "must be between %ld and %ld", lo, hi);
        return sg_bad_value(flag, s, why);
    }
    *out = x;
    return 0;
}

int sg_parse_int(const char *flag, const char *s, int lo, int hi, int *out)
{
    long x;
    int rc = sg_parse_long(flag, s, lo, hi, &x);
    if (rc == 0)
        *out = (int)x;
    return rc;
}

int sg_parse_positive(const char *flag, const char *s, double hi, double *out)
{
    char *end;
    if (s[0] == '\0' || isspace((unsigned char)s[0]))
        return sg_bad_value(flag, s, "not a number");
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end != '\0')
        return sg_bad_value(flag, s, "not a number");
    if (!isfinite(x))
        return sg_bad_value(flag, s, "must be a finite number");
    if (!(x > 0.0) || x > hi) {
        char why[64];
        snprintf(why, sizeof why, "must be > 0 and <= %g", hi);
        return sg_bad_value(flag, s, why);
    }
    if (errno == ERANGE || !isnormal(x))
        return sg_bad_value(flag, s, "must be a normal double (>= 2.2250738585072014e-308)");
    *out = x;
    return 0;
}

int sg_parse_u64(const char *flag, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-' || s[0] == '+' || isspace((unsigned char)s[0]))
        return sg_bad_value(flag, s, "must be an unsigned 64-bit integer");
    int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (hex && (s[2] == '\0' || !isxdigit((unsigned char)s[2])))
        return sg_bad_value(flag, s, "not an unsigned integer");
    unsigned long long x = strtoull(hex ? s + 2 : s, &end, hex ? 16 : 10);
    if (end == (hex ? s + 2 : s) || *end != '\0')
        return sg_bad_value(flag, s, "not an unsigned integer");
    if (errno == ERANGE)
        return sg_bad_value(flag, s, "must be below 2^64");
    *out = (uint64_t)x;
    return 0;
}

/* 1 if s is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF) */
static int valid_utf8(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s++;
        int more = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
                                 : (c & 0xf8) == 0xf0 ? 3 : -1;
        if (more < 0)
            return 0;
        unsigned long cp = more == 0 ? c : c & (0x3fu >> more);
        for (int i = 0; i < more; i++, s++) {
            if ((*s & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (*s & 0x3fu);
        }
        if ((more == 1 && cp < 0x80) || (more == 2 && cp < 0x800) ||
            (more == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
    }
    return 1;
}

const char *sg_escaped(const char *s, char *buf, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 5 < cap; p++)
        n += (size_t)snprintf(buf + n, cap - n, *p < 0x20 || *p >= 0x7f ? "\\x%02x" : "%c", *p);
    buf[n] = '\0';
    return buf;
}

int sg_parse_path(const char *flag, const char *s, char *dst, size_t cap)
{
    char esc[256];
    if (s[0] == '\0')
        return sg_bad_value(flag, s, "empty path");
    if (s[0] == '-' && s[1] == '-')
        return sg_bad_value(flag, s, "looks like an option, not a path");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return sg_bad_value(flag, sg_escaped(s, esc, sizeof esc), "path contains a control character");
    if (!valid_utf8((const unsigned char *)s))
        return sg_bad_value(flag, sg_escaped(s, esc, sizeof esc), "path is not valid UTF-8");
    if (strlen(s) + 64 >= cap)
        return sg_bad_value(flag, "...", "path too long");
    strcpy(dst, s);
    return 0;
}

