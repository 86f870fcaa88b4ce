/* json.c -- streaming JSON writer (see json.h). */
#include "io/json.h"
#include <math.h>

void sg_json_init(sg_json *j, FILE *fp)
{
    j->fp = fp;
    j->depth = 0;
    j->count[0] = 0;
}

static void put_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(fp, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(fp, "\\u%04x", *p);
        else
            fputc(*p, fp);
    }
    fputc('"', fp);
}

/* comma, newline, indentation and the key of the next member */
static void member(sg_json *j, const char *key)
{
    if (j->depth > 0) {
        if (j->count[j->depth]++ > 0)
            fputc(',', j->fp);
        fputc('\n', j->fp);
        for (int i = 0; i < j->depth; i++)
            fputs("  ", j->fp);
    }
    if (key) {
        put_string(j->fp, key);
        fputs(": ", j->fp);
    }
}

static void open_level(sg_json *j, const char *key, char c)
{
    member(j, key);
    fputc(c, j->fp);
    if (j->depth + 1 < SG_JSON_DEPTH)
        j->depth++;
    j->count[j->depth] = 0;
}

static void close_level(sg_json *j, char c)
{
    int had = j->count[j->depth] > 0;
    if (j->depth > 0)
        j->depth--;
    if (had) {
        fputc('\n', j->fp);
        for (int i = 0; i < j->depth; i++)
            fputs("  ", j->fp);
    }
    fputc(c, j->fp);
}

void sg_json_open(sg_json *j, const char *key) { open_level(j, key, '{'); }
void sg_json_open_array(sg_json *j, const char *key) { open_level(j, key, '['); }
void sg_json_close(sg_json *j) { close_level(j, '}'); }
void sg_json_close_array(sg_json *j) { close_level(j, ']'); }

void sg_json_str(sg_json *j, const char *key, const char *val)
{
    member(j, key);
    put_string(j->fp, val);
}

void sg_json_num(sg_json *j, const char *key, double val)
{
    member(j, key);
    if (isfinite(val))
        fprintf(j->fp, "%.17g", val);
    else
        fputs("null", j->fp);
}

void sg_json_int(sg_json *j, const char *key, long long val)
{
    member(j, key);
    fprintf(j->fp, "%lld", val);
}

void sg_json_uint(sg_json *j, const char *key, unsigned long long val)
{
    member(j, key);
    fprintf(j->fp, "%llu", val);
}

void sg_json_bool(sg_json *j, const char *key, int val)
{
    member(j, key);
    fputs(val ? "true" : "false", j->fp);
}

void sg_json_null(sg_json *j, const char *key)
{
    member(j, key);
    fputs("null", j->fp);
}

void sg_json_end(sg_json *j)
{
    fputc('\n', j->fp);
}
