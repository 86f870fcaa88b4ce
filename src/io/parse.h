/* parse.h -- strict values from the command line: every value is checked
 * for syntax and range, and every error is one line on stderr naming the
 * flag and the value (exit status SG_EXIT_USAGE for the caller to return).
 * Numbers may not carry leading white space or trailing characters. */
#ifndef SG_PARSE_H
#define SG_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* prints "shadowgd: invalid value 'VAL' for --FLAG: WHY"; returns SG_EXIT_USAGE */
int sg_bad_value(const char *flag, const char *val, const char *why);

/* decimal integer in [lo, hi] */
int sg_parse_long(const char *flag, const char *s, long lo, long hi, long *out);
int sg_parse_int(const char *flag, const char *s, int lo, int hi, int *out);

/* finite, normal double in (0, hi] */
int sg_parse_positive(const char *flag, const char *s, double hi, double *out);

/* unsigned 64-bit: decimal, or hexadecimal with 0x (no octal: "010" is ten) */
int sg_parse_u64(const char *flag, const char *s, uint64_t *out);

/* a path that can go into summary.json and one-line messages: not empty,
   no control characters, valid UTF-8, shorter than cap - 64 bytes */
int sg_parse_path(const char *flag, const char *s, char *dst, size_t cap);

/* s with bytes outside printable ASCII as \xHH, at most cap-1 bytes */
const char *sg_escaped(const char *s, char *buf, size_t cap);

#endif
