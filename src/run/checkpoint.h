/* checkpoint.h -- `--checkpoint-every K` and `shadowgd resume DIR`.
 *
 * Every K steps (at 0 < t < steps, after the update that produced theta_t
 * and after every observer's after_update) DIR/checkpoint.bin is replaced,
 * atomically (temporary + fsync + rename), by a file holding everything
 * the loop needs to continue from theta_t exactly as if it had never
 * stopped.  Format version 1, all integers little-endian, doubles as their
 * IEEE-754 binary64 bits (so the state is exact).  Format version 2 (version
 * 1, before the model interface, held the ReLU model's fields in binary):
 *
 *   offset 0   magic "SGDCKPT\n" (8 bytes)
 *          8   u32 format version (2)            12  u32 flags (0)
 *         16   u64 file length in bytes, checksum included
 *         24   str program version (u32 length <= 63, bytes)
 *              str model name (run/model.h)
 *              configuration: f64 mu, u64 steps, u64 seed, u32 dump,
 *                u64 checkpoint_every, u32 digest, u64 the model's
 *                config_hash of its own options
 *              options: u32 count, count x str -- the command-line options
 *                of the run as given (after "run"); resume re-parses them
 *                with the run's own parser (sg_ckpt_reparse), so every
 *                option (the model's, the shadow's, ...) comes back without
 *                a format change, and the model and every field above must
 *                agree with them
 *              u64 data hash (the model's data_hash), u64 theta_0 hash
 *              u64 step t, u64 rows logged (= t), f64 L(theta_{t-1}),
 *                f64 L(theta_0), f64 loop seconds so far
 *              u64 len (model->theta_len), f64[len] theta_t, f64[len] theta_{t-1}
 *              u64 trajectory bytes B, u64 FNV-1a of those B bytes
 *              u32 observer count; per observer: str name,
 *                u64 payload length, payload (the observer's save();
 *                every observer must have save and load, see below;
 *                "digest": u64 hash; "mpfr-audit": shadow_audit.h;
 *                "invariants": audit.h and invariants.h)
 *   end-8      u64 FNV-1a of every preceding byte
 *
 * The byte conventions (and the helpers that write and read them, for the
 * file and for the observers' sections) are in binio.h.
 *
 * Strings are a u32 length and that many bytes (no NUL, no control
 * characters).
 *
 * trajectory.csv is streamed to trajectory.csv.tmp while the run goes on;
 * the checkpoint records how many bytes of it (rows 0..t-1) belong to the
 * state and their hash.  resume checks that the temporary still begins
 * with exactly those bytes, cuts off whatever a killed run wrote after the
 * checkpoint, and appends from row t, so the final file is byte for byte
 * the uninterrupted run's.  Everything is validated (magic, version,
 * length, checksum, every field's range, the regenerated dataset and
 * theta_0 against their hashes, the observers against their names) before
 * anything in DIR is touched.
 */
#ifndef SG_CHECKPOINT_H
#define SG_CHECKPOINT_H

#include "io/exit_status.h"
#include "io/outfile.h"
#include "run/context.h"
#include <stddef.h>
#include <stdint.h>

#define SG_CKPT_MAGIC "SGDCKPT\n"
#define SG_CKPT_VERSION 2u
#define SG_CKPT_NAME "checkpoint.bin"
#define SG_CKPT_NAME_MAX 63
#define SG_CKPT_MAX_ARGS 256

typedef struct {
    char name[SG_CKPT_NAME_MAX + 1];
    const unsigned char *data; /* points into the parsed buffer */
    size_t len;
} sg_ckpt_obs;

typedef struct {
    char version[SG_CKPT_NAME_MAX + 1];
    sg_config cfg;             /* out_dir empty, quiet and force 0; argv
                                  points into args (valid until sg_ckpt_free) */
    char **args;               /* the stored options, owned              */
    uint64_t data_hash, theta0_hash;
    long step, nrows;
    double loss, loss0, loop_seconds;
    long len;
    double *theta, *theta_prev; /* owned (sg_ckpt_free) */
    long traj_bytes;
    uint64_t traj_hash;
    int nobs;
    sg_ckpt_obs obs[SG_MAX_OBSERVERS];
} sg_ckpt;

/* Serialise the run's state; *buf is malloc'ed.  0, or -1 (message). */
int sg_ckpt_encode(sg_run_ctx *ctx, unsigned char **buf, size_t *len);

/* The options parser of `run` (argv[0] is "run"): fills *cfg (model
   included) and returns 0, or non-zero when the options are rejected.  The
   application layer passes its own (app/cli.h, sg_cli_parse_run). */
typedef int (*sg_ckpt_reparse)(int argc, char **argv, sg_config *cfg);

/* Validate and decode buf[0..len).  0, or -1 with a one-line reason in
   err.  ck->obs[].data point into buf. */
int sg_ckpt_parse(const unsigned char *buf, size_t len, sg_ckpt *ck, sg_ckpt_reparse reparse,
                  char *err, size_t errlen);
void sg_ckpt_free(sg_ckpt *ck);

/* Check ck against a context set up from ck->cfg (dataset, theta_0,
   observers by name and order), then load the observers' states and the
   loop state into ctx.  0, or -1 with a reason in err. */
int sg_ckpt_apply(sg_run_ctx *ctx, const sg_ckpt *ck, char *err, size_t errlen);

/* With --checkpoint-every, every registered observer must implement save
   and load (a stateless one: save writes nothing, load accepts len 0);
   otherwise a resumed run would silently lose its state.  0, or prints one
   line and returns SG_EXIT_USAGE. */
int sg_checkpoint_check_observers(const sg_run_ctx *ctx);

/* Called by the loop after every step: writes the checkpoint when due.
   0; 1 when SIGINT or SIGTERM arrived (ctx->interrupted = the signal; a
   checkpoint of the current step has been written if checkpoints are on);
   or -1 after printing an I/O error (ctx->io_errno = -1).  Test hook:
   with SHADOWGD_TEST_KILL_AT_STEP=t in the environment the process sends
   itself SIGKILL right after step t (and its checkpoint, if any). */
int sg_checkpoint_step(sg_run_ctx *ctx, FILE *csv);

/* SIGINT and SIGTERM set a flag that the loop reads after each step
   (install), or get their default action back (restore). */
void sg_checkpoint_catch_signals(void);
void sg_checkpoint_default_signals(void);

/* Read a whole file.  0, or -1 with a reason in err. */
int sg_read_file(const char *path, unsigned char **buf, size_t *len, char *err,
                 size_t errlen);

#endif
