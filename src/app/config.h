/* config.h -- the full configuration of a run, its defaults and its limits. */
#ifndef SG_CONFIG_H
#define SG_CONFIG_H

#include "kernels/relu/init.h"
#include "audit/relu/invariants.h"
#include "kernels/relu/problem.h"
#include <stdint.h>

#define SG_VERSION "0.1.0"
#define SG_PATH_MAX 4096

typedef enum { SG_TARGET_E1 = 0, SG_TARGET_RANDOM, SG_TARGET_FILE } sg_target_kind;

/* Limits checked by the CLI (and by checkpoint loading): every buffer size
   n*d, n*k, k*d stays below 2^31 elements, so int loop indices and the
   size_t byte counts of the allocations cannot overflow. */
#define SG_MAX_DIM 1000000
#define SG_MAX_ELEMS 2147483647L
#define SG_MAX_STEPS 1000000000L

typedef struct {
    sg_loss_kind loss;
    int d, k, n;
    double sigma, mu;
    long steps;
    sg_init_kind init;
    uint64_t seed;
    sg_target_kind target;
    char target_path[SG_PATH_MAX];
    char out_dir[SG_PATH_MAX];
    int dump;
    int quiet;
    /* MPFR shadow and round-off audit (shadow_audit.h) */
    long prec;              /* MPFR precision in bits, >= 64 (default 128)   */
    long audit_every;       /* local audit every K steps; 0: off (default 1) */
    int shadow_trajectory;  /* MPFR trajectory shadow (default on)           */
    sg_inv_thresholds inv; /* invariant thresholds (paper defaults)      */
    int plots;             /* -1 auto (if gnuplot is found), 0 off, 1 on */
    int force;              /* --force: reuse an existing, non-empty out_dir  */
    long checkpoint_every;  /* --checkpoint-every K (0: no checkpoints)        */
    int digest;             /* --digest: running hash of every theta_t         */
    int argc;               /* the options as given (after "run"), recorded by */
    char *const *argv;      /* sg_cli_parse_run; checkpoints store and re-parse them */
} sg_config;

/* The paper's setting (design section 2; issue: main job). */
void sg_config_defaults(sg_config *c);

const char *sg_loss_name(sg_loss_kind l);
const char *sg_target_name(const sg_config *c);

#endif
