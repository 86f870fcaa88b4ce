/* checkpoint.c -- writing, validating and applying checkpoints (see
 * checkpoint.h). */
#include "run/checkpoint.h"
#include "io/binio.h"
#include "io/hash.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- encoding: a growable byte buffer ---- */

typedef struct {
    unsigned char *p;
    size_t len, cap;
    int oom;
} dynbuf;

static void put(dynbuf *b, const void *src, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

static void put_u64(dynbuf *b, uint64_t x)
{
    unsigned char c[8];
    sg_le_enc64(c, x);
    put(b, c, 8);
}

static void put_u32(dynbuf *b, uint32_t x)
{
    unsigned char c[4];
    sg_le_enc32(c, x);
    put(b, c, 4);
}

static void put_f64(dynbuf *b, double x)
{
    put_u64(b, sg_f64_bits(x));
}

static void put_str(dynbuf *b, const char *s)
{
    size_t n = strlen(s);
    put_u32(b, (uint32_t)n);
    put(b, s, n);
}

int sg_ckpt_encode(sg_run_ctx *ctx, unsigned char **out, size_t *outlen)
{
    const sg_config *c = &ctx->cfg;
    long len = ctx->len;
    dynbuf b = {0};
    put(&b, SG_CKPT_MAGIC, 8);
    put_u32(&b, SG_CKPT_VERSION);
    put_u32(&b, 0);
    put_u64(&b, 0); /* file length, patched below */
    put_str(&b, SG_VERSION);
    put_str(&b, ctx->model->name);
    put_f64(&b, c->mu);
    put_u64(&b, (uint64_t)c->steps);
    put_u64(&b, c->seed);
    put_u32(&b, (uint32_t)c->dump);
    put_u64(&b, (uint64_t)c->checkpoint_every);
    put_u32(&b, (uint32_t)c->digest);
    put_u64(&b, ctx->model->config_hash(c));
    put_u32(&b, (uint32_t)c->argc);
    for (int i = 0; i < c->argc; i++)
        put_str(&b, c->argv[i]);
    put_u64(&b, ctx->model->data_hash(ctx->m));
    put_u64(&b, sg_fnv1a_doubles(SG_FNV_INIT, ctx->theta0, len));
    put_u64(&b, (uint64_t)ctx->step);
    put_u64(&b, (uint64_t)ctx->nrows);
    put_f64(&b, ctx->loss);
    put_f64(&b, ctx->loss0);
    put_f64(&b, ctx->loop_seconds);
    put_u64(&b, (uint64_t)len);
    for (long q = 0; q < len; q++)
        put_f64(&b, ctx->theta[q]);
    for (long q = 0; q < len; q++)
        put_f64(&b, ctx->theta_prev[q]);
    put_u64(&b, (uint64_t)ctx->traj_bytes);
    put_u64(&b, ctx->traj_hash);
    put_u32(&b, (uint32_t)ctx->nobs);
    for (int q = 0; q < ctx->nobs; q++) {
        const sg_observer *o = &ctx->obs[q];
        char *mem = NULL;
        size_t mlen = 0;
        FILE *fp = o->save ? open_memstream(&mem, &mlen) : NULL;
        int ok = fp != NULL;
        if (ok) {
            ok = o->save(o->self, fp) == 0;
            ok = fclose(fp) == 0 && ok;
        }
        if (!ok) {
            fprintf(stderr, "shadowgd: checkpoint: observer %s cannot save its state\n",
                    o->name);
            free(mem);
            free(b.p);
            return -1;
        }
        put_str(&b, o->name);
        put_u64(&b, (uint64_t)mlen);
        put(&b, mem, mlen);
        free(mem);
    }
    uint64_t total = (uint64_t)b.len + 8;
    put_u64(&b, 0);
    if (b.oom) {
        fprintf(stderr, "shadowgd: checkpoint: out of memory\n");
        free(b.p);
        return -1;
    }
    sg_le_enc64(b.p + 16, total);
    sg_le_enc64(b.p + b.len - 8, sg_fnv1a(SG_FNV_INIT, b.p, b.len - 8));
    *out = b.p;
    *outlen = b.len;
    return 0;
}

/* ---- decoding: a bounds-checked cursor ---- */

typedef struct {
    const unsigned char *p;
    size_t pos, end;
    int bad; /* a read ran past end */
} cursor;

static uint64_t get_u64(cursor *c)
{
    if (c->bad || c->end - c->pos < 8) {
        c->bad = 1;
        return 0;
    }
    uint64_t x = sg_le_dec64(c->p + c->pos);
    c->pos += 8;
    return x;
}

static uint32_t get_u32(cursor *c)
{
    if (c->bad || c->end - c->pos < 4) {
        c->bad = 1;
        return 0;
    }
    uint32_t x = sg_le_dec32(c->p + c->pos);
    c->pos += 4;
    return x;
}

static double get_f64(cursor *c)
{
    return sg_bits_f64(get_u64(c));
}

/* string of at most cap-1 bytes without NUL or control characters */
static int get_str(cursor *c, char *dst, size_t cap)
{
    uint32_t n = get_u32(c);
    if (c->bad || n >= cap || c->end - c->pos < n)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        if (c->p[c->pos + i] < 0x20 || c->p[c->pos + i] == 0x7f)
            return -1;
    memcpy(dst, c->p + c->pos, n);
    dst[n] = '\0';
    c->pos += n;
    return 0;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

void sg_ckpt_free(sg_ckpt *ck)
{
    free(ck->theta);
    free(ck->theta_prev);
    free(ck->args); /* one block: pointers, then the strings */
    ck->theta = ck->theta_prev = NULL;
    ck->args = NULL;
}

/* the stored options re-parsed by the run's own parser must give back the
   model and every field the checkpoint also stores in binary (the model's
   options through its config_hash); the result replaces ck->cfg */
static int reparse_options(sg_ckpt *ck, sg_ckpt_reparse reparse, const char *model,
                           uint64_t model_hash, char *err, size_t errlen)
{
    sg_config *r = malloc(sizeof *r);
    if (!r)
        return fail(err, errlen, "out of memory");
    char *argv[SG_CKPT_MAX_ARGS + 2];
    argv[0] = (char *)"run";
    for (int i = 0; i < ck->cfg.argc; i++)
        argv[i + 1] = ck->args[i];
    argv[ck->cfg.argc + 1] = NULL;
    if (reparse(ck->cfg.argc + 1, argv, r) != 0) {
        free(r);
        return fail(err, errlen, "its stored command-line options are rejected");
    }
    if (strcmp(r->model->name, model) != 0) {
        fail(err, errlen, "its stored options select model %s, the checkpoint is of model %s",
             r->model->name, model);
        free(r);
        return -1;
    }
    const sg_config *g = &ck->cfg;
    if (memcmp(&r->mu, &g->mu, sizeof r->mu) != 0 || r->steps != g->steps ||
        r->seed != g->seed || r->dump != g->dump ||
        r->checkpoint_every != g->checkpoint_every || r->digest != g->digest ||
        r->model->config_hash(r) != model_hash) {
        free(r);
        return fail(err, errlen, "its stored options disagree with its configuration");
    }
    r->argc = ck->cfg.argc;
    r->argv = ck->args;
    r->out_dir[0] = '\0';
    r->quiet = 0;
    r->force = 0;
    ck->cfg = *r;
    free(r);
    return 0;
}

int sg_ckpt_parse(const unsigned char *buf, size_t len, sg_ckpt *ck, sg_ckpt_reparse reparse,
                  char *err, size_t errlen)
{
    memset(ck, 0, sizeof *ck);
    if (len < 8 || memcmp(buf, SG_CKPT_MAGIC, 8) != 0)
        return fail(err, errlen, "not a shadowgd checkpoint (bad magic)");
    if (len < 32)
        return fail(err, errlen, "truncated: %zu bytes", len);
    cursor c = {buf, 8, len, 0};
    uint32_t version = get_u32(&c), flags = get_u32(&c);
    if (version != SG_CKPT_VERSION)
        return fail(err, errlen, "format version %u, this build reads version %u", version,
                    SG_CKPT_VERSION);
    if (flags != 0)
        return fail(err, errlen, "unknown flags 0x%x", flags);
    uint64_t total = get_u64(&c);
    if (total != len)
        return fail(err, errlen, "truncated or extended: header says %llu bytes, file has %zu",
                    (unsigned long long)total, len);
    if (sg_fnv1a(SG_FNV_INIT, buf, len - 8) != sg_le_dec64(buf + len - 8))
        return fail(err, errlen, "checksum mismatch (file corrupted)");
    c.end = len - 8;

    if (get_str(&c, ck->version, sizeof ck->version) != 0)
        return fail(err, errlen, "bad program version field");
    if (strcmp(ck->version, SG_VERSION) != 0)
        return fail(err, errlen, "written by shadowgd %s, this is %s", ck->version, SG_VERSION);
    sg_config *g = &ck->cfg;
    char model[SG_CKPT_NAME_MAX + 1];
    if (get_str(&c, model, sizeof model) != 0 || model[0] == '\0')
        return fail(err, errlen, "bad model name field");
    g->mu = get_f64(&c);
    uint64_t steps = get_u64(&c);
    g->seed = get_u64(&c);
    uint32_t dump = get_u32(&c);
    uint64_t every = get_u64(&c);
    uint32_t digest = get_u32(&c);
    uint64_t model_hash = get_u64(&c);
    uint32_t argc = get_u32(&c);
    if (c.bad)
        return fail(err, errlen, "truncated configuration");
    if (argc > SG_CKPT_MAX_ARGS)
        return fail(err, errlen, "%u stored options, at most %d", argc, SG_CKPT_MAX_ARGS);
    /* one block: argc pointers, then the strings (each < SG_PATH_MAX) */
    size_t room = (size_t)argc * sizeof(char *) + (c.end - c.pos) + argc;
    ck->args = malloc(room ? room : 1);
    if (!ck->args)
        return fail(err, errlen, "out of memory");
    char *sp = (char *)(ck->args + argc);
    for (uint32_t i = 0; i < argc; i++) {
        if (get_str(&c, sp, SG_PATH_MAX) != 0) {
            sg_ckpt_free(ck);
            return fail(err, errlen, "bad stored option %u", i + 1);
        }
        ck->args[i] = sp;
        sp += strlen(sp) + 1;
    }
    g->argc = (int)argc;
    g->argv = ck->args;
    if (dump > 1 || digest > 1)
        return sg_ckpt_free(ck), fail(err, errlen, "bad flag in the configuration");
    if (!(isnormal(g->mu) && g->mu > 0.0 && g->mu <= 1e100))
        return sg_ckpt_free(ck), fail(err, errlen, "bad mu");
    if (steps > (uint64_t)SG_MAX_STEPS || every < 1 || every > (uint64_t)SG_MAX_STEPS)
        return sg_ckpt_free(ck), fail(err, errlen, "bad steps or checkpoint interval");
    g->steps = (long)steps;
    g->dump = (int)dump;
    g->checkpoint_every = (long)every;
    g->digest = (int)digest;
    if (reparse_options(ck, reparse, model, model_hash, err, errlen) != 0) {
        sg_ckpt_free(ck);
        return -1;
    }
    ck->data_hash = get_u64(&c);
    ck->theta0_hash = get_u64(&c);
    uint64_t step = get_u64(&c), nrows = get_u64(&c);
    ck->loss = get_f64(&c);
    ck->loss0 = get_f64(&c);
    ck->loop_seconds = get_f64(&c);
    uint64_t tlen = get_u64(&c);
    if (c.bad)
        return sg_ckpt_free(ck), fail(err, errlen, "truncated run state");
    if (step < 1 || step >= steps || nrows != step)
        return sg_ckpt_free(ck), fail(err, errlen, "bad step %llu (rows %llu, steps %llu)",
                    (unsigned long long)step, (unsigned long long)nrows,
                    (unsigned long long)steps);
    if (!isfinite(ck->loss) || !isfinite(ck->loss0) || !isfinite(ck->loop_seconds) ||
        ck->loop_seconds < 0)
        return sg_ckpt_free(ck), fail(err, errlen, "non-finite loss or time in the run state");
    ck->step = (long)step;
    ck->nrows = (long)nrows;
    ck->len = g->model->theta_len(g);
    if (tlen != (uint64_t)ck->len)
        return sg_ckpt_free(ck), fail(err, errlen, "state length %llu, expected %ld",
                    (unsigned long long)tlen, ck->len);
    if ((c.end - c.pos) / 16 < (size_t)ck->len)
        return sg_ckpt_free(ck), fail(err, errlen, "truncated state vector");
    ck->theta = malloc((size_t)ck->len * sizeof(double));
    ck->theta_prev = malloc((size_t)ck->len * sizeof(double));
    if (!ck->theta || !ck->theta_prev) {
        sg_ckpt_free(ck);
        return fail(err, errlen, "out of memory");
    }
    for (long q = 0; q < ck->len; q++)
        ck->theta[q] = get_f64(&c);
    for (long q = 0; q < ck->len; q++)
        ck->theta_prev[q] = get_f64(&c);
    double box = g->model->theta_max;
    for (long q = 0; q < ck->len; q++)
        if (!isfinite(ck->theta[q]) || fabs(ck->theta[q]) > box ||
            !isfinite(ck->theta_prev[q]) || fabs(ck->theta_prev[q]) > box) {
            sg_ckpt_free(ck);
            return fail(err, errlen, "state component %ld is not finite or outside the region",
                        q);
        }
    uint64_t tb = get_u64(&c);
    ck->traj_hash = get_u64(&c);
    uint32_t nobs = get_u32(&c);
    if (c.bad || tb > (uint64_t)LONG_MAX || nobs > SG_MAX_OBSERVERS) {
        sg_ckpt_free(ck);
        return fail(err, errlen, "bad trajectory or observer fields");
    }
    ck->traj_bytes = (long)tb;
    ck->nobs = (int)nobs;
    for (int q = 0; q < ck->nobs; q++) {
        sg_ckpt_obs *o = &ck->obs[q];
        if (get_str(&c, o->name, sizeof o->name) != 0 || o->name[0] == '\0') {
            sg_ckpt_free(ck);
            return fail(err, errlen, "bad name of observer %d", q + 1);
        }
        uint64_t plen = get_u64(&c);
        if (c.bad || plen > c.end - c.pos) {
            sg_ckpt_free(ck);
            return fail(err, errlen, "truncated state of observer %s", o->name);
        }
        o->data = buf + c.pos;
        o->len = (size_t)plen;
        c.pos += (size_t)plen;
    }
    if (c.pos != c.end) {
        sg_ckpt_free(ck);
        return fail(err, errlen, "%zu unexpected bytes after the last section", c.end - c.pos);
    }
    return 0;
}

int sg_ckpt_apply(sg_run_ctx *ctx, const sg_ckpt *ck, char *err, size_t errlen)
{
    long len = ctx->len;
    if (len != ck->len || ctx->model != ck->cfg.model)
        return fail(err, errlen, "state length differs from the configuration");
    if (ctx->model->data_hash(ctx->m) != ck->data_hash)
        return fail(err, errlen, "the regenerated dataset or target differs from the "
                                 "checkpoint's (target file changed?)");
    if (sg_fnv1a_doubles(SG_FNV_INIT, ctx->theta0, len) != ck->theta0_hash)
        return fail(err, errlen, "the regenerated initial state differs from the checkpoint's");
    if (ctx->nobs != ck->nobs)
        return fail(err, errlen, "checkpoint has %d observers, this run registers %d", ck->nobs,
                    ctx->nobs);
    for (int q = 0; q < ctx->nobs; q++) {
        const sg_observer *o = &ctx->obs[q];
        if (strcmp(o->name, ck->obs[q].name) != 0)
            return fail(err, errlen, "observer %d is %s in the checkpoint, %s in this run",
                        q + 1, ck->obs[q].name, o->name);
        if (!o->load)
            return fail(err, errlen, "observer %s cannot load its state", o->name);
        /* fmemopen rejects size 0, so an empty state gets a 1-byte stream */
        static const unsigned char empty[1] = {0};
        FILE *fp = fmemopen((void *)(ck->obs[q].len ? ck->obs[q].data : empty),
                            ck->obs[q].len ? ck->obs[q].len : 1, "rb");
        int rc = fp ? o->load(o->self, fp, ck->obs[q].len) : -1;
        if (fp)
            fclose(fp);
        if (rc != 0)
            return fail(err, errlen, "observer %s rejected its saved state", o->name);
    }
    memcpy(ctx->theta, ck->theta, (size_t)len * sizeof(double));
    memcpy(ctx->theta_prev, ck->theta_prev, (size_t)len * sizeof(double));
    ctx->step = ck->step;
    ctx->nrows = ck->nrows;
    ctx->loss = ck->loss;
    ctx->loss0 = ck->loss0;
    ctx->loop_seconds = ck->loop_seconds;
    ctx->traj_bytes = ck->traj_bytes;
    ctx->traj_hash = ck->traj_hash;
    ctx->resumed = 1;
    return 0;
}

int sg_checkpoint_check_observers(const sg_run_ctx *ctx)
{
    for (int q = 0; q < ctx->nobs; q++)
        if (!ctx->obs[q].save || !ctx->obs[q].load) {
            fprintf(stderr, "shadowgd: invalid value '%ld' for --checkpoint-every: the %s "
                            "observer cannot save its state in a checkpoint\n",
                    ctx->cfg.checkpoint_every, ctx->obs[q].name);
            return SG_EXIT_USAGE;
        }
    return 0;
}

/* ---- writing during the run ---- */

/* extend ctx->traj_hash over the bytes the csv stream wrote since the last
   checkpoint (read back from the temporary, after fflush + fsync) */
static int hash_trajectory(sg_run_ctx *ctx, FILE *csv)
{
    if (fflush(csv) != 0 || fsync(fileno(csv)) != 0)
        return -1;
    long pos = ftell(csv);
    if (pos < ctx->traj_bytes)
        return -1;
    char path[SG_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/trajectory.csv.tmp", ctx->cfg.out_dir);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    int rc = fseek(fp, ctx->traj_bytes, SEEK_SET);
    unsigned char chunk[65536];
    long left = pos - ctx->traj_bytes;
    uint64_t h = ctx->traj_hash;
    while (rc == 0 && left > 0) {
        size_t want = left < (long)sizeof chunk ? (size_t)left : sizeof chunk;
        size_t got = fread(chunk, 1, want, fp);
        if (got != want)
            rc = -1;
        h = sg_fnv1a(h, chunk, got);
        left -= (long)got;
    }
    fclose(fp);
    if (rc != 0)
        return -1;
    ctx->traj_hash = h;
    ctx->traj_bytes = pos;
    return 0;
}

static int write_checkpoint(sg_run_ctx *ctx, FILE *csv)
{
    if (hash_trajectory(ctx, csv) != 0) {
        fprintf(stderr, "shadowgd: checkpoint at step %ld: cannot flush or read back "
                        "%s/trajectory.csv.tmp: %s\n", ctx->step, ctx->cfg.out_dir,
                strerror(errno ? errno : EIO));
        return -1;
    }
    unsigned char *buf;
    size_t len;
    if (sg_ckpt_encode(ctx, &buf, &len) != 0)
        return -1;
    sg_outfile o;
    int rc = sg_outfile_open(&o, ctx->cfg.out_dir, SG_CKPT_NAME);
    if (rc == 0) {
        if (fwrite(buf, 1, len, o.fp) != len) {
            fprintf(stderr, "shadowgd: write error on %s: %s\n", o.tmp, strerror(errno));
            sg_outfile_abort(&o);
            rc = -1;
        } else {
            rc = sg_outfile_commit(&o);
        }
    }
    free(buf);
    return rc;
}

static volatile sig_atomic_t caught_signal;

static void on_signal(int sig)
{
    caught_signal = sig;
}

void sg_checkpoint_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    caught_signal = 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void sg_checkpoint_default_signals(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

int sg_checkpoint_step(sg_run_ctx *ctx, FILE *csv)
{
    static long kill_at = -2;
    const sg_config *c = &ctx->cfg;
    int due = c->checkpoint_every > 0 && ctx->step < c->steps;
    if (due && ctx->step % c->checkpoint_every == 0 && write_checkpoint(ctx, csv) != 0) {
        ctx->io_errno = -1;
        return -1;
    }
    if (kill_at == -2) {
        const char *s = getenv("SHADOWGD_TEST_KILL_AT_STEP");
        kill_at = s ? strtol(s, NULL, 10) : -1;
    }
    if (ctx->step == kill_at)
        raise(SIGKILL);
    /* SIGINT/SIGTERM: stop here, with a checkpoint of this very step */
    if (caught_signal && ctx->step < c->steps) {
        ctx->interrupted = caught_signal;
        if (due && ctx->step % c->checkpoint_every != 0 && write_checkpoint(ctx, csv) != 0) {
            ctx->io_errno = -1;
            return -1;
        }
        return 1;
    }
    return 0;
}

int sg_read_file(const char *path, unsigned char **buf, size_t *len, char *err,
                 size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    struct stat st;
    if (!fp)
        return fail(err, errlen, "cannot open: %s", strerror(errno));
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(fp);
        return fail(err, errlen, "not a regular file");
    }
    size_t n = (size_t)st.st_size;
    unsigned char *p = malloc(n ? n : 1);
    if (!p) {
        fclose(fp);
        return fail(err, errlen, "out of memory for %zu bytes", n);
    }
    size_t got = fread(p, 1, n, fp);
    int bad = ferror(fp) || got != n || fgetc(fp) != EOF;
    fclose(fp);
    if (bad) {
        free(p);
        return fail(err, errlen, "read error or file changed while reading");
    }
    *buf = p;
    *len = n;
    return 0;
}
