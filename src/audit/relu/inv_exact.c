/* inv_exact.c -- exact residuals of the HOMOG and IMBAL identities (see invariants_private.h). */
#include "audit/relu/invariants_private.h"
#include "io/binio.h"
#include "io/json.h"
#include "kernels/geometry.h"
#include <float.h>
#include <limits.h>
#include <math.h>
#include "shadow/xacc.h"
#include <mpfr.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------ exact residuals */

/* One correctly rounded sum of exact terms.  Every term is a product of
   doubles (x y, or (m x)^2), so it is an integer times a power of two inside
   the exact accumulator's range (shadow/xacc.h): the accumulator holds the
   sum exactly and sg_xacc_get rounds it once, to 53 bits, as mpfr_sum did in
   the first version (4*53-bit MPFR products, issue 14 item 4: three MPFR
   calls per term were a quarter of a run without the shadow).  The double
   result is the same: one correct rounding of the same exact value to a
   53-bit MPFR number, then mpfr_get_d.  Non-finite inputs give NaN (the
   MPFR version gave NaN or an infinity; every caller only asks isfinite). */
struct exact_acc {
    sg_xacc *x;
    mpz_t z;
    mpfr_t out;
    long cap;        /* entries of xn, limb: the longest dot product taken */
    sg_xnum *xn;     /* a dot product's first factors, decomposed           */
    uint64_t *limb;  /* their limbs (one each: doubles)                     */
};

exact_acc *inv_acc_new(long cap)
{
    exact_acc *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->cap = cap > 0 ? cap : 1;
    e->x = malloc(sizeof *e->x);
    e->xn = malloc((size_t)e->cap * sizeof *e->xn);
    e->limb = malloc((size_t)e->cap * sizeof *e->limb);
    if (!e->x || !e->xn || !e->limb) {
        free(e->x);
        free(e->xn);
        free(e->limb);
        free(e);
        return NULL;
    }
    sg_xacc_init(e->x);
    mpz_init(e->z);
    mpfr_init2(e->out, 53);
    return e;
}

void inv_acc_delete(exact_acc *e)
{
    if (!e)
        return;
    mpz_clear(e->z);
    mpfr_clear(e->out);
    free(e->x);
    free(e->xn);
    free(e->limb);
    free(e);
}

/* a non-finite input makes the sum NaN, as MPFR's Inf * 0 or Inf - Inf did
   (sg_xacc_add_dd alone would drop Inf * 0 as a zero term) */
static void acc_nonfinite(exact_acc *e)
{
    e->x->overflow = 1;
}

/* += s x y, s = +1 or -1 (negating x is exact) */
static void acc_add2(exact_acc *e, int s, double x, double y)
{
    if (!isfinite(x) || !isfinite(y))
        acc_nonfinite(e);
    else
        sg_xacc_add_dd(e->x, s < 0 ? -x : x, y);
}

/* += s sum_l x_l y_l, l = 0..m-1: one sg_xacc_dot_xd, whose terms of a
   one-limb x take the accumulator's 256-bit window (xacc.h) instead of
   ten lane updates each.  The decomposition of a double needs it finite,
   and a zero x drops its term whatever y is, so non-finite inputs are
   caught first (the sum is then NaN, as with acc_add2); m > cap (not a
   caller of this file) takes acc_add2 term by term. */
static void acc_dot(exact_acc *e, int s, const double *x, const double *y, int m)
{
    if (m > e->cap) {
        for (int l = 0; l < m; l++)
            acc_add2(e, s, x[l], y[l]);
        return;
    }
    int finite = 1;
    for (int l = 0; l < m; l++) {
        finite &= isfinite(x[l]) && isfinite(y[l]);
        e->xn[l].limb = e->limb + l;
        sg_xnum_from_double(&e->xn[l], s < 0 ? -x[l] : x[l]);
    }
    if (!finite)
        acc_nonfinite(e);
    else
        sg_xacc_dot_xd(e->x, m, e->xn, y);
}

/* split a finite double: |x| = m 2^ex, m < 2^53 an integer; returns the sign */
static int split(double x, uint64_t *m, long *ex)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    int bexp = (int)((b >> 52) & 0x7ff);
    uint64_t f = b & ((UINT64_C(1) << 52) - 1);
    *m = bexp ? f | (UINT64_C(1) << 52) : f;
    *ex = bexp ? (long)bexp - 1075 : -1074;
    return (b >> 63) ? -1 : 1;
}

/* += s (m x)^2 exactly: the term is (s m^2 x) * x with s m^2 x an integer
   of at most 159 bits (three limbs) times a power of two, so it is one
   sg_xacc_add_xd of that number against the double x */
static void acc_add_sq_scaled(exact_acc *e, int s, double m, double x)
{
    if (!isfinite(m) || !isfinite(x)) {
        acc_nonfinite(e);
        return;
    }
    if (m == 0.0 || x == 0.0)
        return;
    uint64_t mm, mx, limb[3];
    long em, ex;
    (void)split(m, &mm, &em);
    int sx = split(x, &mx, &ex);
    typedef unsigned __int128 u128;
    u128 P = (u128)mm * mm; /* < 2^106 */
    u128 lo = (u128)(uint64_t)P * mx, hi = (u128)(uint64_t)(P >> 64) * mx;
    u128 mid = (lo >> 64) + (uint64_t)hi;
    limb[0] = (uint64_t)lo;
    limb[1] = (uint64_t)mid;
    limb[2] = (uint64_t)(hi >> 64) + (uint64_t)(mid >> 64);
    sg_xnum y = {s * sx, 3, 2 * em + ex, limb};
    sg_xacc_add_xd(e->x, &y, x);
}

/* the sum so far, rounded once to double; the accumulator keeps its value
   (sg_xacc_get only moves the window into the lanes) */
static double acc_peek(exact_acc *e)
{
    sg_xacc_get(e->x, e->out, MPFR_RNDN, e->z);
    return mpfr_get_d(e->out, MPFR_RNDN);
}

static double acc_sum(exact_acc *e)
{
    double r = acc_peek(e);
    sg_xacc_clear(e->x);
    return r;
}

double inv_homog_acc(exact_acc *e, int d, const double *w, const double *g, double v,
                        double gv)
{
    acc_dot(e, 1, w, g, d);
    acc_add2(e, -1, v, gv);
    return acc_sum(e);
}

/* b+ - b: the terms of db, which IMBAL's residual extends */
static void acc_db_terms(exact_acc *e, int d, const double *w, double v, const double *w1,
                         double v1)
{
    acc_dot(e, 1, w1, w1, d);
    acc_dot(e, -1, w, w, d);
    acc_add2(e, -1, v1, v1);
    acc_add2(e, 1, v, v);
}

double inv_imbal_db_acc(exact_acc *e, int d, double mu, const double *w, const double *g,
                        double v, double gv, const double *w1, double v1, double *db)
{
    acc_db_terms(e, d, w, v, w1, v1);
    if (db)
        *db = acc_peek(e); /* the same exact sum as sg_exact_db's, rounded once */
    for (int l = 0; l < d; l++)
        acc_add_sq_scaled(e, -1, mu, g[l]);
    acc_add_sq_scaled(e, 1, mu, gv);
    return acc_sum(e);
}

double inv_imbal_acc(exact_acc *e, int d, double mu, const double *w, const double *g,
                        double v, double gv, const double *w1, double v1)
{
    return inv_imbal_db_acc(e, d, mu, w, g, v, gv, w1, v1, NULL);
}

double inv_db_acc(exact_acc *e, int d, const double *w, double v, const double *w1,
                     double v1)
{
    acc_db_terms(e, d, w, v, w1, v1);
    return acc_sum(e);
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
