/* fuzz_cli.c -- libFuzzer harness for `shadowgd run` option parsing.
 * The input is split at NUL bytes into at most 24 arguments after "run". */
#include "app/cli.h"
#include "models/relu/relu_model.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[26];
    int argc = 0;
    argv[argc++] = (char *)"run";
    char *p = buf, *end = buf + size;
    while (p <= end && argc < 25) {
        argv[argc++] = p;
        p += strlen(p) + 1;
    }
    argv[argc] = NULL;
    sg_config c;
    sg_config_defaults(&c);
    int rc = sg_cli_parse_run(argc, argv, &c);
    if (rc == 0 && c.model == &sg_model_relu) { /* an accepted configuration satisfies every limit */
        const sg_relu_config *r = SG_RELU_CFG_C(&c);
        if (r->d < 1 || r->k < 1 || r->n < 1 || !(r->sigma > 0) || !(c.mu > 0) || c.steps < 0 ||
            c.checkpoint_every < 0 || (long)r->k * r->d + r->k > SG_MAX_ELEMS)
            abort();
    } else if (rc != 0 && rc != -1 && rc != 2) {
        abort();
    }
    free(buf);
    return 0;
}
