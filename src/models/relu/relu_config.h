/* relu_config.h -- the ReLU network's own options (the block
 * sg_config.model_cfg holds for --model relu): loss, sizes, initialisation,
 * target and the invariant audit's thresholds, with their defaults (the
 * paper's setting, design section 2) and limits. */
#ifndef SG_RELU_CONFIG_H
#define SG_RELU_CONFIG_H

#include "audit/relu/invariants.h"
#include "audit/relu/pairing.h"
#include "kernels/relu/init.h"
#include "kernels/relu/problem.h"
#include "run/config.h"
#include "run/model.h"
#include <stdio.h>

/* SG_TARGET_E1 is e_1 at r = 1 and the rows e_1 .. e_r at r > 1 (--target e1 or e) */
typedef enum { SG_TARGET_E1 = 0, SG_TARGET_RANDOM, SG_TARGET_FILE } sg_target_kind;

/* --outputs limit (r * k and n * r are checked against SG_MAX_ELEMS too) */
#define SG_MAX_OUTPUTS 100000

typedef struct {
    sg_loss_kind loss;
    int d, k, n;
    double sigma;
    sg_init_kind init;
    sg_target_kind target;
    char target_path[SG_PATH_MAX];
    sg_inv_thresholds inv; /* invariant thresholds (paper defaults) */
    int freeze_v;          /* --freeze-v: v stays at v(0), only W is trained (Fig. 1) */
    char init_path[SG_PATH_MAX]; /* --init-file: theta_0 from a CSV ("" : --init) */
    int no_invariants;     /* --no-invariants: the invariant audit is not attached */
    int outputs;           /* --outputs r: V is r x k (issue 16); 1 is the scalar model */
    double pairing_tol;    /* --pairing-tol: PAIRING's largest relative pair residual */
    int k_given;           /* --k was given (else k = 2r when r > 1)                   */
} sg_relu_config;

_Static_assert(sizeof(sg_relu_config) <= SG_MODEL_CFG_MAX, "sg_relu_config fits model_cfg");

#define SG_RELU_CFG(cfg) SG_MODEL_CFG(sg_relu_config, cfg)
#define SG_RELU_CFG_C(cfg) ((const sg_relu_config *)(const void *)(cfg)->model_cfg)

/* the model table's option operations (relu_config.c) */
void sg_relu_defaults(sg_config *cfg);
extern const sg_model_option sg_relu_options[];
int sg_relu_parse_option(sg_config *cfg, int id, const char *arg);
int sg_relu_check(const sg_config *cfg);
void sg_relu_usage(FILE *fp);
uint64_t sg_relu_config_hash(const sg_config *cfg);
long sg_relu_theta_len(const sg_config *cfg);

const char *sg_loss_name(sg_loss_kind l);
const char *sg_target_name(const sg_relu_config *c);

#endif
