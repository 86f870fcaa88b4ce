/* bench_step.c -- CPU time of one full-batch GD step (empirical loss):
 * shadowgd's kernels (sg_gd_step) against the same mathematics written with
 * OpenBLAS dgemm/dgemv (two variants: the ReLU mask of the gradient by a
 * branch, and branch-free as a 0/1 factor) and, when python3 with numpy is
 * installed, numpy (tests/bench/numpy_step.py).
 *
 * Trust (issue 14, item 6):
 *  - CPU time (CLOCK_PROCESS_CPUTIME_ID), not wall time: on a shared machine
 *    wall time charges preemption mostly to the long steps;
 *  - every contender other than ours runs in its own child process ("server"
 *    mode of this program, or the numpy script) that executes one step per
 *    request and answers its own CPU time; the OpenBLAS children start with
 *    OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from their environment
 *    (OpenBLAS then autodetects its kernel) and OPENBLAS_NUM_THREADS=1 (our
 *    kernels are single-threaded); our process's environment is untouched;
 *  - contenders are interleaved step by step, so load hits all alike;
 *  - the BLAS step checks its gradient against ours (1e-10 relative).
 * Then the whole 600-step default run without the shadow
 * (`shadowgd run --audit-every 0 --no-shadow-trajectory --no-plots --quiet`,
 * and the same with --no-invariants)
 * against tests/bench/numpy_run.py doing the same steps, as child CPU time
 * (getrusage RUSAGE_CHILDREN), each the median of five runs.
 * Usage: bench_step [PROGRAM]     (default bin/shadowgd) */
#include "bench_common.h"
#include "kernels/data.h"
#include "kernels/relu/init.h"
#include "kernels/relu/problem.h"
#include <cblas.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    double *Z, *G, *f, *r;
} blas_ws;

/* loss and gradient with BLAS; grad = [gW | gv] as in problem.h; mask 0:
   the ReLU derivative by a branch, 1: as a branch-free 0/1 factor */
static double blas_loss_grad(const sg_problem *p, const double *theta, blas_ws *b, double *grad,
                             int mask)
{
    int n = p->n, d = p->d, k = p->k;
    const double *W = theta, *v = theta + (long)k * d;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, k, d, 1.0, p->X, d, W, d, 0.0,
                b->Z, k);
    for (long q = 0; q < (long)n * k; q++)
        b->G[q] = b->Z[q] > 0.0 ? b->Z[q] : 0.0; /* H */
    cblas_dgemv(CblasRowMajor, CblasNoTrans, n, k, 1.0, b->G, k, v, 1, 0.0, b->f, 1);
    double loss = 0.0;
    for (int i = 0; i < n; i++) {
        b->r[i] = b->f[i] - p->y[i];
        loss += b->r[i] * b->r[i];
    }
    cblas_dgemv(CblasRowMajor, CblasTrans, n, k, 1.0 / n, b->G, k, b->r, 1, 0.0,
                grad + (long)k * d, 1);
    if (mask)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++)
                b->G[(long)i * k + j] = (double)(b->Z[(long)i * k + j] > 0.0) * (b->r[i] * v[j]);
    else
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++)
                b->G[(long)i * k + j] = b->Z[(long)i * k + j] > 0.0 ? b->r[i] * v[j] : 0.0;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, d, n, 1.0 / n, b->G, k, p->X, d,
                0.0, grad, d);
    return loss / (2.0 * n);
}

static double *start_theta(int d, int k)
{
    long len = sg_theta_len(d, k);
    double *t = malloc(sizeof(double) * len), *scratch = malloc(sizeof(double) * d);
    sg_rng rng;
    sg_rng_seed_stream(&rng, 1, SG_STREAM_INIT);
    sg_init_state(SG_INIT_XAVIER, &rng, d, k, 1.0, t, t + (long)k * d, scratch);
    free(scratch);
    return t;
}

/* child mode: one BLAS step per byte read on stdin, answer its CPU seconds */
static int blas_server(int d, int k, int n, int mask)
{
    sg_problem p;
    sg_workspace ws;
    if (bench_problem(&p, &ws, n, d, k) != 0)
        return 1;
    long len = sg_theta_len(d, k);
    double *t = start_theta(d, k), *g = malloc(sizeof(double) * len);
    blas_ws b = {malloc(sizeof(double) * n * k), malloc(sizeof(double) * n * k),
                 malloc(sizeof(double) * n), malloc(sizeof(double) * n)};
    /* agreement with our kernels at the starting point */
    sg_loss_grad(&p, t, &ws);
    blas_loss_grad(&p, t, &b, g, mask);
    double gmax = 0, dmax = 0;
    for (long q = 0; q < len; q++) {
        gmax = fmax(gmax, fabs(ws.grad[q]));
        dmax = fmax(dmax, fabs(ws.grad[q] - g[q]));
    }
    if (!(dmax <= 1e-10 * gmax)) {
        fprintf(stderr, "bench: BLAS and kernel gradients differ: %g (max |g| %g)\n", dmax, gmax);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    int c;
    while ((c = getchar()) != EOF) {
        if (c != 's')
            continue;
        double t0 = cpu_now();
        blas_loss_grad(&p, t, &b, g, mask);
        for (long q = 0; q < len; q++)
            t[q] = t[q] - 1e-3 * g[q];
        printf("%.9f\n", cpu_now() - t0);
        fflush(stdout);
    }
    return 0;
}

typedef struct {
    const char *name;
    pid_t pid;
    FILE *to, *from;
} contender;

/* start a child contender; argv[0] is run with PATH lookup */
static int spawn(contender *c, char *const argv[], int openblas_env)
{
    int in[2], out[2];
    /* close-on-exec: a later child must not inherit this child's pipe ends,
       or this child never sees EOF on its stdin */
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
        return -1;
    c->pid = fork();
    if (c->pid < 0)
        return -1;
    if (c->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]);
        if (openblas_env) {
            unsetenv("OPENBLAS_CORETYPE");
            unsetenv("OPENBLAS_L2_SIZE");
        }
        setenv("OPENBLAS_NUM_THREADS", "1", 1);
        setenv("OMP_NUM_THREADS", "1", 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    c->to = fdopen(in[1], "w");
    c->from = fdopen(out[0], "r");
    char line[64];
    if (!fgets(line, sizeof line, c->from) || strncmp(line, "ready", 5) != 0) {
        fprintf(stderr, "bench: contender %s did not start\n", c->name);
        return -1;
    }
    return 0;
}

static double ask(contender *c)
{
    char line[64];
    fputc('s', c->to);
    fflush(c->to);
    if (!fgets(line, sizeof line, c->from))
        return NAN;
    return strtod(line, NULL);
}

static void stop(contender *c)
{
    fclose(c->to);
    fclose(c->from);
    waitpid(c->pid, NULL, 0);
}

/* the Python that has numpy: $BENCH_PYTHON, else Debian's /usr/bin/python3
   (python3-numpy installs there; a python3 earlier on PATH, e.g. pyenv's,
   may lack it), else python3 from PATH; NULL when none has numpy */
static const char *numpy_python(void)
{
    static char cmd[300];
    const char *env = getenv("BENCH_PYTHON");
    const char *cand[3] = {env, "/usr/bin/python3", "python3"};
    for (int c = 0; c < 3; c++) {
        if (!cand[c] || strlen(cand[c]) > 200 || strchr(cand[c], '\''))
            continue;
        snprintf(cmd, sizeof cmd, "'%s' -c 'import numpy' >/dev/null 2>&1", cand[c]);
        if (system(cmd) == 0)
            return cand[c];
    }
    return NULL;
}
static const char *py;

static int bench_size(const char *self, int d, int k, int n, int numpy)
{
    sg_problem p;
    sg_workspace ws;
    if (bench_problem(&p, &ws, n, d, k) != 0)
        return 1;
    double *t1 = start_theta(d, k);
    char sd[16], sk[16], sn[16];
    snprintf(sd, sizeof sd, "%d", d);
    snprintf(sk, sizeof sk, "%d", k);
    snprintf(sn, sizeof sn, "%d", n);
    contender c[3] = {{"OpenBLAS", 0, NULL, NULL}, {"OpenBLAS-mask", 0, NULL, NULL},
                      {"numpy", 0, NULL, NULL}};
    char *a0[] = {(char *)self, "--blas-server", sd, sk, sn, "0", NULL};
    char *a1[] = {(char *)self, "--blas-server", sd, sk, sn, "1", NULL};
    char *a2[] = {(char *)py, "tests/bench/numpy_step.py", "--server", sd, sk, sn, NULL};
    int nc = numpy ? 3 : 2;
    if (spawn(&c[0], a0, 1) || spawn(&c[1], a1, 1) || (numpy && spawn(&c[2], a2, 0)))
        return 1;
    enum { MAXREP = 201 };
    static double t[4][MAXREP];
    int reps = 0;
    double wall0 = cpu_now(), spent = 0.0;
    /* at least 11 steps each, up to about 3 s of CPU per contender and size */
    while (reps < MAXREP && (reps < 11 || spent < 3.0)) {
        double s0 = cpu_now();
        sg_gd_step(&p, 1e-3, t1, &ws);
        t[0][reps] = cpu_now() - s0;
        for (int q = 0; q < nc; q++)
            t[q + 1][reps] = ask(&c[q]);
        spent = cpu_now() - wall0;
        reps++;
    }
    for (int q = 0; q < nc; q++)
        stop(&c[q]);
    double m[4];
    for (int q = 0; q <= nc; q++)
        m[q] = bench_median(t[q], reps);
    printf("| %3d | %3d | %6d | %8.3f | %8.3f | %8.3f |", d, k, n, 1e3 * m[0], 1e3 * m[1],
           1e3 * m[2]);
    if (numpy)
        printf(" %8.3f |", 1e3 * m[3]);
    else
        printf("        - |");
    printf(" %5.2f | %5.2f |", m[0] / m[1], m[0] / m[2]);
    if (numpy)
        printf(" %5.2f |", m[0] / m[3]);
    else
        printf("     - |");
    printf(" %4d |\n", reps);
    fflush(stdout);
    free(t1);
    sg_problem_free(&p);
    sg_workspace_free(&ws);
    return 0;
}

/* CPU seconds (user + system) of one child command, from its rusage */
static double child_cpu(char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        return NAN;
    if (pid == 0) {
        setenv("OPENBLAS_NUM_THREADS", "1", 1);
        setenv("OMP_NUM_THREADS", "1", 1);
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return NAN;
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

static int bench_run(const char *prog, int numpy)
{
    char *ours[] = {(char *)prog, "run", "--audit-every", "0", "--no-shadow-trajectory",
                    "--no-plots", "--quiet", "--force", "--out", "build/bench/run600", NULL};
    /* the same run without the invariant audit (its per-step tolerance pass
       over X and exact residuals: issue 14, item 4) */
    char *noinv[] = {(char *)prog, "run", "--audit-every", "0", "--no-shadow-trajectory",
                     "--no-invariants", "--no-plots", "--quiet", "--force", "--out",
                     "build/bench/run600", NULL};
    char *np[] = {(char *)py, "tests/bench/numpy_run.py", NULL};
    double a[5], b[5], c[5];
    for (int r = 0; r < 5; r++) {
        a[r] = child_cpu(ours);
        c[r] = child_cpu(noinv);
        b[r] = numpy ? child_cpu(np) : NAN;
        if (isnan(a[r]) || isnan(c[r]) || (numpy && isnan(b[r]))) {
            fprintf(stderr, "bench: the 600-step run failed\n");
            return 1;
        }
    }
    double ma = bench_median(a, 5), mb = numpy ? bench_median(b, 5) : NAN;
    double mc = bench_median(c, 5);
    printf("\n600-step default run without the shadow (d = 100, k = 2, n = 2000), CPU s of the whole\n"
           "process incl. start-up, median of 5, interleaved; no-inv: with --no-invariants:\n");
    printf("| shadowgd s | no-inv s | numpy s | shadowgd/numpy | no-inv/numpy |\n"
           "|-----------:|---------:|--------:|---------------:|-------------:|\n");
    printf("| %10.3f | %8.3f | %7.3f | %14.2f | %12.2f |\n", ma, mc, mb, ma / mb, mc / mb);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "--blas-server") == 0)
        return blas_server(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
    const char *prog = argc > 1 ? argv[1] : "bin/shadowgd";
    py = numpy_python();
    int numpy = py != NULL;
    static const int sizes[3][2] = {{2, 2000}, {16, 8000}, {64, 20000}};
    printf("GD step, empirical loss: median CPU time per step (ms), contenders interleaved step by step\n");
    printf("(OpenBLAS: autodetected kernel, 1 thread; OB-mask: branch-free ReLU mask; numpy: %s)\n",
           numpy ? py : "not installed");
    printf("|   d |   k |      n | shadowgd | OpenBLAS | OB-mask  |    numpy | /OB   | /OB-m | /np   | reps |\n");
    printf("|----:|----:|-------:|---------:|---------:|---------:|---------:|------:|------:|------:|-----:|\n");
    for (int s = 0; s < 3; s++)
        if (bench_size(argv[0], 100, sizes[s][0], sizes[s][1], numpy) != 0)
            return 1;
    return bench_run(prog, numpy);
}
