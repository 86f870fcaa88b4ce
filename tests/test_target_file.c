/* test_target_file.c -- the --target PATH reader on in-memory files. */
#include "io/target_file.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <string.h>

static int read_str(const char *text, int d, double *a, char *err)
{
    FILE *fp = fmemopen((void *)text, strlen(text) ? strlen(text) : 1, "r");
    if (!fp)
        return -2;
    if (!strlen(text))
        fgetc(fp); /* fmemopen of size 0 is not allowed: consume the one byte */
    int rc = sg_target_read_stream(fp, "T", d, a, err, 256);
    fclose(fp);
    return rc;
}

static void test_good(void)
{
    double a[3];
    char err[256];
    CU_ASSERT(read_str("# a comment\n1, 2,3 # more\n", 3, a, err) == 0);
    CU_ASSERT(a[0] == 1.0 && a[1] == 2.0 && a[2] == 3.0);
    CU_ASSERT(read_str("0x1p-3\n-0\n4.9406564584124654e-324\n", 3, a, err) == 0);
    CU_ASSERT(a[0] == 0.125 && signbit(a[1]) && a[2] > 0.0);
}

static void test_bad(void)
{
    static const char *const bad[] = {
        "", "1 2", "1 2 3 4", "0 0 0", "1 nan 0", "1 inf 0", "1 1e400 0", "1 1e-400 0",
        "1 x 0", "1 2x 0", "1e200 1e200 0", "1;2;3",
        ("1 2 000000000000000000000000000000000000000000000000000000000000000000000000000"
         "0000000000000000000000000000000000000000000000000000000000000000000000000003"),
    };
    double a[3];
    char err[256];
    for (size_t q = 0; q < sizeof bad / sizeof bad[0]; q++) {
        err[0] = '\0';
        CU_ASSERT(read_str(bad[q], 3, a, err) == -1);
        CU_ASSERT(strncmp(err, "--target T:", 11) == 0);
        CU_ASSERT(strchr(err, '\n') == NULL);
    }
}

int register_target_file_suite(void)
{
    CU_pSuite s = CU_add_suite("target_file", NULL, NULL);
    if (!s || !CU_add_test(s, "good files", test_good) ||
        !CU_add_test(s, "bad files give a one-line error", test_bad))
        return -1;
    return 0;
}
