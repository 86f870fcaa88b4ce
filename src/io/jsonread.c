/* jsonread.c -- recursive-descent JSON parser (see jsonread.h). */
#include "io/jsonread.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t len, pos;
    char *err;
    size_t errlen;
} parser;

static int fail(parser *p, const char *why)
{
    if (p->err && p->err[0] == '\0')
        snprintf(p->err, p->errlen, "%s at byte %zu", why, p->pos);
    return -1;
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

static int peek(const parser *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static sg_jv *node(sg_jv_kind k)
{
    sg_jv *v = calloc(1, sizeof *v);
    if (v)
        v->kind = k;
    return v;
}

static int hex4(parser *p, unsigned *out)
{
    unsigned x = 0;
    for (int i = 0; i < 4; i++, p->pos++) {
        int c = peek(p);
        x <<= 4;
        if (c >= '0' && c <= '9') x |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') x |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') x |= (unsigned)(c - 'A' + 10);
        else return fail(p, "bad \\u escape");
    }
    *out = x;
    return 0;
}

static size_t put_utf8(char *d, unsigned long cp)
{
    if (cp < 0x80) { d[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        d[0] = (char)(0xc0 | (cp >> 6)); d[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xe0 | (cp >> 12)); d[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        d[2] = (char)(0x80 | (cp & 0x3f)); return 3;
    }
    d[0] = (char)(0xf0 | (cp >> 18)); d[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); d[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* a string token (p at the opening quote) -> malloc'd UTF-8; an escape
   never grows the text beyond its source length, so len+1 bytes suffice */
static char *parse_string(parser *p)
{
    p->pos++;
    char *d = malloc(p->len - p->pos + 1);
    size_t n = 0;
    if (!d) { fail(p, "out of memory"); return NULL; }
    for (;;) {
        int c = peek(p);
        if (c < 0) { fail(p, "unterminated string"); break; }
        if (c < 0x20) { fail(p, "control character in string"); break; }
        p->pos++;
        if (c == '"') { d[n] = '\0'; return d; }
        if (c != '\\') { d[n++] = (char)c; continue; }
        c = peek(p);
        p->pos++;
        switch (c) {
        case '"': d[n++] = '"'; continue;
        case '\\': d[n++] = '\\'; continue;
        case '/': d[n++] = '/'; continue;
        case 'b': d[n++] = '\b'; continue;
        case 'f': d[n++] = '\f'; continue;
        case 'n': d[n++] = '\n'; continue;
        case 'r': d[n++] = '\r'; continue;
        case 't': d[n++] = '\t'; continue;
        case 'u': {
            unsigned hi, lo;
            if (hex4(p, &hi) != 0) break;
            unsigned long cp = hi;
            if (hi >= 0xd800 && hi < 0xdc00) {
                if (peek(p) != '\\' || p->pos + 1 >= p->len || p->s[p->pos + 1] != 'u') {
                    fail(p, "lone surrogate in \\u escape"); break;
                }
                p->pos += 2;
                if (hex4(p, &lo) != 0) break;
                if (lo < 0xdc00 || lo > 0xdfff) { fail(p, "bad surrogate pair"); break; }
                cp = 0x10000 + (((unsigned long)hi - 0xd800) << 10) + (lo - 0xdc00);
            } else if (hi >= 0xdc00 && hi <= 0xdfff) {
                fail(p, "lone surrogate in \\u escape"); break;
            } else if (hi == 0) {
                fail(p, "\\u0000 in string"); break;
            }
            n += put_utf8(d + n, cp);
            continue;
        }
        default: fail(p, "bad escape in string");
        }
        break;
    }
    free(d);
    return NULL;
}

/* number grammar of RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int parse_number(parser *p, sg_jv *v)
{
    size_t start = p->pos;
    if (peek(p) == '-') p->pos++;
    if (peek(p) == '0') p->pos++;
    else if (peek(p) >= '1' && peek(p) <= '9') while (peek(p) >= '0' && peek(p) <= '9') p->pos++;
    else return fail(p, "bad number");
    if (peek(p) == '.') {
        p->pos++;
        if (!(peek(p) >= '0' && peek(p) <= '9')) return fail(p, "bad number");
        while (peek(p) >= '0' && peek(p) <= '9') p->pos++;
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->pos++;
        if (peek(p) == '+' || peek(p) == '-') p->pos++;
        if (!(peek(p) >= '0' && peek(p) <= '9')) return fail(p, "bad number");
        while (peek(p) >= '0' && peek(p) <= '9') p->pos++;
    }
    size_t n = p->pos - start;
    v->text = malloc(n + 1);
    if (!v->text) return fail(p, "out of memory");
    memcpy(v->text, p->s + start, n);
    v->text[n] = '\0';
    v->num = strtod(v->text, NULL); /* overflow gives +-inf: still a value */
    return 0;
}

static int literal(parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return fail(p, "unexpected character");
    p->pos += n;
    return 0;
}

static sg_jv *parse_value(parser *p, int depth);

/* elements or members up to the closing bracket; p after the opening one */
static int parse_items(parser *p, sg_jv *v, int depth, int members)
{
    sg_jv **tail = &v->child;
    int close = members ? '}' : ']';
    skip_ws(p);
    if (peek(p) == close) { p->pos++; return 0; }
    for (;;) {
        char *key = NULL;
        skip_ws(p);
        if (members) {
            if (peek(p) != '"') return fail(p, "expected a member name");
            if (!(key = parse_string(p))) return -1;
            skip_ws(p);
            if (peek(p) != ':') { free(key); return fail(p, "expected ':'"); }
            p->pos++;
        }
        sg_jv *e = parse_value(p, depth + 1);
        if (!e) { free(key); return -1; }
        e->key = key;
        *tail = e;
        tail = &e->next;
        skip_ws(p);
        int c = peek(p);
        p->pos++;
        if (c == close) return 0;
        if (c != ',') {
            p->pos--;
            return fail(p, members ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
}

static sg_jv *parse_value(parser *p, int depth)
{
    if (depth > SG_JREAD_DEPTH) { fail(p, "nesting too deep"); return NULL; }
    skip_ws(p);
    int c = peek(p);
    sg_jv *v = NULL;
    int rc = -1;
    if (c == '{' || c == '[') {
        v = node(c == '{' ? SG_JV_OBJ : SG_JV_ARR);
        if (v) { p->pos++; rc = parse_items(p, v, depth, c == '{'); }
    } else if (c == '"') {
        v = node(SG_JV_STR);
        if (v && (v->text = parse_string(p)) != NULL) rc = 0;
    } else if (c == 't' || c == 'f') {
        v = node(SG_JV_BOOL);
        if (v && literal(p, c == 't' ? "true" : "false") == 0) {
            v->num = c == 't';
            v->text = strdup(c == 't' ? "true" : "false");
            rc = v->text ? 0 : fail(p, "out of memory");
        }
    } else if (c == 'n') {
        v = node(SG_JV_NULL);
        if (v) rc = literal(p, "null");
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        v = node(SG_JV_NUM);
        if (v) rc = parse_number(p, v);
    } else {
        fail(p, c < 0 ? "unexpected end of input" : "unexpected character");
        return NULL;
    }
    if (!v) { fail(p, "out of memory"); return NULL; }
    if (rc != 0) { sg_jfree(v); return NULL; }
    return v;
}

sg_jv *sg_jread_mem(const char *s, size_t len, char *err, size_t errlen)
{
    parser p = {s, len, 0, err, errlen};
    if (err && errlen)
        err[0] = '\0';
    sg_jv *v = parse_value(&p, 0);
    if (!v)
        return NULL;
    skip_ws(&p);
    if (p.pos != len) {
        fail(&p, "trailing characters after the value");
        sg_jfree(v);
        return NULL;
    }
    return v;
}

sg_jv *sg_jread_file(const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 14, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, fp);
        if (n < cap)
            break;
        char *b = cap > ((size_t)1 << 30) ? NULL : realloc(buf, cap * 2);
        if (!b) { free(buf); buf = NULL; break; }
        buf = b;
        cap *= 2;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (!buf || bad) {
        snprintf(err, errlen, "cannot read %s%s", path, buf ? "" : " (too large)");
        free(buf);
        return NULL;
    }
    char why[200];
    sg_jv *v = sg_jread_mem(buf, n, why, sizeof why);
    free(buf);
    if (!v)
        snprintf(err, errlen, "%s: not valid JSON: %s", path, why);
    return v;
}

void sg_jfree(sg_jv *v)
{
    while (v) {
        sg_jv *next = v->next;
        sg_jfree(v->child);
        free(v->key);
        free(v->text);
        free(v);
        v = next;
    }
}

const sg_jv *sg_jget(const sg_jv *obj, const char *path)
{
    while (obj && obj->kind == SG_JV_OBJ) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        const sg_jv *m = obj->child;
        while (m && !(strlen(m->key) == n && strncmp(m->key, path, n) == 0))
            m = m->next;
        if (!m || !dot)
            return m;
        obj = m;
        path = dot + 1;
    }
    return NULL;
}
