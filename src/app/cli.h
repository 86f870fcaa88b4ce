/* cli.h -- command-line parsing of `shadowgd run`: the options every model
 * shares, `--model NAME`, and the chosen model's own options (run/model.h).
 *
 * Options are matched by their exact full name (no getopt abbreviations:
 * `--si` is unknown, not --sigma); a value is given as `--flag VALUE` or
 * `--flag=VALUE`; the last occurrence of a flag wins.  `--model` is read
 * first, so the model's options may come before or after it. */
#ifndef SG_CLI_H
#define SG_CLI_H

#include "run/config.h"
#include <stdio.h>

/* The defaults of a run of the default model (models/registry.h). */
void sg_config_defaults(sg_config *c);

/* Parse the options of `run` (argv[0] is "run") into c (defaults first).
   Returns 0 to proceed, -1 when --help or --version was printed (exit 0),
   or SG_EXIT_USAGE after printing one line naming the offending flag and
   value.  Has the signature of sg_ckpt_reparse (run/checkpoint.h). */
int sg_cli_parse_run(int argc, char **argv, sg_config *c);

/* usage of `run`: the shared options, then every model's (or only
   model's, when not NULL) */
void sg_cli_usage(FILE *fp, const struct sg_model *model);

#endif
