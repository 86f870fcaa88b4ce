/* table.c -- expansion of a spec into its trial table (see table.h). */
#include "sweep/table.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint64_t sw_trial_seed(const sw_spec *s, long i)
{
    return s->seed_base + (uint64_t)(i % s->seeds);
}

int sw_trial_value(const sw_spec *s, long i, int a)
{
    long p = i / s->seeds;                    /* grid point, row-major */
    for (int b = s->naxes - 1; b > a; b--)
        p /= s->axes[b].nvalues;
    return (int)(p % s->axes[a].nvalues);
}

/* growable string */
typedef struct { char *p; size_t n, cap; int oom; } sbuf;

static void put(sbuf *b, const char *s)
{
    size_t k = strlen(s);
    if (b->oom)
        return;
    if (b->n + k + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap : 4096);
        while (cap < b->n + k + 1)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) { b->oom = 1; return; }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, k + 1);
    b->n += k;
}

char *sw_table_csv(const sw_spec *s)
{
    sbuf b = {NULL, 0, 0, 0};
    char num[48];
    put(&b, "index,seed");
    for (int a = 0; a < s->naxes; a++) {
        put(&b, ",");
        put(&b, s->axes[a].name);
    }
    put(&b, ",options\n");
    long n = sw_spec_trials(s);
    for (long i = 0; i < n; i++) {
        snprintf(num, sizeof num, "%ld,%llu", i, (unsigned long long)sw_trial_seed(s, i));
        put(&b, num);
        for (int a = 0; a < s->naxes; a++) {
            put(&b, ",");
            put(&b, s->axes[a].values[sw_trial_value(s, i, a)]);
        }
        put(&b, ",");
        for (int f = 0; f < s->nfixed; f++) {
            put(&b, f ? " " : "");
            put(&b, s->fixed[f]);
        }
        for (int a = 0; a < s->naxes; a++) {
            put(&b, s->nfixed || a ? " --" : "--");
            put(&b, s->axes[a].name);
            put(&b, " ");
            put(&b, s->axes[a].values[sw_trial_value(s, i, a)]);
        }
        put(&b, "\n");
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* next line of fp into a malloc'd buffer without the newline; NULL at EOF */
static char *read_line(FILE *fp)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, fp);
    if (n < 0) {
        free(line);
        return NULL;
    }
    if (n > 0 && line[n - 1] == '\n')
        line[n - 1] = '\0';
    return line;
}

long sw_table_count(const char *path, char **header)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "shadowgd: cannot open trial table %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *h = read_line(fp), *line;
    long n = 0;
    while ((line = read_line(fp)) != NULL) {
        n++;
        free(line);
    }
    fclose(fp);
    if (!h || strncmp(h, "index,seed,", 11) != 0) {
        fprintf(stderr, "shadowgd: %s is not a trial table (header must start with "
                        "index,seed,)\n", path);
        free(h);
        return -1;
    }
    if (header)
        *header = h;
    else
        free(h);
    return n;
}

int sw_table_row(const char *path, long index, sw_row *row)
{
    memset(row, 0, sizeof *row);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "shadowgd: cannot open trial table %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = read_line(fp);   /* header */
    long i = -1;
    while (line && i < index) {
        free(line);
        line = read_line(fp);
        i++;
    }
    fclose(fp);
    if (!line || i != index) {
        free(line);
        fprintf(stderr, "shadowgd: %s has no row %ld\n", path, index);
        return -1;
    }
    /* index,seed,<values...>,options: the options are after the last comma */
    char *opts = strrchr(line, ','), *c2 = strchr(line, ',');
    char *end;
    long got = strtol(line, &end, 10);
    size_t seedlen = c2 && opts && c2 != opts ? strcspn(c2 + 1, ",") : 0;
    if (!opts || end != c2 || got != index || seedlen == 0 || seedlen >= sizeof row->seed ||
        strspn(c2 + 1, "0123456789") != seedlen) {
        fprintf(stderr, "shadowgd: %s: row %ld is malformed\n", path, index);
        free(line);
        return -1;
    }
    memcpy(row->seed, c2 + 1, seedlen);
    row->seed[seedlen] = '\0';
    row->index = index;
    row->options = strdup(opts + 1);
    free(line);
    if (!row->options) {
        fprintf(stderr, "shadowgd: out of memory\n");
        return -1;
    }
    return 0;
}

void sw_row_free(sw_row *row)
{
    free(row->options);
    row->options = NULL;
}
