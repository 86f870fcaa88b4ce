/* json.h -- a minimal streaming JSON writer (objects, arrays, scalars).
 * Numbers are printed with 17 significant digits (round-trip exact);
 * non-finite doubles, which JSON cannot hold, are written as null. */
#ifndef SG_JSON_H
#define SG_JSON_H

#include <stdio.h>

#define SG_JSON_DEPTH 16

typedef struct sg_json {
    FILE *fp;
    int depth;
    int count[SG_JSON_DEPTH]; /* members written at each open level */
} sg_json;

void sg_json_init(sg_json *j, FILE *fp);
void sg_json_open(sg_json *j, const char *key);       /* "key": {   (key NULL: bare) */
void sg_json_open_array(sg_json *j, const char *key); /* "key": [ */
void sg_json_close(sg_json *j);                       /* } */
void sg_json_close_array(sg_json *j);                 /* ] */
void sg_json_str(sg_json *j, const char *key, const char *val);
void sg_json_num(sg_json *j, const char *key, double val);
void sg_json_int(sg_json *j, const char *key, long long val);
void sg_json_uint(sg_json *j, const char *key, unsigned long long val);
void sg_json_bool(sg_json *j, const char *key, int val);
void sg_json_null(sg_json *j, const char *key);
void sg_json_end(sg_json *j); /* final newline */

#endif
