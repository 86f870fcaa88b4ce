/* inv_exact.c -- exact residuals of the HOMOG and IMBAL identities (see invariants_private.h). */
#include "audit/relu/invariants_private.h"
#include "io/binio.h"
#include "io/json.h"
#include "kernels/geometry.h"
#include <float.h>
#include <limits.h>
#include <math.h>
#include <mpfr.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------ exact residuals */

/* One correctly rounded sum of exact terms: every term is a product of at
   most four doubles, held exactly at 4*53 bits; mpfr_sum rounds the sum once. */
struct exact_acc {
    mpfr_t *t;
    mpfr_ptr *p;
    long n, cap;
};

exact_acc *inv_acc_new(long cap)
{
    exact_acc *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->t = calloc((size_t)cap, sizeof(mpfr_t));
    e->p = calloc((size_t)cap, sizeof(mpfr_ptr));
    e->n = 0;
    e->cap = cap;
    if (!e->t || !e->p) {
        free(e->t);
        free(e->p);
        free(e);
        return NULL;
    }
    for (long q = 0; q < cap; q++) {
        mpfr_init2(e->t[q], 4 * 53 + 8);
        e->p[q] = e->t[q];
    }
    return e;
}

void inv_acc_delete(exact_acc *e)
{
    if (!e)
        return;
    for (long q = 0; q < e->cap; q++)
        mpfr_clear(e->t[q]);
    free(e->t);
    free(e->p);
    free(e);
}

/* += s * x * y (exact: at most 3 doubles) */
void inv_acc_add3(exact_acc *e, double s, double x, double y)
{
    mpfr_ptr t = e->p[e->n++];
    mpfr_set_d(t, x, MPFR_RNDN);
    mpfr_mul_d(t, t, y, MPFR_RNDN);
    mpfr_mul_d(t, t, s, MPFR_RNDN);
}

/* += s * (m x)^2 (exact at 212 bits) */
void inv_acc_add_sq_scaled(exact_acc *e, double s, double m, double x)
{
    mpfr_ptr t = e->p[e->n++];
    mpfr_set_d(t, x, MPFR_RNDN);
    mpfr_mul_d(t, t, m, MPFR_RNDN);
    mpfr_sqr(t, t, MPFR_RNDN);
    mpfr_mul_d(t, t, s, MPFR_RNDN);
}

double inv_acc_sum(exact_acc *e)
{
    mpfr_t s;
    mpfr_init2(s, 53);
    mpfr_sum(s, e->p, (unsigned long)e->n, MPFR_RNDN);
    double r = mpfr_get_d(s, MPFR_RNDN);
    mpfr_clear(s);
    e->n = 0;
    return r;
}

double inv_homog_acc(exact_acc *e, int d, const double *w, const double *g, double v,
                        double gv)
{
    for (int l = 0; l < d; l++)
        inv_acc_add3(e, 1.0, w[l], g[l]);
    inv_acc_add3(e, -1.0, v, gv);
    return inv_acc_sum(e);
}

double inv_imbal_acc(exact_acc *e, int d, double mu, const double *w, const double *g,
                        double v, double gv, const double *w1, double v1)
{
    for (int l = 0; l < d; l++) {
        inv_acc_add3(e, 1.0, w1[l], w1[l]);
        inv_acc_add3(e, -1.0, w[l], w[l]);
        inv_acc_add_sq_scaled(e, -1.0, mu, g[l]);
    }
    inv_acc_add3(e, -1.0, v1, v1);
    inv_acc_add3(e, 1.0, v, v);
    inv_acc_add_sq_scaled(e, 1.0, mu, gv);
    return inv_acc_sum(e);
}

double inv_db_acc(exact_acc *e, int d, const double *w, double v, const double *w1,
                     double v1)
{
    for (int l = 0; l < d; l++) {
        inv_acc_add3(e, 1.0, w1[l], w1[l]);
        inv_acc_add3(e, -1.0, w[l], w[l]);
    }
    inv_acc_add3(e, -1.0, v1, v1);
    inv_acc_add3(e, 1.0, v, v);
    return inv_acc_sum(e);
}

double sg_exact_homog(int d, const double *w, const double *g, double v, double gv)
{
    exact_acc *e = inv_acc_new(d + 1L);
    double r = e ? inv_homog_acc(e, d, w, g, v, gv) : NAN;
    inv_acc_delete(e);
    return r;
}

double sg_exact_imbal(int d, double mu, const double *w, const double *g, double v,
                      double gv, const double *w1, double v1)
{
    exact_acc *e = inv_acc_new(3L * d + 3);
    double r = e ? inv_imbal_acc(e, d, mu, w, g, v, gv, w1, v1) : NAN;
    inv_acc_delete(e);
    return r;
}

double sg_exact_db(int d, const double *w, double v, const double *w1, double v1)
{
    exact_acc *e = inv_acc_new(2L * d + 2);
    double r = e ? inv_db_acc(e, d, w, v, w1, v1) : NAN;
    inv_acc_delete(e);
    return r;
}

/* The update w+ = fl(w - fl(mu g)) has w+ = (w - mu g) + e with
   |e_l| <= u|mu g_l|(1+u) + u|w+_l|/(1-u) (two roundings).  With
   x = w - mu g = w+ - e:  |w+|^2 - |x|^2 = 2 w+.e - |e|^2, so the imbalance
   moves by at most 2|w+||e| + |e|^2 (and likewise for v) beyond the exact
   step.  The bound is evaluated in double and inflated by (1 + 1e-6), far
   more than its own O(d u) relative evaluation error. */
double sg_update_imbal_bound(int d, double mu, const double *g, double gv,
                             const double *w1, double v1)
{
    return sg_update_imbal_bound_u(d, mu, g, gv, w1, v1, U_DBL);
}

double sg_update_imbal_bound_u(int d, double mu, const double *g, double gv,
                               const double *w1, double v1, double u)
{
    double ng = 0.0, nw = 0.0;
    for (int l = 0; l < d; l++) {
        ng += g[l] * g[l];
        nw += w1[l] * w1[l];
    }
    ng = sqrt(ng);
    nw = sqrt(nw);
    double ew = u * (1.0 + u) * fabs(mu) * ng + u / (1.0 - u) * nw;
    double ev = u * (1.0 + u) * fabs(mu * gv) + u / (1.0 - u) * fabs(v1);
    double b = 2.0 * nw * ew + ew * ew + 2.0 * fabs(v1) * ev + ev * ev;
    return b * (1.0 + 1e-6) + 1e-300;
}
