/* jsonread.h -- a small JSON reader (RFC 8259) for the files shadowgd itself
 * writes (summary.json, trial.json), read back by `shadowgd gather`.
 *
 * The document becomes a tree of nodes.  A number keeps its token text as
 * written, next to its double value, so that a gathered CSV can copy a value
 * byte for byte instead of re-formatting it.  Strings are unescaped to UTF-8
 * (a \u0000 escape is rejected: values are C strings).  Nesting is limited to
 * SG_JREAD_DEPTH levels; anything else malformed is an error with the byte
 * offset.
 */
#ifndef SG_JSONREAD_H
#define SG_JSONREAD_H

#include <stddef.h>

#define SG_JREAD_DEPTH 64

typedef enum { SG_JV_NULL, SG_JV_BOOL, SG_JV_NUM, SG_JV_STR, SG_JV_ARR, SG_JV_OBJ } sg_jv_kind;

typedef struct sg_jv {
    sg_jv_kind kind;
    char *key;            /* member name inside an object, else NULL          */
    char *text;           /* number token, unescaped string, "true"/"false"    */
    double num;           /* value of a number; 1/0 for a bool                 */
    struct sg_jv *child;  /* first element / member of an array / object       */
    struct sg_jv *next;   /* next sibling                                      */
} sg_jv;

/* Parse len bytes of s (one value, surrounded by white space only).
   Returns the root, or NULL with a one-line reason in err. */
sg_jv *sg_jread_mem(const char *s, size_t len, char *err, size_t errlen);

/* Parse a whole file; NULL with the reason (incl. the path) in err. */
sg_jv *sg_jread_file(const char *path, char *err, size_t errlen);

void sg_jfree(sg_jv *v);

/* The member at a dotted path ("phases.rate.per_step") below an object,
   or NULL when a step is missing or not an object. */
const sg_jv *sg_jget(const sg_jv *obj, const char *path);

#endif
