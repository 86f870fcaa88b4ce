/* trial.c -- `shadowgd trial DIR ROW...` (see trial.h). */
#include "sweep/trial.h"
#include "sweep/table.h"
#include "io/json.h"
#include "io/jsonread.h"
#include "io/outfile.h"
#include "run/run.h"
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_signal;
static volatile pid_t child_pid;

/* forward SIGINT/SIGTERM/SIGHUP to the running trial, remember it */
static void on_signal(int sig)
{
    got_signal = sig;
    if (child_pid > 0)
        kill(child_pid, sig);
}

int sw_trial_argv(const char *options, const char *seed, char **buf, char **argv, int max)
{
    int n = 0;
    if (!(*buf = strdup(options)))
        return -1;
    argv[n++] = "run";
    for (char *p = strtok(*buf, " "); p; p = strtok(NULL, " ")) {
        if (n + 3 >= max)
            return -1;
        argv[n++] = p;
    }
    argv[n++] = "--seed";
    argv[n++] = (char *)seed;
    argv[n] = NULL;
    return n;
}

static void trial_path(char *buf, size_t len, const char *dir, long index, const char *file)
{
    snprintf(buf, len, "%s/trials/%ld%s%s", dir, index, file ? "/" : "", file ? file : "");
}

int sw_trial_done(const char *dir, long index)
{
    char p[SW_PATH];
    trial_path(p, sizeof p, dir, index, "trial.json");
    return access(p, F_OK) == 0;
}

int sw_trial_recorded_status(const char *dir, long index)
{
    char p[SW_PATH], err[256];
    trial_path(p, sizeof p, dir, index, "trial.json");
    sg_jv *r = sg_jread_file(p, err, sizeof err);
    if (!r)
        return -1;
    const sg_jv *e = sg_jget(r, "exit_status"), *s = sg_jget(r, "signal");
    int st = -1;
    if (e && e->kind == SG_JV_NUM)
        st = (int)e->num;
    else if (s && s->kind == SG_JV_NUM)
        st = 128 + (int)s->num;
    sg_jfree(r);
    return st;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

void sw_remove_tree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

double sw_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* the test hook: SHADOWGD_TRIAL_LOG=FILE appends "<index>\n" per trial
   started, so a test can count how often each row actually ran */
static void log_start(long index)
{
    const char *log = getenv("SHADOWGD_TRIAL_LOG");
    if (!log || !*log)
        return;
    int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    char line[32];
    int n = snprintf(line, sizeof line, "%ld\n", index);
    if (write(fd, line, (size_t)n) != n) { /* a test hook: nothing else to do */ }
    close(fd);
}

static int write_record(const char *tmp, const sw_row *row, int status, double secs)
{
    sg_outfile o;
    sg_json j;
    if (sg_outfile_open(&o, tmp, "trial.json") != 0)
        return -1;
    sg_json_init(&j, o.fp);
    sg_json_open(&j, NULL);
    sg_json_int(&j, "index", row->index);
    sg_json_uint(&j, "seed", strtoull(row->seed, NULL, 10));
    sg_json_str(&j, "options", row->options);
    int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (WIFEXITED(status))
        sg_json_int(&j, "exit_status", WEXITSTATUS(status));
    else
        sg_json_null(&j, "exit_status");
    if (WIFSIGNALED(status))
        sg_json_int(&j, "signal", WTERMSIG(status));
    else
        sg_json_null(&j, "signal");
    sg_json_str(&j, "status", ok ? "ok" : "failed");
    sg_json_num(&j, "seconds", secs);
    sg_json_close(&j);
    sg_json_end(&j);
    return sg_outfile_commit(&o);
}

/* run row `index` unless it is done; 0 when it is recorded (ok or failed)
   or was already, 1 on an error of this process, 128+N when interrupted */
static int run_row(const char *dir, long index, int plots, const sw_app *app)
{
    char table[SW_PATH], final[SW_PATH], tmp[SW_PATH], log[SW_PATH + 16], host[64];
    if (sw_trial_done(dir, index))
        return 0;
    snprintf(table, sizeof table, "%s/trials.csv", dir);
    sw_row row;
    if (sw_table_row(table, index, &row) != 0)
        return SG_EXIT_FAIL;
    if (gethostname(host, sizeof host) != 0)
        strcpy(host, "host");
    host[sizeof host - 1] = '\0';
    for (char *h = host; *h; h++)
        if (*h == '/' || *h == ' ')
            *h = '_';
    trial_path(final, sizeof final, dir, index, NULL);
    snprintf(tmp, sizeof tmp, "%s/trials/.tmp-%ld-%s-%ld", dir, index, host, (long)getpid());
    snprintf(log, sizeof log, "%s.stderr", tmp);
    sw_remove_tree(tmp);
    char *buf = NULL, *argv[SW_MAX_WORDS];
    int argc = sw_trial_argv(row.options, row.seed, &buf, argv, SW_MAX_WORDS - 6);
    if (argc < 0 || mkdir(tmp, 0777) != 0) {
        fprintf(stderr, "shadowgd trial: row %ld: %s\n", index,
                argc < 0 ? "too many option words" : strerror(errno));
        free(buf);
        sw_row_free(&row);
        return SG_EXIT_FAIL;
    }
    argv[argc++] = "--out";
    argv[argc++] = tmp;
    argv[argc++] = "--quiet";
    if (!plots)
        argv[argc++] = "--no-plots";
    argv[argc] = NULL;
    log_start(index);
    double t0 = sw_now();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        int rc = app->run(argc, argv);
        fflush(NULL);
        _exit(rc & 0xff);
    }
    int status = 0, rc = 0;
    if (pid < 0) {
        fprintf(stderr, "shadowgd trial: row %ld: fork: %s\n", index, strerror(errno));
        rc = SG_EXIT_FAIL;
    } else {
        child_pid = pid;
        if (got_signal)
            kill(pid, got_signal);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        child_pid = 0;
    }
    double secs = sw_now() - t0;
    if (rc == 0 && got_signal) {
        rc = 128 + got_signal;
    } else if (rc == 0) {
        char dst[SW_PATH + 16];
        snprintf(dst, sizeof dst, "%s/stderr.txt", tmp);
        if (rename(log, dst) != 0 || write_record(tmp, &row, status, secs) != 0) {
            fprintf(stderr, "shadowgd trial: row %ld: cannot record the trial in %s\n", index,
                    tmp);
            rc = SG_EXIT_FAIL;
        } else if (rename(tmp, final) != 0) {
            if (errno == EEXIST || errno == ENOTEMPTY) {
                /* another worker finished this row first: its result stands */
            } else {
                fprintf(stderr, "shadowgd trial: row %ld: cannot rename %s to %s: %s\n", index,
                        tmp, final, strerror(errno));
                rc = SG_EXIT_FAIL;
            }
        } else {
            int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            printf("trial %ld: %s", index, ok ? "ok" : "failed");
            if (!ok && WIFEXITED(status))
                printf(" (exit status %d)", WEXITSTATUS(status));
            if (WIFSIGNALED(status))
                printf(" (signal %d)", WTERMSIG(status));
            printf(", %.3f s\n", secs);
        }
    }
    if (access(tmp, F_OK) == 0)
        sw_remove_tree(tmp);
    unlink(log);
    free(buf);
    sw_row_free(&row);
    return rc;
}

static int parse_rowarg(const char *s, long n, long *out)
{
    char *end;
    errno = 0;
    if (!(s[0] >= '0' && s[0] <= '9'))
        return -1;
    long x = strtol(s, &end, 10);
    if (*end || errno || x < 0 || x >= n)
        return -1;
    *out = x;
    return 0;
}

int sw_trial_main(int argc, char **argv, const sw_app *app)
{
    int plots = 0, first = 1;
    if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
        puts("usage: shadowgd trial DIR ROW... [--plots]\n"
             "Run rows of DIR/trials.csv that are not done yet (what the local runner and "
             "each Slurm array task do).");
        return SG_EXIT_OK;
    }
    if (argc < 3) {
        fprintf(stderr, "shadowgd trial: usage: shadowgd trial DIR ROW... [--plots]\n");
        return SG_EXIT_USAGE;
    }
    const char *dir = argv[1];
    char table[SW_PATH];
    snprintf(table, sizeof table, "%s/trials.csv", dir);
    long n = sw_table_count(table, NULL);
    if (n < 0)
        return SG_EXIT_USAGE;
    for (int i = 2; i < argc; i++) {
        long r = 0;
        if (strcmp(argv[i], "--plots") == 0) {
            plots = 1;
            continue;
        }
        if (parse_rowarg(argv[i], n, &r) != 0) {
            fprintf(stderr, "shadowgd trial: invalid row '%s': expected an integer in [0, %ld]\n",
                    argv[i], n - 1);
            return SG_EXIT_USAGE;
        }
        first = 0;
    }
    if (first) {
        fprintf(stderr, "shadowgd trial: no ROW given\n");
        return SG_EXIT_USAGE;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    int rc = 0;
    for (int i = 2; i < argc && !got_signal; i++) {
        long r = 0;
        if (strcmp(argv[i], "--plots") == 0)
            continue;
        parse_rowarg(argv[i], n, &r);
        int e = run_row(dir, r, plots, app);
        if (e > 128)
            return e;
        if (e != 0)
            rc = e;
    }
    return got_signal ? 128 + got_signal : rc;
}
