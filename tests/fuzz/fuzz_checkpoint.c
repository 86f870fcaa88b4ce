/* fuzz_checkpoint.c -- libFuzzer harness for checkpoint loading.
 * First byte: bit 0 set = re-seal the rest (write its true length and
 * checksum) so the fuzzer gets past the integrity checks into the field
 * validation; the rest is the checkpoint.  A checkpoint that parses and
 * describes a small run is also applied to a freshly set-up context
 * (dataset, theta_0 and observer checks, the digest observer's load). */
#include "app/assemble.h"
#include "app/cli.h"
#include "io/hash.h"
#include "models/relu/relu_model.h"
#include "run/checkpoint.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t len = size - 1;
    unsigned char *buf = malloc(len ? len : 1);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, len);
    if ((data[0] & 1) && len >= 32) {
        for (int i = 0; i < 8; i++)
            buf[16 + i] = (unsigned char)((uint64_t)len >> (8 * i));
        uint64_t h = sg_fnv1a(SG_FNV_INIT, buf, len - 8);
        for (int i = 0; i < 8; i++)
            buf[len - 8 + i] = (unsigned char)(h >> (8 * i));
    }
    sg_ckpt ck;
    char err[512];
    if (sg_ckpt_parse(buf, len, &ck, sg_cli_parse_run, err, sizeof err) == 0) {
        const sg_config *c = &ck.cfg;
#define RC(cfg) SG_RELU_CFG_C(cfg)
        if (c->model == &sg_model_relu && RC(c)->d <= 64 && RC(c)->k <= 16 && (RC(c)->loss != SG_LOSS_EMPIRICAL || RC(c)->n <= 256) &&
            RC(c)->target != SG_TARGET_FILE) {
            sg_run_ctx ctx;
            sg_config cfg = *c;
            strcpy(cfg.out_dir, "/nonexistent");
            if (sg_run_setup(&ctx, &cfg) == 0 && sg_run_register_observers(&ctx) == 0)
                (void)sg_ckpt_apply(&ctx, &ck, err, sizeof err);
            sg_run_free(&ctx);
        }
        sg_ckpt_free(&ck);
    }
    free(buf);
    return 0;
}
