/* runner.c -- `shadowgd sweep SPEC --out DIR`: expand the spec into
 * DIR/trials.csv, then run the trials that are not done on this machine
 * (--jobs N child processes `shadowgd trial DIR ROW`, fork/exec of
 * /proc/self/exe) or write a Slurm array script (--emit slurm), then gather.
 *
 * Restartable by construction: a trial's result is its directory
 * DIR/trials/<i>, which appears atomically (trial.c); the runner only starts
 * rows without one.  An exclusive flock on DIR/.lock, inherited by the
 * trial children, keeps a second runner off DIR while any of them lives.
 */
#include "sweep/sweep.h"
#include "sweep/gather.h"
#include "sweep/slurm.h"
#include "sweep/spec.h"
#include "sweep/table.h"
#include "sweep/trial.h"
#include "io/outfile.h"
#include "run/run.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

typedef struct {
    const char *spec, *out, *emit;
    long jobs;
    int gather, plots, quiet;
    sw_slurm_opts slurm;
} sweep_args;

static void usage(FILE *fp)
{
    fputs("usage: shadowgd sweep SPEC --out DIR [--jobs N] [--no-gather] [--no-plots] [--quiet]\n"
          "       shadowgd sweep SPEC --out DIR --emit slurm [--partition P] [--time T]\n"
          "                [--throttle N] [--per-task N] [--program PATH] [--job-name NAME]\n"
          "Expand SPEC into DIR/trials.csv and run every trial that is not done yet on N\n"
          "local processes (default: the online cores), then `shadowgd gather DIR`; or\n"
          "write DIR/sweep.sbatch, a Slurm job array over the same trials.  Rerunning the\n"
          "same command continues an interrupted sweep.  See docs/sweeps.md.\n", fp);
}

static int bad(const char *flag, const char *val, const char *why)
{
    fprintf(stderr, "shadowgd sweep: invalid value '%s' for %s: %s\n", val, flag, why);
    return SG_EXIT_USAGE;
}

static int parse_count(const char *flag, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = s[0] >= '0' && s[0] <= '9' ? strtol(s, &end, 10) : (end = (char *)s, 0);
    if (end == s || *end || errno || x < lo || x > hi) {
        char why[80];
        snprintf(why, sizeof why, "expected an integer in [%ld, %ld]", lo, hi);
        return bad(flag, s, why);
    }
    *out = x;
    return 0;
}

static int parse_args(int argc, char **argv, sweep_args *a)
{
    memset(a, 0, sizeof *a);
    a->jobs = sysconf(_SC_NPROCESSORS_ONLN);
    if (a->jobs < 1)
        a->jobs = 1;
    a->gather = a->plots = 1;
    a->slurm.time = "1:00:00";
    a->slurm.per_task = 1;
    a->slurm.job_name = "shadowgd-sweep";
    for (int i = 1; i < argc; i++) {
        const char *t = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = strcmp(t, "--out") == 0 || strcmp(t, "--jobs") == 0 ||
                    strcmp(t, "--emit") == 0 || strcmp(t, "--partition") == 0 ||
                    strcmp(t, "--time") == 0 || strcmp(t, "--throttle") == 0 ||
                    strcmp(t, "--per-task") == 0 || strcmp(t, "--program") == 0 ||
                    strcmp(t, "--job-name") == 0;
        if (takes && !v) {
            fprintf(stderr, "shadowgd sweep: option '%s' needs a value\n", t);
            return SG_EXIT_USAGE;
        }
        if (takes && (!v[0] || (v[0] == '-' && v[1] == '-')))
            return bad(t, v, "missing value");
        if (strcmp(t, "--help") == 0) {
            usage(stdout);
            return -1;
        } else if (strcmp(t, "--out") == 0) {
            a->out = argv[++i];
        } else if (strcmp(t, "--jobs") == 0) {
            if (parse_count(t, argv[++i], 1, 4096, &a->jobs) != 0) return SG_EXIT_USAGE;
        } else if (strcmp(t, "--emit") == 0) {
            a->emit = argv[++i];
            if (strcmp(a->emit, "slurm") != 0)
                return bad(t, a->emit, "expected slurm");
        } else if (strcmp(t, "--partition") == 0) {
            a->slurm.partition = argv[++i];
        } else if (strcmp(t, "--time") == 0) {
            a->slurm.time = argv[++i];
            if (strspn(a->slurm.time, "0123456789:-") != strlen(a->slurm.time))
                return bad(t, a->slurm.time, "expected a Slurm time such as 30, 1:00:00 or "
                           "1-12:00:00");
        } else if (strcmp(t, "--throttle") == 0) {
            if (parse_count(t, argv[++i], 1, 1000000, &a->slurm.throttle) != 0)
                return SG_EXIT_USAGE;
        } else if (strcmp(t, "--per-task") == 0) {
            if (parse_count(t, argv[++i], 1, SW_MAX_TRIALS, &a->slurm.per_task) != 0)
                return SG_EXIT_USAGE;
        } else if (strcmp(t, "--program") == 0) {
            a->slurm.program = argv[++i];
            if (a->slurm.program[0] != '/')
                return bad(t, a->slurm.program, "must be an absolute path");
        } else if (strcmp(t, "--job-name") == 0) {
            a->slurm.job_name = argv[++i];
        } else if (strcmp(t, "--no-gather") == 0) {
            a->gather = 0;
        } else if (strcmp(t, "--no-plots") == 0) {
            a->plots = 0;
        } else if (strcmp(t, "--quiet") == 0) {
            a->quiet = 1;
        } else if (t[0] == '-' || a->spec) {
            fprintf(stderr, "shadowgd sweep: unexpected argument '%s' (see shadowgd sweep "
                            "--help)\n", t);
            return SG_EXIT_USAGE;
        } else {
            a->spec = t;
        }
    }
    if (!a->spec || !a->out) {
        fprintf(stderr, "shadowgd sweep: %s (usage: shadowgd sweep SPEC --out DIR ...)\n",
                a->spec ? "--out DIR is required" : "no SPEC file given");
        return SG_EXIT_USAGE;
    }
    if (!a->emit && (a->slurm.partition || a->slurm.throttle || a->slurm.program)) {
        fprintf(stderr, "shadowgd sweep: --partition, --throttle and --program need "
                        "--emit slurm\n");
        return SG_EXIT_USAGE;
    }
    return 0;
}

/* every grid point's options pass the run parser (seed index 0 stands for
   all seeds: the seed is the only option that differs within a point) */
static int check_trials(const sw_spec *s, const char *csv, const sw_app *app)
{
    long n = sw_spec_trials(s);
    const char *line = strchr(csv, '\n') + 1;
    for (long i = 0; i < n; i++, line = strchr(line, '\n') + 1) {
        if (i % s->seeds != 0)
            continue;
        const char *nl = strchr(line, '\n'), *c2 = strchr(line, ',') + 1;
        const char *opts = nl;
        while (opts > line && opts[-1] != ',')
            opts--;
        char seed[24], *row = strndup(opts, (size_t)(nl - opts)), *buf = NULL;
        size_t k = strcspn(c2, ",");
        snprintf(seed, sizeof seed, "%.*s", (int)(k < 23 ? k : 23), c2);
        char *argv[SW_MAX_WORDS];
        int argc = row ? sw_trial_argv(row, seed, &buf, argv, SW_MAX_WORDS - 6) : -1;
        int rc = 0;
        if (argc < 0) {
            fprintf(stderr, "shadowgd sweep: trial %ld: too many option words\n", i);
            rc = SG_EXIT_USAGE;
        } else {
            argv[argc++] = "--out";
            argv[argc++] = "/nonexistent-check-only";
            argv[argc++] = "--quiet";
            argv[argc] = NULL;
            rc = app->check(argc, argv);
        }
        free(row);
        free(buf);
        if (rc != 0)
            return rc < 0 ? SG_EXIT_USAGE : rc;
    }
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    while (b) {
        n += fread(b + n, 1, cap - n, fp);
        if (n < cap)
            break;
        char *q = realloc(b, 2 * cap + 1);
        if (!q) { free(b); b = NULL; break; }
        b = q;
        cap *= 2;
    }
    fclose(fp);
    if (b) {
        b[n] = '\0';
        *len = n;
    }
    return b;
}

static int write_text(const char *dir, const char *name, const char *text)
{
    sg_outfile o;
    if (sg_outfile_open(&o, dir, name) != 0)
        return -1;
    fputs(text, o.fp);
    return sg_outfile_commit(&o);
}

/* DIR, DIR/trials, DIR/trials.csv (or the check that it is the same),
   DIR/spec.txt (always the current spec: the success criterion may change) */
static int prepare_dir(const char *dir, const char *csv, const char *spec_path)
{
    char p[SW_PATH];
    snprintf(p, sizeof p, "%s/trials", dir);
    if (sg_make_dir(dir) != 0 || sg_make_dir(p) != 0)
        return SG_EXIT_FAIL;
    snprintf(p, sizeof p, "%s/trials.csv", dir);
    size_t n = 0;
    char *old = slurp(p, &n);
    if (old && (n != strlen(csv) || memcmp(old, csv, n) != 0)) {
        free(old);
        fprintf(stderr, "shadowgd sweep: %s holds the trials of a different spec; use another "
                        "--out (or remove it)\n", p);
        return SG_EXIT_USAGE;
    }
    free(old);
    if (!old && write_text(dir, "trials.csv", csv) != 0)
        return SG_EXIT_FAIL;
    char *spec = slurp(spec_path, &n);
    if (!spec || write_text(dir, "spec.txt", spec) != 0) {
        if (!spec)
            fprintf(stderr, "shadowgd sweep: cannot read %s\n", spec_path);
        free(spec);
        return SG_EXIT_FAIL;
    }
    free(spec);
    return 0;
}

/* temporaries of trials killed with an earlier runner (we hold the lock, so
   no trial of a local runner is alive) */
static void remove_stale(const char *dir)
{
    char p[SW_PATH], q[SW_PATH + 300];
    snprintf(p, sizeof p, "%s/trials", dir);
    DIR *d = opendir(p);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strncmp(e->d_name, ".tmp-", 5) == 0) {
            snprintf(q, sizeof q, "%s/%s", p, e->d_name);
            sw_remove_tree(q);
        }
    closedir(d);
}

typedef struct {
    long total, done, failed, now_done, running, errors;
    double t0;
    int tty;
} progress;

static void show(const progress *p, int final)
{
    if (!p->tty && !final)
        return;
    char eta[32] = "";
    double el = sw_now() - p->t0;
    long left = p->total - p->done;
    if (p->now_done > 0 && left > 0) {
        double s = el / (double)p->now_done * (double)left;
        snprintf(eta, sizeof eta, ", ETA %ldm%02lds", (long)s / 60, (long)s % 60);
    }
    fprintf(stderr, "%ssweep: %ld/%ld done (%ld now), %ld running, %ld failed%s, %.1f s%s",
            p->tty ? "\r" : "", p->done, p->total, p->now_done, p->running, p->failed, eta, el,
            final || !p->tty ? "\n" : "   ");
}

typedef struct { pid_t pid; long row; } slot;

static int run_local(const char *dir, const sw_spec *s, const sweep_args *a)
{
    long n = sw_spec_trials(s);
    progress pr = {n, 0, 0, 0, 0, 0, sw_now(), isatty(2) && !a->quiet};
    char *pending = calloc((size_t)n, 1);
    slot *run = calloc((size_t)a->jobs, sizeof *run);
    if (!pending || !run) {
        free(pending);
        free(run);
        fprintf(stderr, "shadowgd sweep: out of memory\n");
        return SG_EXIT_FAIL;
    }
    for (long i = 0; i < n; i++) {
        if (!sw_trial_done(dir, i)) {
            pending[i] = 1;
            continue;
        }
        pr.done++;
        pr.failed += sw_trial_recorded_status(dir, i) != 0;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop; /* no SA_RESTART: waitpid returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    long next = 0;
    char row[32];
    show(&pr, 0);
    while (!stop_signal) {
        while (pr.running < a->jobs && !stop_signal) {
            while (next < n && !pending[next])
                next++;
            if (next == n)
                break;
            snprintf(row, sizeof row, "%ld", next);
            fflush(NULL);
            pid_t pid = fork();
            if (pid == 0) {
                int fd = open("/dev/null", O_WRONLY);
                if (fd >= 0) { dup2(fd, 1); close(fd); }
                char *const av[] = {"shadowgd", "trial", (char *)dir, row,
                                    s->plots ? "--plots" : NULL, NULL};
                execv("/proc/self/exe", av);
                fprintf(stderr, "shadowgd sweep: cannot exec /proc/self/exe: %s\n",
                        strerror(errno));
                _exit(127);
            }
            if (pid < 0) {
                fprintf(stderr, "shadowgd sweep: fork: %s\n", strerror(errno));
                stop_signal = SIGTERM;
                break;
            }
            for (long j = 0; j < a->jobs; j++)
                if (run[j].pid == 0) {
                    run[j].pid = pid;
                    run[j].row = next;
                    break;
                }
            pending[next++] = 0;
            pr.running++;
        }
        if (pr.running == 0)
            break;
        show(&pr, 0);
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (long j = 0; j < a->jobs; j++)
            if (run[j].pid == pid) {
                run[j].pid = 0;
                pr.running--;
                if (sw_trial_done(dir, run[j].row)) {
                    pr.done++;
                    pr.now_done++;
                    pr.failed += sw_trial_recorded_status(dir, run[j].row) != 0;
                } else if (!stop_signal) {
                    pr.errors++; /* the trial process failed before recording */
                }
            }
    }
    if (stop_signal) {
        for (long j = 0; j < a->jobs; j++)
            if (run[j].pid > 0)
                kill(run[j].pid, SIGTERM);
        for (long j = 0; j < a->jobs; j++)
            if (run[j].pid > 0)
                while (waitpid(run[j].pid, NULL, 0) < 0 && errno == EINTR)
                    ;
        pr.running = 0;
        show(&pr, 1);
        fprintf(stderr, "shadowgd sweep: interrupted (signal %d); %ld of %ld trials done, "
                        "rerun the same command to continue\n", (int)stop_signal, pr.done, n);
        free(pending);
        free(run);
        return 128 + stop_signal;
    }
    if (!a->quiet || pr.errors)
        show(&pr, 1);
    free(pending);
    free(run);
    if (pr.errors) {
        fprintf(stderr, "shadowgd sweep: %ld trial processes failed without recording a "
                        "result (messages above); rerun to retry them\n", pr.errors);
        return SG_EXIT_FAIL;
    }
    return 0;
}

int sw_sweep_main(int argc, char **argv, const sw_app *app)
{
    sweep_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? SG_EXIT_OK : rc;
    sw_spec s;
    if ((rc = sw_spec_load(a.spec, &s)) != 0)
        return rc;
    char *csv = sw_table_csv(&s);
    if (!csv) {
        fprintf(stderr, "shadowgd sweep: out of memory\n");
        sw_spec_free(&s);
        return SG_EXIT_FAIL;
    }
    rc = check_trials(&s, csv, app);
    if (rc == 0)
        rc = prepare_dir(a.out, csv, a.spec);
    free(csv);
    if (rc == 0 && a.emit) {
        a.slurm.plots = s.plots;
        rc = sw_slurm_emit(a.out, sw_spec_trials(&s), &a.slurm);
        sw_spec_free(&s);
        return rc;
    }
    int lock = -1;
    if (rc == 0) {
        char p[SW_PATH];
        snprintf(p, sizeof p, "%s/.lock", a.out);
        /* no O_CLOEXEC: the trial children inherit the lock */
        lock = open(p, O_RDWR | O_CREAT, 0644);
        if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0) {
            fprintf(stderr, "shadowgd sweep: %s is in use by another sweep (or by trials of a "
                            "killed one that are still finishing)\n", a.out);
            rc = SG_EXIT_FAIL;
        }
    }
    if (rc == 0) {
        remove_stale(a.out);
        rc = run_local(a.out, &s, &a);
    }
    if (lock >= 0)
        close(lock);
    sw_spec_free(&s);
    if (rc == 0 && a.gather)
        rc = sw_gather(a.out, a.plots, a.quiet);
    return rc;
}
