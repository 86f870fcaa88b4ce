/* shadow_audit_ckpt.c -- checkpoint save and load of the shadow audit's
 * totals and MPFR trajectory (see shadow_audit.h). */
#include "shadow/relu/shadow_audit.h"
#include "shadow/mpfr_io.h"
#include "io/binio.h"
#include "io/json.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- checkpoints ---- */

#define SG_SA_MAGIC "shadowgd-mpfr-audit 2\n" /* 2: infinite_bounds, replica_first_step */

/* the scalar state, in a fixed order (longs, then doubles) */
#define SA_LONGS(X)                                                          \
    X(steps_audited) X(components_checked) X(violations) X(ambiguous) X(flips) \
    X(prediction_mismatch) X(replica_mismatch) X(libm_checked)                \
    X(libm_violations) X(nonfinite) X(infinite_bounds) X(replica_first_step) \
    X(trajectory_range_errors)                                               \
    X(max_ratio_step) X(max_divergence_step) X(first_step) X(first_index)
#define SA_DOUBLES(X)                                                        \
    X(max_ratio) X(max_divergence) X(final_divergence) X(first_err)          \
    X(first_bound) X(audit_seconds) X(trajectory_seconds)

int sg_shadow_audit_save(void *self, FILE *fp)
{
    sg_shadow_audit *a = self;
    long hdr[5] = {(long)a->prec, a->len, a->every, a->trajectory, a->have_first};
    long cls = a->first_class;
    if (fputs(SG_SA_MAGIC, fp) == EOF || fwrite(hdr, sizeof hdr, 1, fp) != 1 ||
        fwrite(&cls, sizeof cls, 1, fp) != 1)
        return -1;
#define W_(f) if (fwrite(&a->f, sizeof a->f, 1, fp) != 1) return -1;
    SA_LONGS(W_)
    SA_DOUBLES(W_)
#undef W_
    if (fwrite(a->libm_max_ulp, sizeof a->libm_max_ulp, 1, fp) != 1 ||
        fwrite(a->cls, sizeof a->cls, 1, fp) != 1)
        return -1;
    if (a->trajectory)
        for (long q = 0; q < a->len; q++)
            if (mpfr_fpif_export(fp, a->st.theta[q]) != 0)
                return -1;
    return ferror(fp) ? -1 : 0;
}

int sg_shadow_audit_load(void *self, FILE *fp, size_t len)
{
    sg_shadow_audit *a = self;
    long start = ftell(fp);
    char magic[sizeof SG_SA_MAGIC];
    long hdr[5], cls;
    if (fread(magic, 1, sizeof magic - 1, fp) != sizeof magic - 1 ||
        memcmp(magic, SG_SA_MAGIC, sizeof magic - 1) != 0 || fread(hdr, sizeof hdr, 1, fp) != 1 ||
        fread(&cls, sizeof cls, 1, fp) != 1)
        return -1;
    if (hdr[0] != (long)a->prec || hdr[1] != a->len || hdr[2] != a->every ||
        hdr[3] != a->trajectory || (hdr[4] != 0 && hdr[4] != 1) || cls < 0 ||
        cls >= SG_SA_NCLASS)
        return -1;
    sg_shadow_audit t = *a; /* read into a copy: a stays intact on failure */
    t.have_first = (int)hdr[4];
    t.first_class = (int)cls;
#define R_(f) if (fread(&t.f, sizeof t.f, 1, fp) != 1) return -1;
    SA_LONGS(R_)
    SA_DOUBLES(R_)
#undef R_
    if (fread(t.libm_max_ulp, sizeof t.libm_max_ulp, 1, fp) != 1 ||
        fread(t.cls, sizeof t.cls, 1, fp) != 1)
        return -1;
    if (a->trajectory) {
        unsigned char ph[9];
        size_t phl = sg_fpif_prec_header(a->prec, ph);
        for (long q = 0; q < a->len; q++) {
            if (!sg_fpif_prec_is(fp, ph, phl) || mpfr_fpif_import(a->st.theta_new[q], fp) != 0 ||
                mpfr_get_prec(a->st.theta_new[q]) != a->prec) {
                for (long r = 0; r <= q; r++)
                    mpfr_set_prec(a->st.theta_new[r], a->prec);
                return -1;
            }
        }
    }
    if (start >= 0 && ftell(fp) - start != (long)len) {
        if (a->trajectory)
            for (long q = 0; q < a->len; q++)
                mpfr_set_prec(a->st.theta_new[q], a->prec);
        return -1;
    }
    /* commit: scalars, then the trajectory state (theta_new was scratch) */
    t.sa = a->sa;
    t.st = a->st;
    *a = t;
    if (a->trajectory)
        sg_shadow_advance(&a->st);
    return 0;
}
