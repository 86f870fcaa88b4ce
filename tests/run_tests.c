/* run_tests.c -- one CUnit program running every module's suite.
 * Each test_<module>.c defines register_<module>_suite(); add new suites to
 * the table below.  Exit status: 0 only if every assertion passed. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

typedef int (*register_fn)(void);

int register_rng_suite(void);
int register_safe_region_suite(void);

static const struct { const char *name; register_fn fn; } suites[] = {
    {"rng", register_rng_suite},
    {"safe_region", register_safe_region_suite},
};

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    for (size_t q = 0; q < sizeof suites / sizeof suites[0]; q++) {
        /* optional filter: run_tests NAME... runs only those suites */
        int wanted = argc < 2;
        for (int a = 1; a < argc; a++)
            wanted |= strcmp(argv[a], suites[q].name) == 0;
        if (wanted && suites[q].fn() != 0) {
            fprintf(stderr, "cannot register suite %s\n", suites[q].name);
            CU_cleanup_registry();
            return 2;
        }
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return (failed == 0 && ran > 0) ? 0 : 1;
}
