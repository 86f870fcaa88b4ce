/* summary.h -- DIR/summary.json: configuration, status, final state, timing. */
#ifndef SG_SUMMARY_H
#define SG_SUMMARY_H

#include "run/context.h"

/* 0 on success, -1 with a message. */
int sg_summary_write(const sg_run_ctx *ctx);

#endif
