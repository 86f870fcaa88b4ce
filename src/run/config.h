/* config.h -- the configuration of a run: what every model shares (step
 * size, steps, seed, outputs, shadow cadence, checkpoints), the model that
 * runs, and that model's own options in an opaque block the model defines
 * (run/model.h).  The whole configuration is a value: it is copied into the
 * run context and into parsed checkpoints, so the model's block is stored
 * inline rather than behind a pointer. */
#ifndef SG_CONFIG_H
#define SG_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define SG_VERSION "0.1.0"
#define SG_PATH_MAX 4096

/* Limits checked by the CLI (and by checkpoint loading): every buffer size
   stays below 2^31 elements, so int loop indices and the size_t byte counts
   of the allocations cannot overflow. */
#define SG_MAX_DIM 1000000
#define SG_MAX_ELEMS 2147483647L
#define SG_MAX_STEPS 1000000000L

/* room for a model's options (sizeof of its configuration struct; each
   model asserts that it fits) */
#define SG_MODEL_CFG_MAX 12288

struct sg_model;

typedef struct {
    const struct sg_model *model; /* --model (run/model.h)                  */
    double mu;
    long steps;
    uint64_t seed;
    char out_dir[SG_PATH_MAX];
    int dump;
    int quiet;
    /* MPFR shadow and round-off audit */
    long prec;              /* MPFR precision in bits, >= 64 (default 128)   */
    long audit_every;       /* local audit every K steps; 0: off (default 1) */
    int shadow_trajectory;  /* MPFR trajectory shadow (default on)           */
    int plots;              /* -1 auto (if gnuplot is found), 0 off, 1 on    */
    int force;              /* --force: reuse an existing, non-empty out_dir  */
    long checkpoint_every;  /* --checkpoint-every K (0: no checkpoints)        */
    int digest;             /* --digest: running hash of every theta_t         */
    int argc;               /* the options as given (after "run"), recorded by */
    char *const *argv;      /* sg_cli_parse_run; checkpoints store and re-parse them */
    /* the model's own options, laid out by the model (model->defaults) */
    _Alignas(max_align_t) unsigned char model_cfg[SG_MODEL_CFG_MAX];
} sg_config;

#endif
