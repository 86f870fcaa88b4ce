/* figure.c -- drawing a figure with gnuplot so that it is written or the
 * run says it failed (see figure.h). */
#include "io/figure.h"
#include "io/outfile.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int sg_have_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char buf[4096];
    while (*path) {
        const char *e = strchr(path, ':');
        size_t n = e ? (size_t)(e - path) : strlen(path);
        if (n > 0 && n < sizeof buf - 16) {
            memcpy(buf, path, n);
            strcpy(buf + n, "/gnuplot");
            if (access(buf, X_OK) == 0)
                return 1;
        }
        path += n + (e ? 1 : 0);
    }
    return 0;
}

/* the header line of trajectory.csv contains column name? */
int sg_csv_has_column(const char *dir, const char *name)
{
    char path[4200], line[65536];
    snprintf(path, sizeof path, "%s/trajectory.csv", dir);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    int found = 0;
    if (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        for (char *tok = strtok(line, ","); tok; tok = strtok(NULL, ","))
            if (strcmp(tok, name) == 0)
                found = 1;
    }
    fclose(fp);
    return found;
}

/* Seconds gnuplot may take per figure before it is killed:
   SHADOWGD_GNUPLOT_TIMEOUT (a positive number; default 120). */
static double gnuplot_timeout(void)
{
    const char *s = getenv("SHADOWGD_GNUPLOT_TIMEOUT");
    char *end;
    double t = s ? strtod(s, &end) : 0.0;
    return s && end != s && *end == '\0' && t > 0.0 && t <= 86400.0 ? t : 120.0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* gnuplot SCRIPT run in the private directory tmpdir (which holds a link to
   the run's trajectory.csv, so the script, unchanged, writes its PNG there);
   0 on exit status 0, else -1 with the reason in why */
static int run_gnuplot(const char *tmpdir, const char *script, char *why, size_t wlen)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, wlen, "cannot start gnuplot: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0); /* its own group: a timeout kills its children too */
        if (chdir(tmpdir) != 0)
            _exit(127);
        /* gnuplot's warnings go to gnuplot.log next to the scripts */
        if (!freopen("../gnuplot.log", "a", stderr))
            _exit(127);
        char path[64];
        snprintf(path, sizeof path, "../%s", script);
        execlp("gnuplot", "gnuplot", path, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    double limit = gnuplot_timeout(), t0 = now_seconds();
    int st;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            snprintf(why, wlen, "cannot wait for gnuplot: %s", strerror(errno));
            return -1;
        }
        if (now_seconds() - t0 > limit) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
            snprintf(why, wlen, "gnuplot killed after %g s (SHADOWGD_GNUPLOT_TIMEOUT)", limit);
            return -1;
        }
        struct timespec nap = {0, 20 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    if (WIFEXITED(st))
        snprintf(why, wlen, "gnuplot exited with status %d", WEXITSTATUS(st));
    else
        snprintf(why, wlen, "gnuplot killed by signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    return -1;
}

/* 0 if path is a regular file starting with the PNG signature */
static int is_png(const char *path, char *why, size_t wlen)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char head[8];
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, wlen, "gnuplot wrote no PNG");
        return -1;
    }
    FILE *fp = fopen(path, "rb");
    size_t got = fp ? fread(head, 1, sizeof head, fp) : 0;
    if (fp)
        fclose(fp);
    if (st.st_size <= (off_t)sizeof head || got != sizeof head ||
        memcmp(head, sig, sizeof sig) != 0) {
        snprintf(why, wlen, "gnuplot wrote an empty or damaged PNG (%lld bytes)",
                 (long long)st.st_size);
        return -1;
    }
    return 0;
}

/* remove every entry of dir (not recursive: gnuplot makes no directories) */
static void empty_dir(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    struct dirent *e;
    char path[4200 + 256 + 2];
    while ((e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            remove(path);
        }
    closedir(dp);
}

/* One figure: SCRIPT draws PNG into a private temporary directory of DIR;
   the PNG is checked (gnuplot's exit status, a regular non-empty file with
   the PNG signature), flushed to disk and renamed into DIR.  On failure
   nothing is left under the PNG's name.  0, or -1 with the reason in why. */
int sg_figure_draw(const char *dir, const char *script, const char *png, char *why, size_t wlen)
{
    char tmpdir[4200], link[4300], out[4300], final[4300];
    snprintf(tmpdir, sizeof tmpdir, "%s/.plot-XXXXXX", dir);
    snprintf(final, sizeof final, "%s/%s", dir, png);
    remove(final); /* an older figure must not stand for this run's */
    if (!mkdtemp(tmpdir)) {
        snprintf(why, wlen, "cannot create a temporary directory in %s: %s", dir,
                 strerror(errno));
        return -1;
    }
    snprintf(link, sizeof link, "%s/trajectory.csv", tmpdir);
    snprintf(out, sizeof out, "%s/%s", tmpdir, png);
    sg_tmp_register(out, 0); /* removed in this order on a fatal error */
    sg_tmp_register(link, 0);
    sg_tmp_register(tmpdir, 0);
    int rc = -1;
    if (symlink("../trajectory.csv", link) != 0)
        snprintf(why, wlen, "cannot link the trajectory: %s", strerror(errno));
    else if (run_gnuplot(tmpdir, script, why, wlen) == 0 && is_png(out, why, wlen) == 0) {
        int fd = open(out, O_RDONLY);
        int synced = fd >= 0 && fsync(fd) == 0;
        if (fd >= 0)
            close(fd);
        if (!synced)
            snprintf(why, wlen, "cannot flush the PNG to disk: %s", strerror(errno));
        else if (rename(out, final) != 0)
            snprintf(why, wlen, "cannot rename the PNG into %s: %s", dir, strerror(errno));
        else
            rc = 0;
    }
    empty_dir(tmpdir); /* whatever gnuplot left there too */
    rmdir(tmpdir);
    sg_tmp_unregister(out);
    sg_tmp_unregister(link);
    sg_tmp_unregister(tmpdir);
    return rc;
}

