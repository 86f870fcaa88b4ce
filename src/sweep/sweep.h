/* sweep.h -- the commands `shadowgd sweep`, `shadowgd trial`, `shadowgd gather`
 * (issue 13; design section 8; docs/sweeps.md).
 *
 * The sweep layer knows nothing of the models: a trial is a list of options
 * of `shadowgd run`.  The application hands in the two functions it uses for
 * `run`, so that a trial takes exactly the code path of `shadowgd run`. */
#ifndef SG_SWEEP_H
#define SG_SWEEP_H

#define SW_PATH 4096 /* path buffers of the sweep layer */

typedef struct {
    /* `shadowgd run` with argv[0] == "run": parse, run, return the exit status */
    int (*run)(int argc, char **argv);
    /* parse only (no output unless an option is bad): 0 if `run` would accept
       argv, else its exit status after its one-line message */
    int (*check)(int argc, char **argv);
} sw_app;

/* argv[0] is the command name ("sweep", "trial", "gather") */
int sw_sweep_main(int argc, char **argv, const sw_app *app);
int sw_trial_main(int argc, char **argv, const sw_app *app);
int sw_gather_main(int argc, char **argv);

#endif
