/* config.c -- defaults of a run. */
#include "app/config.h"
#include <string.h>

void sg_config_defaults(sg_config *c)
{
    memset(c, 0, sizeof *c);
    c->loss = SG_LOSS_EMPIRICAL;
    c->d = 100;
    c->k = 2;
    c->n = 2000;
    c->sigma = 1e-4;
    c->mu = 0.1;
    c->steps = 600;
    c->init = SG_INIT_THEORY;
    c->seed = 1;
    c->target = SG_TARGET_E1;
    strcpy(c->out_dir, "out");
    c->prec = 128;
    c->audit_every = 1;
    c->shadow_trajectory = 1;
    sg_inv_thresholds_default(&c->inv);
    c->plots = -1;
}

const char *sg_loss_name(sg_loss_kind l)
{
    return l == SG_LOSS_POPULATION ? "population" : "empirical";
}

const char *sg_target_name(const sg_config *c)
{
    switch (c->target) {
    case SG_TARGET_E1: return "e1";
    case SG_TARGET_RANDOM: return "random";
    case SG_TARGET_FILE: return c->target_path;
    }
    return "?";
}
