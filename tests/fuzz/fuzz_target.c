/* fuzz_target.c -- libFuzzer harness for the --target PATH reader.
 * First byte: d = 1 + byte % 16; the rest is the file's content. */
#include "io/target_file.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int d = 1 + data[0] % 16;
    double a[16];
    char err[512];
    /* fmemopen needs size >= 1: an empty file is given as one space */
    FILE *fp = size > 1 ? fmemopen((void *)(data + 1), size - 1, "r") : fmemopen(" ", 1, "r");
    if (!fp)
        return 0;
    int rc = sg_target_read_stream(fp, "fuzz", d, a, err, sizeof err);
    fclose(fp);
    if (rc == 0) {
        double n2 = 0.0;
        for (int l = 0; l < d; l++) {
            if (!isfinite(a[l]))
                abort();
            n2 += a[l] * a[l];
        }
        if (!(n2 > 0.0) || !isfinite(n2))
            abort();
    } else if (rc != -1 || memchr(err, '\n', strlen(err))) {
        abort();
    }
    return 0;
}
