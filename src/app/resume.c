/* resume.c -- `shadowgd resume DIR [--quiet]`: continue a run from
 * DIR/checkpoint.bin (format and guarantees in checkpoint.h).
 *
 * Nothing in DIR is modified until every check has passed: the checkpoint
 * itself, that the run has not finished (no summary.json), the regenerated
 * dataset and theta_0, the observers, and that trajectory.csv.tmp (or, if a
 * run was killed between the two renames, trajectory.csv) begins with the
 * bytes the checkpoint recorded.  Then the temporary is cut back to those
 * bytes and the loop continues; the outputs are written as by `run`. */
#include "app/resume.h"
#include "app/assemble.h"
#include "app/cli.h"
#include "run/checkpoint.h"
#include "io/hash.h"
#include "io/outlock.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void resume_usage(FILE *fp)
{
    fputs("usage: shadowgd resume DIR [--quiet]\n"
          "Continue the run whose output directory DIR holds checkpoint.bin (written by\n"
          "shadowgd run --checkpoint-every K).  The outputs equal, byte for byte, those of\n"
          "the run had it not been interrupted (summary.json's timing block aside).\n", fp);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* 0 if the first want bytes of fp hash to h (and fp has at least want) */
static int prefix_matches(FILE *fp, long want, uint64_t h)
{
    unsigned char chunk[65536];
    uint64_t g = SG_FNV_INIT;
    long left = want;
    if (fseek(fp, 0, SEEK_SET) != 0)
        return -1;
    while (left > 0) {
        size_t n = left < (long)sizeof chunk ? (size_t)left : sizeof chunk;
        if (fread(chunk, 1, n, fp) != n)
            return -1;
        g = sg_fnv1a(g, chunk, n);
        left -= (long)n;
    }
    return g == h ? 0 : -1;
}

int sg_resume_main(int argc, char **argv)
{
    const char *dir = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "--help") == 0) {
            resume_usage(stdout);
            return SG_EXIT_OK;
        } else if (argv[i][0] == '-' || dir) {
            fprintf(stderr, "shadowgd: resume: unexpected argument '%s' (usage: shadowgd "
                            "resume DIR [--quiet])\n", argv[i]);
            return SG_EXIT_USAGE;
        } else {
            dir = argv[i];
        }
    }
    if (!dir || dir[0] == '\0') {
        fprintf(stderr, "shadowgd: resume: missing DIR (usage: shadowgd resume DIR [--quiet])\n");
        return SG_EXIT_USAGE;
    }
    if (strlen(dir) >= SG_PATH_MAX - 64) {
        fprintf(stderr, "shadowgd: resume: directory path too long\n");
        return SG_EXIT_USAGE;
    }
    /* one writer per directory (outlock.h): before anything is read, so
       that a concurrent resume cannot cut the trajectory under this one */
    struct stat dst;
    if (stat(dir, &dst) == 0 && S_ISDIR(dst.st_mode)) {
        int lrc = sg_outdir_lock(dir);
        if (lrc != 0)
            return lrc;
    }
    char path[SG_PATH_MAX + 64], tmp[SG_PATH_MAX + 64], fin[SG_PATH_MAX + 64], err[512];
    snprintf(path, sizeof path, "%s/%s", dir, SG_CKPT_NAME);
    snprintf(tmp, sizeof tmp, "%s/trajectory.csv.tmp", dir);
    snprintf(fin, sizeof fin, "%s/trajectory.csv", dir);
    unsigned char *buf;
    size_t len;
    if (sg_read_file(path, &buf, &len, err, sizeof err) != 0) {
        fprintf(stderr, "shadowgd: resume: %s: %s\n", path, err);
        return SG_EXIT_USAGE;
    }
    sg_ckpt ck;
    if (sg_ckpt_parse(buf, len, &ck, sg_cli_parse_run, err, sizeof err) != 0) {
        fprintf(stderr, "shadowgd: resume: %s: %s\n", path, err);
        free(buf);
        return SG_EXIT_USAGE;
    }
    char sum[SG_PATH_MAX + 64];
    snprintf(sum, sizeof sum, "%s/summary.json", dir);
    int rc = SG_EXIT_USAGE;
    sg_run_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    FILE *fp = NULL;
    if (exists(sum)) {
        fprintf(stderr, "shadowgd: resume: %s exists: that run has finished\n", sum);
        goto out;
    }
    ck.cfg.quiet = quiet;
    snprintf(ck.cfg.out_dir, sizeof ck.cfg.out_dir, "%s", dir);
    rc = sg_run_setup(&ctx, &ck.cfg);
    if (rc == 0)
        rc = sg_run_register_observers(&ctx);
    if (rc != 0)
        goto out;
    rc = SG_EXIT_USAGE;
    if (sg_ckpt_apply(&ctx, &ck, err, sizeof err) != 0) {
        fprintf(stderr, "shadowgd: resume: %s does not match this run: %s\n", path, err);
        goto out;
    }
    /* the trajectory so far: the temporary, or the final file when the run
       was killed between its rename and summary.json */
    const char *src = exists(tmp) ? tmp : exists(fin) ? fin : NULL;
    if (!src) {
        fprintf(stderr, "shadowgd: resume: neither %s nor %s exists\n", tmp, fin);
        goto out;
    }
    fp = fopen(src, "r+b");
    if (!fp) {
        fprintf(stderr, "shadowgd: resume: cannot open %s: %s\n", src, strerror(errno));
        rc = SG_EXIT_FAIL;
        goto out;
    }
    if (prefix_matches(fp, ck.traj_bytes, ck.traj_hash) != 0) {
        fprintf(stderr, "shadowgd: resume: %s does not begin with the %ld bytes the "
                        "checkpoint recorded (wrong or damaged trajectory)\n", src,
                ck.traj_bytes);
        goto out;
    }
    /* every check passed: from here on DIR is modified */
    rc = SG_EXIT_FAIL;
    /* a final-named file goes back to the temporary name before it is cut,
       so no truncated file ever carries the final name */
    if (src == fin && rename(fin, tmp) != 0) {
        fprintf(stderr, "shadowgd: resume: cannot rename %s: %s\n", fin, strerror(errno));
        goto out;
    }
    if (fflush(fp) != 0 || ftruncate(fileno(fp), (off_t)ck.traj_bytes) != 0 ||
        fseek(fp, ck.traj_bytes, SEEK_SET) != 0) {
        fprintf(stderr, "shadowgd: resume: cannot truncate %s: %s\n", tmp, strerror(errno));
        goto out;
    }
    sg_outfile csv;
    csv.fp = fp;
    memcpy(csv.path, fin, strlen(fin) + 1); /* both < SG_PATH_MAX: dir < SG_PATH_MAX-64 */
    memcpy(csv.tmp, tmp, strlen(tmp) + 1);
    fp = NULL;
    sg_tmp_register(csv.tmp, 1); /* the resumable temporary (outfile.h) */
    rc = sg_run_execute(&ctx, &csv); /* ctx.cfg.argv points into ck */
    sg_ckpt_free(&ck);
    free(buf);
    return rc;
out:
    if (fp)
        fclose(fp);
    sg_run_free(&ctx);
    sg_ckpt_free(&ck);
    free(buf);
    return rc;
}
