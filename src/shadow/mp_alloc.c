/* mp_alloc.c -- GMP allocators that exit cleanly (see mp_alloc.h). */
#include "shadow/mp_alloc.h"
#include "io/exit_status.h"
#include "io/outfile.h"
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>

static long fail_after = -1; /* test hook: allocations left before a failure */

static void *out_of_memory(size_t n)
{
    fprintf(stderr, "shadowgd: out of memory: the MPFR shadow could not allocate %zu bytes; "
                    "temporaries removed\n", n);
    sg_tmp_remove_all();
    exit(SG_EXIT_FAIL);
}

/* 1 when the test hook says this allocation fails */
static int hook_fails(void)
{
    if (fail_after < 0)
        return 0;
    if (fail_after == 0)
        return 1;
    fail_after--;
    return 0;
}

static void *mp_alloc(size_t n)
{
    void *p = hook_fails() ? NULL : malloc(n);
    return p ? p : out_of_memory(n);
}

static void *mp_realloc(void *old, size_t old_size, size_t n)
{
    (void)old_size;
    void *p = hook_fails() ? NULL : realloc(old, n);
    return p ? p : out_of_memory(n);
}

static void mp_free(void *p, size_t size)
{
    (void)size;
    free(p);
}

void sg_mp_install_allocators(void)
{
    const char *s = getenv("SHADOWGD_TEST_MP_ALLOC_FAIL_AFTER");
    if (s && *s)
        fail_after = strtol(s, NULL, 10);
    mp_set_memory_functions(mp_alloc, mp_realloc, mp_free);
}
