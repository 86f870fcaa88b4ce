/* cli.h -- command-line parsing of `shadowgd run`. */
#ifndef SG_CLI_H
#define SG_CLI_H

#include "app/config.h"
#include <stdio.h>

/* Parse the options of `run` (argv[0] is "run").  Returns 0 to proceed,
   -1 when --help or --version was printed (exit 0), or SG_EXIT_USAGE after
   printing one line naming the offending flag and value. */
int sg_cli_parse_run(int argc, char **argv, sg_config *c);

void sg_cli_usage(FILE *fp);

#endif
