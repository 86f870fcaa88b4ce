/* bounds_pop.c -- round-off bounds of one population step, both models at
 * once (bounds.h; derivation in specs/roundoff.md P0-P6).  The kernel's
 * values are recomputed in round-to-nearest (RN_BEGIN..RN_END, each value
 * pinned inside its region), the bounds upwards. */
#include "shadow/relu/bounds_private.h"
#include <fenv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- population: running error analysis, two models at once ----
 * An ev is a value v computed in binary64 round-to-nearest exactly as the
 * kernel computes it, a bound e on |v - exact| (binary64 chain) and a bound
 * m on |v_mp - exact| where v_mp is the shadow's value (MPFR chain).  The
 * rules are roundoff.md P1; they run under FE_UPWARD, the values under
 * FE_TONEAREST. */
typedef struct { double v, e, m; } ev;

typedef struct {
    double u, eta, A, r1;     /* binary64: unit roundoff, underflow, libm ulps */
    double up, Ap;            /* MPFR                                         */
} pmodel;

/* a round-to-nearest region computing r from the operands x, y: the
   operands are pinned after the switch and the result before the switch
   back, so no operation can be scheduled outside its region */
#define RN_BEGIN2(x, y) do { fesetround(FE_TONEAREST); SG_FP_PIN(x); SG_FP_PIN(y); } while (0)
#define RN_END1(r) do { SG_FP_PIN(r); fesetround(FE_UPWARD); } while (0)

static ev ev_exact(double x)
{
    ev r = {x, 0.0, 0.0};
    return r;
}

/* magnitude bound of the shadow's value: |v_mp| <= |v| + e + m */
static double mag(ev a)
{
    return fabs(a.v) + a.e + a.m;
}

/* |x| - y rounded downwards (under FE_UPWARD): -(y - |x|) */
static double sub_down(double x, double y)
{
    double t = y - fabs(x);
    return -t;
}

static ev ev_mul(const pmodel *M, ev a, ev b)
{
    ev r;
    double x = a.v, y = b.v;
    RN_BEGIN2(x, y);
    r.v = x * y;
    RN_END1(r.v);
    r.e = fabs(a.v) * b.e + (fabs(b.v) + b.e) * a.e + M->r1 * fabs(r.v) + M->eta;
    double A = mag(a), B = mag(b);
    r.m = A * b.m + (fabs(b.v) + b.e) * a.m + M->up * (A * B);
    return r;
}

static ev ev_add(const pmodel *M, ev a, ev b, int sub)
{
    ev r;
    double x = a.v, y = b.v;
    RN_BEGIN2(x, y);
    r.v = sub ? x - y : x + y;
    RN_END1(r.v);
    r.e = a.e + b.e + M->r1 * fabs(r.v);
    r.m = a.m + b.m + M->up * (mag(a) + mag(b));
    return r;
}

static ev ev_div(const pmodel *M, ev a, ev b)
{
    ev r;
    double x = a.v, y = b.v;
    RN_BEGIN2(x, y);
    r.v = x / y;
    RN_END1(r.v);
    double blo = sub_down(b.v, b.e);         /* |b| >= blo           */
    double blo_m = sub_down(b.v, b.e + b.m); /* |b_mp| >= blo_m      */
    if (!(blo > 0.0) || !(blo_m > 0.0)) {
        r.e = r.m = INFINITY;
        return r;
    }
    double q = (fabs(r.v) + M->eta) / one_minus_down(M->u); /* >= |a^/b^| */
    r.e = (a.e + q * b.e) / blo + M->r1 * fabs(r.v) + M->eta;
    double qm = mag(a) / blo_m;                              /* >= |a_mp/b_mp| */
    r.m = (a.m + qm * (b.e + b.m)) / blo + M->up * qm;
    return r;
}

/* sqrt(x) rounded downwards, x >= 0 (under FE_UPWARD) */
static double sqrt_down(double x)
{
    double s = sqrt(x);
    return s > 0.0 ? nextafter(s, 0.0) : 0.0;
}

/* |sqrt(x^) - sqrt(x)| for an exact x >= 0 with |x^ - x| <= e */
static double sqrt_err(double xv, double e)
{
    double b = sqrt(e);
    double lo = sqrt_down(xv);
    if (lo > 0.0) {
        double c = e / lo;
        if (c < b)
            b = c;
    }
    return b;
}

static ev ev_sqrt(const pmodel *M, ev a)
{
    ev r;
    double x = a.v, y = 0.0;
    RN_BEGIN2(x, y);
    r.v = sqrt(x);
    RN_END1(r.v);
    r.e = sqrt_err(a.v, a.e) + M->r1 * fabs(r.v);
    /* the shadow's input a_mp is within a.m of the exact a: same argument */
    double lo = sub_down(a.v, a.e);
    double em = sqrt(a.m);
    if (lo > 0.0) {
        double c = a.m / sqrt_down(lo);
        if (c < em)
            em = c;
    }
    r.m = em + M->up * sqrt(mag(a));
    return r;
}

/* error of a libm result y, at most A ulps of the exact value (P0) */
static double libm_err(double A, double u, double eta, double y)
{
    double two_Au = 2.0 * A * u;
    double yex = (fabs(y) + A * eta) / one_minus_down(two_Au);
    return A * (2.0 * u * yex + eta);
}

/* sin or cos: 1-Lipschitz */
static ev ev_trig(const pmodel *M, ev a, int is_cos)
{
    ev r;
    double x = a.v, y = 0.0;
    RN_BEGIN2(x, y);
    r.v = is_cos ? cos(x) : sin(x);
    RN_END1(r.v);
    r.e = a.e + libm_err(M->A, M->u, M->eta, r.v);
    r.m = a.m + M->up * (fabs(r.v) + r.e + a.m);
    return r;
}

#define PI_UP 3.1415926535897936      /* > pi */
#define HALF_PI_UP 1.5707963267948968 /* > pi/2 */

/* atan2(y, x) with y, x >= 0: the angle between two points of the closed
   first quadrant at distance rho is <= asin(rho/|P|) <= (pi/2) rho/|P| */
static double angle_move(double rho, double R)
{
    if (!(rho < R))
        return HALF_PI_UP;
    double t = HALF_PI_UP * rho / R;
    return t < HALF_PI_UP ? t : HALF_PI_UP;
}

static ev ev_atan2(const pmodel *M, ev y, ev x)
{
    ev r;
    double yv = y.v, xv = x.v;
    RN_BEGIN2(yv, xv);
    r.v = atan2(yv, xv);
    RN_END1(r.v);
    double R = fabs(y.v) > fabs(x.v) ? fabs(y.v) : fabs(x.v); /* <= |P^| */
    double rho = y.e + x.e;
    r.e = angle_move(rho, R) + libm_err(M->A, M->u, M->eta, r.v);
    double Rex = sub_down(R, rho);                             /* <= |P| */
    r.m = (Rex > 0.0 ? angle_move(y.m + x.m, Rex) : HALF_PI_UP) + M->up * 2.0;
    return r;
}

/* sg_dot(d, x, y) of exact doubles: gamma_d sum |x y| + d eta (E1) */
static ev ev_dot_exact(const pmodel *M, int d, const double *x, const double *y)
{
    ev r;
    double s = 0.0;
    double zero = 0.0;
    RN_BEGIN2(s, zero);
    for (int l = 0; l < d; l++) {
        double pr = x[l] * y[l];
        s = s + pr;
        SG_FP_PIN(s);
    }
    RN_END1(s);
    r.v = s;
    double t = 0.0;
    for (int l = 0; l < d; l++)
        t = t + fabs(x[l]) * fabs(y[l]);
    r.e = gamma_up(M->u, (double)d) * t + (double)d * M->eta;
    r.m = gamma_up(M->up, (double)d) * t;
    return r;
}

/* kappa(t) = sin t + (pi - t) cos t, as population.c */
static ev ev_kappa(const pmodel *M, ev t, ev pi)
{
    ev s = ev_trig(M, t, 0), c = ev_trig(M, t, 1);
    ev dm = ev_add(M, pi, t, 1);
    return ev_add(M, s, ev_mul(M, dm, c), 0);
}

/* bitwise difference (so -0 differs from +0), but any two NaNs agree: a
   diverging state produces NaNs whose payload and sign are not part of the
   operation order */
static int differs(double a, double b)
{
    if (isnan(a) && isnan(b))
        return 0;
    return memcmp(&a, &b, sizeof a) != 0;
}

long sg_bounds_population(sg_bounds *bd, sg_bounds *bm, const sg_fp_model *f64,
                          const sg_fp_model *fmp, const sg_problem *p, const double *theta,
                          double mu, const double *norm, const double *angle, double loss,
                          const double *grad, const double *theta_new, const double *g_mp,
                          const double *tn_mp)
{
    int d = p->d, k = p->k;
    long kd = (long)k * d;
    const double *W = theta, *v = theta + kd, *a = p->a;
    long mism = 0;
    int old = fegetround();
    fesetround(FE_UPWARD);
    pmodel M = {f64->u, f64->eta, f64->ulp_libm, rel1(f64->u), fmp->u, fmp->ulp_libm};
    ev pi = {M_PI, 2.0 * M.u, 2.0 * M.up};
    ev *nrm = malloc((size_t)(k > 0 ? k : 1) * sizeof(ev));
    ev *ang = malloc((size_t)(k > 0 ? (long)k * k : 1) * sizeof(ev));
    ev *gi = malloc((size_t)(d > 0 ? d : 1) * sizeof(ev));
    if (!nrm || !ang || !gi) {
        free(nrm);
        free(ang);
        free(gi);
        fesetround(old);
        return -1;
    }
    int bad_zero = 0;
    /* P2 norms: sqrt(sg_dot(w, w)) */
    for (int i = 0; i < k; i++) {
        nrm[i] = ev_sqrt(&M, ev_dot_exact(&M, d, W + (long)i * d, W + (long)i * d));
        mism += differs(nrm[i].v, norm[i]);
        if (nrm[i].v == 0.0)
            for (int l = 0; l < d; l++)
                bad_zero |= W[(long)i * d + l] != 0.0; /* underflow: convention breaks */
    }
    /* P3 angles: 2 atan2(sqrt(diff2), sqrt(sum2)), pi/2 at a zero norm */
    for (int i = 0; i < k; i++) {
        ev half_pi = {M_PI / 2.0, M.u, M.up};
        ang[i * k + i] = nrm[i].v == 0.0 ? half_pi : ev_exact(0.0);
        for (int j = i + 1; j < k; j++) {
            ev t;
            if (nrm[i].v == 0.0 || nrm[j].v == 0.0) {
                t = half_pi;
            } else {
                ev diff2 = ev_exact(0.0), sum2 = ev_exact(0.0);
                for (int l = 0; l < d; l++) {
                    ev x = ev_mul(&M, ev_exact(W[(long)i * d + l]), nrm[j]);
                    ev y = ev_mul(&M, ev_exact(W[(long)j * d + l]), nrm[i]);
                    ev dm = ev_add(&M, x, y, 1), dp = ev_add(&M, x, y, 0);
                    diff2 = ev_add(&M, diff2, ev_mul(&M, dm, dm), 0);
                    sum2 = ev_add(&M, sum2, ev_mul(&M, dp, dp), 0);
                }
                t = ev_atan2(&M, ev_sqrt(&M, diff2), ev_sqrt(&M, sum2));
                t.v = 2.0 * t.v;
                t.e = 2.0 * t.e;
                t.m = 2.0 * t.m;
            }
            ang[i * k + j] = ang[j * k + i] = t;
        }
    }
    for (long q = 0; q < (long)k * k; q++)
        mism += differs(ang[q].v, angle[q]);
    /* P4 loss = quad/(4 pi) - 0.5 lin + 0.5 aa */
    ev quad = ev_exact(0.0);
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            ev t = ev_mul(&M, ev_exact(v[i]), ev_exact(v[j]));
            t = ev_mul(&M, t, ev_mul(&M, nrm[i], nrm[j]));
            quad = ev_add(&M, quad, ev_mul(&M, t, ev_kappa(&M, ang[i * k + j], pi)), 0);
        }
    ev lin = ev_exact(0.0);
    for (int i = 0; i < k; i++)
        lin = ev_add(&M, lin, ev_mul(&M, ev_exact(v[i]), ev_dot_exact(&M, d, a, W + (long)i * d)), 0);
    ev aa = ev_dot_exact(&M, d, a, a);
    ev four_pi = {4.0 * M_PI, 4.0 * pi.e, 4.0 * pi.m};
    ev half = ev_exact(0.5);
    ev L = ev_add(&M, ev_div(&M, quad, four_pi), ev_mul(&M, half, lin), 1);
    L = ev_add(&M, L, ev_mul(&M, half, aa), 0);
    mism += differs(L.v, loss);
    /* P5 gradients, as sg_pop_grad */
    ev two_pi = {2.0 * M_PI, 2.0 * pi.e, 2.0 * pi.m};
    ev inv2pi = ev_div(&M, ev_exact(1.0), two_pi);
    for (int i = 0; i < k; i++) {
        ev ni = nrm[i], ci = ev_exact(0.0), gvi = ev_exact(0.0);
        for (int l = 0; l < d; l++)
            gi[l] = ev_exact(0.0);
        for (int j = 0; j < k; j++) {
            ev nj = nrm[j], t = ang[i * k + j];
            ev vjnj = ev_mul(&M, ev_exact(v[j]), nj);
            ci = ev_add(&M, ci, ev_mul(&M, vjnj, ev_trig(&M, t, 0)), 0);
            gvi = ev_add(&M, gvi, ev_mul(&M, ev_mul(&M, vjnj, ni), ev_kappa(&M, t, pi)), 0);
            if (nj.v != 0.0) {
                ev cj = ev_mul(&M, vjnj, ev_div(&M, ev_add(&M, pi, t, 1), nj));
                for (int l = 0; l < d; l++)
                    gi[l] = ev_add(&M, gi[l], ev_mul(&M, cj, ev_exact(W[(long)j * d + l])), 0);
            }
        }
        ev si = ni.v != 0.0 ? ev_div(&M, ci, ni) : ev_exact(0.0);
        ev vi = ev_mul(&M, ev_exact(v[i]), inv2pi);
        ev hv = ev_mul(&M, half, ev_exact(v[i]));
        for (int l = 0; l < d; l++) {
            ev g = ev_add(&M, ev_mul(&M, si, ev_exact(W[(long)i * d + l])), gi[l], 0);
            g = ev_add(&M, ev_mul(&M, vi, g), ev_mul(&M, hv, ev_exact(a[l])), 1);
            long q = (long)i * d + l;
            mism += differs(g.v, grad[q]);
            bd->Eg[q] = g.e;
            bm->Eg[q] = g.m;
        }
        ev gv = ev_mul(&M, gvi, inv2pi);
        gv = ev_add(&M, gv, ev_mul(&M, half, ev_dot_exact(&M, d, a, W + (long)i * d)), 1);
        mism += differs(gv.v, grad[kd + i]);
        bd->Eg[kd + i] = gv.e;
        bm->Eg[kd + i] = gv.m;
    }
    for (int i = 0; i < k; i++) {
        bd->Epop[i] = nrm[i].e;
        bm->Epop[i] = nrm[i].m;
    }
    for (long q = 0; q < (long)k * k; q++) {
        bd->Epop[k + q] = ang[q].e;
        bm->Epop[k + q] = ang[q].m;
    }
    bd->Eloss = L.e;
    bm->Eloss = L.m;
    if (bad_zero) {
        /* a norm underflowed to 0: the kernel's zero-norm convention does not
           match the exact one; no finite bound is claimed (P2) */
        for (long q = 0; q < bd->len; q++)
            bd->Eg[q] = INFINITY;
        bd->Eloss = INFINITY;
        for (long q = 0; q < 2L * k + (long)k * k; q++)
            bd->Epop[q] = INFINITY;
    }
    /* P6 the update, both models */
    sg_bounds_update(bd, f64, mu, grad, theta_new);
    sg_bounds_update(bm, fmp, mu, g_mp, tn_mp);
    free(nrm);
    free(ang);
    free(gi);
    fesetround(old);
    return mism;
}
