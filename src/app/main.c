/* main.c -- `shadowgd COMMAND [options]`. */
#include "app/assemble.h"
#include "app/cli.h"
#include "app/resume.h"
#include "sweep/sweep.h"
#include "shadow/mp_alloc.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *fp)
{
    fputs("usage: shadowgd run [options]     (shadowgd run --help for the options)\n"
          "       shadowgd resume DIR [--quiet]   (continue from DIR/checkpoint.bin)\n"
          "       shadowgd sweep SPEC --out DIR [--jobs N | --emit slurm]   (many trials)\n"
          "       shadowgd trial DIR ROW...  |  shadowgd gather DIR   (docs/sweeps.md)\n"
          "       shadowgd --help | --version\n", fp);
}

/* `shadowgd run`: what a sweep's trial calls too (sweep/sweep.h) */
static int cmd_run(int argc, char **argv)
{
    sg_config cfg;
    sg_config_defaults(&cfg);
    int rc = sg_cli_parse_run(argc, argv, &cfg);
    if (rc < 0)
        return SG_EXIT_OK;
    if (rc != 0)
        return rc;
    return sg_run_main(&cfg);
}

/* parse only: a sweep checks its trials' options before it starts */
static int cmd_check(int argc, char **argv)
{
    sg_config cfg;
    sg_config_defaults(&cfg);
    return sg_cli_parse_run(argc, argv, &cfg);
}

static const sw_app sweep_app = {cmd_run, cmd_check};
/* A write error on stdout (the verdict table, --help; `> /dev/full`) is a
   failure: exit 1 with one line, unless the command failed already. */
static int stdout_checked(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "shadowgd: write error on standard output: %s\n", strerror(errno));
        return rc == SG_EXIT_OK ? SG_EXIT_FAIL : rc;
    }
    return rc;
}

static int dispatch(int argc, char **argv);

int main(int argc, char **argv)
{
    sg_mp_install_allocators();
    return stdout_checked(dispatch(argc, argv));
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SG_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        sg_cli_usage(stdout, NULL);
        return SG_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("shadowgd %s\n", SG_VERSION);
        return SG_EXIT_OK;
    }
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "sweep") == 0)
        return sw_sweep_main(argc - 1, argv + 1, &sweep_app);
    if (strcmp(argv[1], "trial") == 0)
        return sw_trial_main(argc - 1, argv + 1, &sweep_app);
    if (strcmp(argv[1], "gather") == 0)
        return sw_gather_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "resume") == 0)
        return sg_resume_main(argc - 1, argv + 1);
    fprintf(stderr, "shadowgd: unknown command '%s' (expected run, resume, sweep, trial or "
                    "gather; see shadowgd --help)\n", argv[1]);
    return SG_EXIT_USAGE;
}
