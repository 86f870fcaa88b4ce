/* cli.c -- strict option parsing of `shadowgd run` (see cli.h): every value
 * is checked for syntax and range (io/parse.h), and every error is one line
 * naming the flag and the value.  Numbers may not carry leading white space
 * or trailing characters. */
#include "app/cli.h"
#include "io/exit_status.h"
#include "io/parse.h"
#include "models/registry.h"
#include "shadow/relu/shadow.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the options every model shares (ids of the model's own options are the
   model's; these are told apart by the table they come from) */
enum {
    OPT_MODEL = 1, OPT_MU, OPT_STEPS, OPT_SEED, OPT_OUT, OPT_DUMP, OPT_QUIET, OPT_HELP,
    OPT_VERSION, OPT_PREC, OPT_AUDIT_EVERY, OPT_NO_SHADOW_TRAJ, OPT_PLOTS, OPT_NO_PLOTS,
    OPT_FORCE, OPT_CHECKPOINT_EVERY, OPT_DIGEST
};

static const sg_model_option run_options[] = {
    {"model", 1, OPT_MODEL},
    {"mu", 1, OPT_MU},
    {"steps", 1, OPT_STEPS},
    {"seed", 1, OPT_SEED},
    {"out", 1, OPT_OUT},
    {"dump", 0, OPT_DUMP},
    {"quiet", 0, OPT_QUIET},
    {"prec", 1, OPT_PREC},
    {"audit-every", 1, OPT_AUDIT_EVERY},
    {"no-shadow-trajectory", 0, OPT_NO_SHADOW_TRAJ},
    {"plots", 0, OPT_PLOTS},
    {"no-plots", 0, OPT_NO_PLOTS},
    {"help", 0, OPT_HELP},
    {"version", 0, OPT_VERSION},
    {"force", 0, OPT_FORCE},
    {"checkpoint-every", 1, OPT_CHECKPOINT_EVERY},
    {"digest", 0, OPT_DIGEST},
    {NULL, 0, 0},
};

void sg_config_defaults(sg_config *c)
{
    memset(c, 0, sizeof *c);
    c->model = sg_models[0];
    c->seed = 1;
    strcpy(c->out_dir, "out");
    c->prec = 128;
    c->audit_every = 1;
    c->shadow_trajectory = 1;
    c->plots = -1;
    c->model->defaults(c); /* its sizes, and its defaults of mu and steps */
}

void sg_cli_usage(FILE *fp, const sg_model *model)
{
    fputs(
"usage: shadowgd run [--model NAME] [options]\n"
"Gradient descent with an MPFR shadow, round-off bounds and invariant audit.\n"
"  --model NAME   the model to train (default relu); models:\n", fp);
    for (int i = 0; sg_models[i]; i++)
        fprintf(fp, "                   %-8s %s\n", sg_models[i]->name, sg_models[i]->title);
    fputs(
"options of every model:\n"
"  --mu X         step size, > 0 (default: the model's)\n"
"  --steps N      GD steps (default: the model's)\n"
"  --seed N       64-bit seed (default 1)\n"
"  --out DIR      output directory (default out)\n"
"  --dump         also write the dataset and initial state as CSV under DIR/data/\n"
"  --quiet        no summary on stdout, no progress line\n"
"  --prec BITS    MPFR shadow precision, 64..1024 (default 128)\n"
"  --audit-every K  audit the step against MPFR and the round-off bounds\n"
"                 every K steps; 0 turns the audit off (default 1)\n"
"  --no-shadow-trajectory  skip the independent MPFR trajectory\n"
"  --plots, --no-plots  figures with gnuplot (default: on when gnuplot is found)\n"
"  --force        reuse DIR even if it exists and is not empty\n"
"  --checkpoint-every K   write DIR/checkpoint.bin every K steps (0: never,\n"
"                 default); continue a killed run with `shadowgd resume DIR`\n"
"  --digest       add a running FNV-1a hash of every theta_t (trajectory.csv\n"
"                 column theta_fnv, summary.json member theta_digest)\n"
"  --help, --version\n", fp);
    for (int i = 0; sg_models[i]; i++)
        if (!model || model == sg_models[i])
            sg_models[i]->usage(fp);
    fputs(
"Exit status: 0 ok; 1 I/O or runtime failure (write error, full disk, a figure\n"
"not drawn, out of memory); 2 bad usage or input (also: DIR in use by another\n"
"shadowgd); 3 diverged (non-finite state or outside the proved region);\n"
"130 / 143 interrupted by SIGINT / SIGTERM (with --checkpoint-every: resumable).\n", fp);
}

static int parse_one(int opt, const char *arg, sg_config *c)
{
    long steps;
    switch (opt) {
    case OPT_MODEL: return 0; /* read first (select_model) */
    case OPT_MU: return sg_parse_positive("mu", arg, 1e100, &c->mu);
    case OPT_STEPS:
        if (sg_parse_long("steps", arg, 0, SG_MAX_STEPS, &steps) != 0)
            return SG_EXIT_USAGE;
        c->steps = steps;
        return 0;
    case OPT_SEED: return sg_parse_u64("seed", arg, &c->seed);
    case OPT_OUT: return sg_parse_path("out", arg, c->out_dir, sizeof c->out_dir);
    case OPT_DUMP: c->dump = 1; return 0;
    case OPT_PREC:
        if (sg_parse_long("prec", arg, LONG_MIN, LONG_MAX, &c->prec) != 0)
            return SG_EXIT_USAGE;
        if (c->prec < SG_SHADOW_MIN_PREC)
            return sg_bad_value("prec", arg, "the MPFR shadow needs at least 64 bits");
        if (c->prec > SG_XACC_MAX_PREC)
            return sg_bad_value("prec", arg, "at most 1024 bits");
        return 0;
    case OPT_AUDIT_EVERY:
        return sg_parse_long("audit-every", arg, 0, SG_MAX_STEPS, &c->audit_every);
    case OPT_NO_SHADOW_TRAJ: c->shadow_trajectory = 0; return 0;
    case OPT_QUIET: c->quiet = 1; return 0;
    case OPT_PLOTS: c->plots = 1; return 0;
    case OPT_NO_PLOTS: c->plots = 0; return 0;
    case OPT_FORCE: c->force = 1; return 0;
    case OPT_DIGEST: c->digest = 1; return 0;
    case OPT_CHECKPOINT_EVERY:
        return sg_parse_long("checkpoint-every", arg, 0, SG_MAX_STEPS, &c->checkpoint_every);
    }
    return SG_EXIT_USAGE;
}

/* the entry of table whose name is exactly name[0..len) */
static const sg_model_option *find_in(const sg_model_option *table, const char *name,
                                      size_t len)
{
    for (const sg_model_option *o = table; o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

/* the model named by the last --model (before any other option is
   parsed, since it decides which options exist and their defaults) */
static int select_model(int argc, char **argv, const sg_model **model)
{
    for (int i = 1; i < argc; i++) {
        const char *tok = argv[i], *name = NULL;
        if (strncmp(tok, "--model=", 8) == 0)
            name = tok + 8;
        else if (strcmp(tok, "--model") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(tok, "--model") == 0)
            break; /* "needs a value", reported by the main pass */
        if (!name)
            continue;
        const sg_model *m = sg_model_find(name);
        if (!m) {
            char why[256] = "expected one of:";
            for (int q = 0; sg_models[q]; q++)
                snprintf(why + strlen(why), sizeof why - strlen(why), " %s", sg_models[q]->name);
            char esc[256];
            return sg_bad_value("model", sg_escaped(name, esc, sizeof esc), why);
        }
        *model = m;
    }
    return 0;
}

int sg_cli_parse_run(int argc, char **argv, sg_config *c)
{
    const sg_model *model = sg_models[0];
    int rc = select_model(argc, argv, &model);
    if (rc != 0)
        return rc;
    sg_config_defaults(c);
    c->model = model;
    model->defaults(c);
    for (int i = 1; i < argc; i++) {
        const char *tok = argv[i];
        if (strcmp(tok, "-h") == 0) {
            sg_cli_usage(stdout, model);
            return -1;
        }
        if (tok[0] != '-' || tok[1] != '-' || tok[2] == '\0') {
            fprintf(stderr, "shadowgd: unexpected argument '%s' (see shadowgd run --help)\n",
                    tok);
            return SG_EXIT_USAGE;
        }
        const char *name = tok + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const sg_model_option *o = find_in(run_options, name, len), *mo = NULL;
        if (!o)
            o = mo = find_in(model->options, name, len);
        if (!o) {
            fprintf(stderr, "shadowgd: unknown option '%.*s' (see shadowgd run --help)\n",
                    (int)(len + 2), tok);
            return SG_EXIT_USAGE;
        }
        const char *arg = NULL;
        if (!o->has_arg) {
            if (eq) {
                fprintf(stderr, "shadowgd: option '--%s' takes no value (got '%s')\n",
                        o->name, eq + 1);
                return SG_EXIT_USAGE;
            }
        } else if (eq) {
            arg = eq + 1;
        } else if (i + 1 < argc) {
            arg = argv[++i];
        } else {
            fprintf(stderr, "shadowgd: option '--%s' needs a value\n", o->name);
            return SG_EXIT_USAGE;
        }
        if (!mo && o->id == OPT_HELP) {
            sg_cli_usage(stdout, model);
            return -1;
        }
        if (!mo && o->id == OPT_VERSION) {
            printf("shadowgd %s\n", SG_VERSION);
            return -1;
        }
        rc = mo ? model->parse_option(c, o->id, arg) : parse_one(o->id, arg, c);
        if (rc != 0)
            return rc;
    }
    c->argc = argc - 1;
    c->argv = argv + 1;
    return model->check(c);
}
