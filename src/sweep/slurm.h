/* slurm.h -- `shadowgd sweep SPEC --out DIR --emit slurm`: an sbatch script
 * whose array task t runs `shadowgd trial DIR ROW...` on the rows
 * [t*P, min((t+1)*P, N) - 1] (P trials per task, N trials).  A task re-run
 * (requeue, resubmission) skips its finished rows like the local runner. */
#ifndef SG_SWEEP_SLURM_H
#define SG_SWEEP_SLURM_H

typedef struct {
    const char *partition;   /* NULL: the cluster's default              */
    const char *time;        /* --time of one array task (default 1:00:00) */
    long throttle;           /* %N: at most N tasks at once (0: no limit) */
    long per_task;           /* trials per array task (default 1)         */
    const char *program;     /* shadowgd on the compute nodes (default: this executable) */
    const char *job_name;    /* default shadowgd-sweep                    */
    int plots;               /* per-trial figures                          */
} sw_slurm_opts;

/* Write DIR/sweep.sbatch (absolute paths) and create DIR/slurm/ for the task
   logs.  0, or 1/2 after one line on stderr. */
int sw_slurm_emit(const char *dir, long ntrials, const sw_slurm_opts *o);

#endif
