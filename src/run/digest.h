/* digest.h -- --digest: a running FNV-1a hash of the bits of every state.
 *
 * h_t = FNV-1a(h_{t-1}, bits of theta_t), h_{-1} = the FNV offset basis.
 * trajectory.csv gets a column theta_fnv (h_t, 16 hex digits) and
 * summary.json a member "theta_digest" (h of the last logged state).  Two
 * runs with equal digests went through bit-identical parameter vectors, not
 * just identical logged columns.  The observer has state (h), so it also
 * exercises the checkpoint save/load path of observers.
 */
#ifndef SG_DIGEST_H
#define SG_DIGEST_H

#include "run/run.h"

/* Allocate and register the observer on ctx.  0, or -1. */
int sg_digest_register(sg_run_ctx *ctx);

#endif
