/* run_tests.c -- one CUnit program running every module's suite.
 * Each test_<module>.c defines register_<module>_suite(); add new suites to
 * the table below.  Exit status: 0 only if every assertion passed. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

typedef int (*register_fn)(void);

int register_rng_suite(void);
int register_data_suite(void);
int register_kernels_suite(void);
int register_fast_kernels_suite(void);
int register_xacc_suite(void);
int register_population_suite(void);
int register_shadow_suite(void);
int register_invariants_suite(void);
int register_checkpoint_suite(void);
int register_audit_checkpoint_suite(void);
int register_cli_suite(void);
int register_divergence_suite(void);
int register_target_file_suite(void);
int register_safe_region_suite(void);
int register_sensing_suite(void);
int register_sensing_audit_suite(void);
int register_sweep_suite(void);
int register_verdicts_suite(void);
int register_reliability_suite(void);
int register_pairing_suite(void);
int register_multi_suite(void);
int register_proved_bounds_suite(void);
int register_multi_bounds_suite(void);
int register_multi_traj_suite(void);
int register_exact_sums_suite(void);
int register_tol_abs_suite(void);

static const struct { const char *name; register_fn fn; } suites[] = {
    {"rng", register_rng_suite},
    {"data", register_data_suite},
    {"kernels", register_kernels_suite},
    {"fast_kernels", register_fast_kernels_suite},
    {"xacc", register_xacc_suite},
    {"population", register_population_suite},
    {"shadow", register_shadow_suite},
    {"invariants", register_invariants_suite},
    {"checkpoint", register_checkpoint_suite},
    {"audit_checkpoint", register_audit_checkpoint_suite},
    {"cli", register_cli_suite},
    {"divergence", register_divergence_suite},
    {"target_file", register_target_file_suite},
    {"safe_region", register_safe_region_suite},
    {"sensing", register_sensing_suite},
    {"sensing_audit", register_sensing_audit_suite},
    {"sweep", register_sweep_suite},
    {"verdicts", register_verdicts_suite},
    {"pairing", register_pairing_suite},
    {"reliability", register_reliability_suite},
    {"multi", register_multi_suite},
    {"proved_bounds", register_proved_bounds_suite},
    {"multi_bounds", register_multi_bounds_suite},
    {"multi_traj", register_multi_traj_suite},
    {"exact_sums", register_exact_sums_suite},
    {"tol_abs", register_tol_abs_suite},
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
