/* digest.c -- the --digest observer (see digest.h). */
#include "run/digest.h"
#include "io/binio.h"
#include "io/hash.h"
#include "io/json.h"
#include <stdlib.h>

typedef struct {
    uint64_t h;
    long len;        /* parameters per state */
} sg_digest;

static int dg_observe(void *self, sg_run_ctx *ctx)
{
    sg_digest *g = self;
    g->h = sg_fnv1a_doubles(g->h, ctx->theta, g->len);
    return 0;
}

static void dg_header(void *self, FILE *fp)
{
    (void)self;
    fputs(",theta_fnv", fp);
}

static void dg_row(void *self, FILE *fp)
{
    fprintf(fp, ",%016llx", (unsigned long long)((sg_digest *)self)->h);
}

static void dg_summary(void *self, sg_json *j)
{
    char buf[20];
    snprintf(buf, sizeof buf, "%016llx", (unsigned long long)((sg_digest *)self)->h);
    sg_json_str(j, "theta_digest", buf);
}

/* state: h as 8 bytes, little-endian */
static int dg_save(void *self, FILE *fp)
{
    uint64_t h = ((sg_digest *)self)->h;
    unsigned char b[8];
    sg_le_enc64(b, h);
    return fwrite(b, 1, 8, fp) == 8 ? 0 : -1;
}

static int dg_load(void *self, FILE *fp, size_t len)
{
    unsigned char b[8];
    if (len != 8 || fread(b, 1, 8, fp) != 8)
        return -1;
    ((sg_digest *)self)->h = sg_le_dec64(b);
    return 0;
}

static void dg_destroy(void *self)
{
    free(self);
}

int sg_digest_register(sg_run_ctx *ctx)
{
    sg_digest *g = malloc(sizeof *g);
    if (!g)
        return -1;
    g->h = SG_FNV_INIT;
    g->len = ctx->len;
    sg_observer o = {0};
    o.name = "digest";
    o.self = g;
    o.observe = dg_observe;
    o.csv_header = dg_header;
    o.csv_row = dg_row;
    o.summary = dg_summary;
    o.save = dg_save;
    o.load = dg_load;
    o.destroy = dg_destroy;
    if (sg_run_add_observer(ctx, &o) != 0) {
        free(g);
        return -1;
    }
    return 0;
}
