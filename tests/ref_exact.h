/* ref_exact.h -- the exact residuals of HOMOG and IMBAL as they were before
 * issue 14 item 4 (commit 7283754, src/audit/relu/inv_exact.c, renamed
 * ref_*): every product held exactly in a 4*53+8-bit MPFR number, one
 * mpfr_sum to 53 bits, mpfr_get_d.  Kept only as the reference of
 * test_exact_sums.c; never linked into the program. */
#ifndef SG_REF_EXACT_H
#define SG_REF_EXACT_H

#include <mpfr.h>
#include <stdlib.h>

typedef struct {
    mpfr_t *t;
    mpfr_ptr *p;
    long n;
} ref_acc;

static void ref_acc_init(ref_acc *e, long cap)
{
    e->t = calloc((size_t)cap, sizeof(mpfr_t));
    e->p = calloc((size_t)cap, sizeof(mpfr_ptr));
    e->n = 0;
    for (long q = 0; q < cap; q++) {
        mpfr_init2(e->t[q], 4 * 53 + 8);
        e->p[q] = e->t[q];
    }
}

static void ref_acc_free(ref_acc *e, long cap)
{
    for (long q = 0; q < cap; q++)
        mpfr_clear(e->t[q]);
    free(e->t);
    free(e->p);
}

static void ref_add3(ref_acc *e, double s, double x, double y)
{
    mpfr_ptr t = e->p[e->n++];
    mpfr_set_d(t, x, MPFR_RNDN);
    mpfr_mul_d(t, t, y, MPFR_RNDN);
    mpfr_mul_d(t, t, s, MPFR_RNDN);
}

static void ref_add_sq_scaled(ref_acc *e, double s, double m, double x)
{
    mpfr_ptr t = e->p[e->n++];
    mpfr_set_d(t, x, MPFR_RNDN);
    mpfr_mul_d(t, t, m, MPFR_RNDN);
    mpfr_sqr(t, t, MPFR_RNDN);
    mpfr_mul_d(t, t, s, MPFR_RNDN);
}

static double ref_sum(ref_acc *e)
{
    mpfr_t s;
    mpfr_init2(s, 53);
    mpfr_sum(s, e->p, (unsigned long)e->n, MPFR_RNDN);
    double r = mpfr_get_d(s, MPFR_RNDN);
    mpfr_clear(s);
    e->n = 0;
    return r;
}

static double ref_homog(int d, const double *w, const double *g, double v, double gv)
{
    ref_acc e;
    ref_acc_init(&e, d + 1L);
    for (int l = 0; l < d; l++)
        ref_add3(&e, 1.0, w[l], g[l]);
    ref_add3(&e, -1.0, v, gv);
    double r = ref_sum(&e);
    ref_acc_free(&e, d + 1L);
    return r;
}

static double ref_imbal(int d, double mu, const double *w, const double *g, double v,
                        double gv, const double *w1, double v1)
{
    ref_acc e;
    ref_acc_init(&e, 3L * d + 3);
    for (int l = 0; l < d; l++) {
        ref_add3(&e, 1.0, w1[l], w1[l]);
        ref_add3(&e, -1.0, w[l], w[l]);
        ref_add_sq_scaled(&e, -1.0, mu, g[l]);
    }
    ref_add3(&e, -1.0, v1, v1);
    ref_add3(&e, 1.0, v, v);
    ref_add_sq_scaled(&e, 1.0, mu, gv);
    double r = ref_sum(&e);
    ref_acc_free(&e, 3L * d + 3);
    return r;
}

static double ref_db(int d, const double *w, double v, const double *w1, double v1)
{
    ref_acc e;
    ref_acc_init(&e, 2L * d + 2);
    for (int l = 0; l < d; l++) {
        ref_add3(&e, 1.0, w1[l], w1[l]);
        ref_add3(&e, -1.0, w[l], w[l]);
    }
    ref_add3(&e, -1.0, v1, v1);
    ref_add3(&e, 1.0, v, v);
    double r = ref_sum(&e);
    ref_acc_free(&e, 2L * d + 2);
    return r;
}

#endif
