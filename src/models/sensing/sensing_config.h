/* sensing_config.h -- matrix sensing's own options (the block
 * sg_config.model_cfg holds for --model sensing), defaults and limits
 * (design section 3; issue 10's defaults: n1 = 40, n2 = 30, rank 3, k = 10,
 * m = 1050 < n1 n2, kappa = 2, alpha = 1e-4, mu = 0.2). */
#ifndef SG_SENSING_CONFIG_H
#define SG_SENSING_CONFIG_H

#include "run/config.h"
#include "run/model.h"
#include <stdio.h>

typedef struct {
    int n1, n2, rank, k, m;
    double kappa, alpha;
    /* invariant thresholds (audit/sensing/checker.h) */
    double lowrank_factor, recovery_factor, spectral_deg, diverge_max;
} sg_sensing_config;

_Static_assert(sizeof(sg_sensing_config) <= SG_MODEL_CFG_MAX, "sg_sensing_config fits");

#define SG_SENSING_CFG(cfg) SG_MODEL_CFG(sg_sensing_config, cfg)
#define SG_SENSING_CFG_C(cfg) ((const sg_sensing_config *)(const void *)(cfg)->model_cfg)

extern const sg_model_option sg_sensing_options[];
void sg_sensing_defaults(sg_config *cfg);
int sg_sensing_parse_option(sg_config *cfg, int id, const char *arg);
int sg_sensing_check(const sg_config *cfg);
void sg_sensing_usage(FILE *fp);
uint64_t sg_sensing_config_hash(const sg_config *cfg);
long sg_sensing_theta_len(const sg_config *cfg);

#endif
