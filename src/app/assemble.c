/* assemble.c -- observers and the `run` command (see assemble.h). */
#include "app/assemble.h"
#include "io/outdir.h"
#include "io/outlock.h"
#include "run/checkpoint.h"
#include "run/digest.h"
#include <stdio.h>

int sg_run_register_observers(sg_run_ctx *ctx)
{
    if (ctx->cfg.digest && sg_digest_register(ctx) != 0) {
        fprintf(stderr, "shadowgd: cannot register the digest observer\n");
        return SG_EXIT_FAIL;
    }
    return ctx->model->attach(ctx);
}

int sg_run_main(const sg_config *cfg)
{
    sg_run_ctx ctx;
    int rc = sg_outdir_check(cfg->out_dir, cfg->force);
    if (rc != 0)
        return rc;
    rc = sg_run_setup(&ctx, cfg);
    if (rc == 0)
        rc = sg_run_register_observers(&ctx);
    if (rc == 0 && cfg->checkpoint_every > 0)
        rc = sg_checkpoint_check_observers(&ctx);
    if (rc != 0) {
        sg_run_free(&ctx);
        return rc;
    }
    /* one writer per directory: lock before anything in it is cleaned or
       written, then check again (another run may have filled it since) */
    if (sg_make_dir(cfg->out_dir) != 0) {
        sg_run_free(&ctx);
        return SG_EXIT_FAIL;
    }
    rc = sg_outdir_lock(cfg->out_dir);
    if (rc == 0)
        rc = sg_outdir_check(cfg->out_dir, cfg->force);
    if (rc != 0) {
        sg_run_free(&ctx);
        return rc;
    }
    if ((cfg->force && sg_outdir_clean(cfg->out_dir, cfg->model->outputs) != 0) ||
        (cfg->dump && ctx.model->dump(ctx.m, ctx.theta0, cfg->out_dir) != 0)) {
        sg_run_free(&ctx);
        return SG_EXIT_FAIL;
    }
    sg_outfile csv;
    if (sg_outfile_open(&csv, cfg->out_dir, "trajectory.csv") != 0) {
        sg_run_free(&ctx);
        return SG_EXIT_FAIL;
    }
    if (cfg->checkpoint_every > 0) /* resume continues it: keep it on a fatal error */
        sg_tmp_set_resumable(csv.tmp, 1);
    return sg_run_execute(&ctx, &csv);
}
