/* inv_rate.c -- the running least-squares fits behind RATE (see
 * invariants_private.h): O(1) memory per fit instead of the whole dist^2
 * series, and their checkpoint encoding. */
#include "audit/relu/invariants_private.h"
#include <math.h>

void inv_fit_init(inv_fit *f, long start)
{
    *f = (inv_fit){.start = start, .first = -1, .last = -1};
}

void inv_fit_feed(inv_fit *f, long t, double val, double floor2)
{
    if (f->start < 0 || f->closed || t < f->start)
        return;
    if (!(val > floor2) || !isfinite(val)) {
        f->closed = 1;
        return;
    }
    double x = (double)t, y = log(val);
    /* the former fit's sums, in its order */
    f->st += x;
    f->sy += y;
    f->stt += x * x;
    f->sty += x * y;
    /* Welford: centred co-moments for R^2 */
    f->n++;
    double dx = x - f->mx, dy = y - f->my;
    f->mx += dx / (double)f->n;
    f->my += dy / (double)f->n;
    f->cxx += dx * (x - f->mx);
    f->cyy += dy * (y - f->my);
    f->cxy += dx * (y - f->my);
    if (f->first < 0)
        f->first = t;
    f->last = t;
}

void inv_fit_result(const inv_fit *f, double *slope, double *r2)
{
    double nn = (double)f->n, den = nn * f->stt - f->st * f->st;
    *slope = (nn * f->sty - f->st * f->sy) / den;
    /* 1 - ssr/sst = cxy^2/(cxx cyy) for the least-squares line */
    *r2 = f->cyy > 0.0 ? (f->cxy * f->cxy) / (f->cxx * f->cyy) : 1.0;
}

void inv_fit_save(sg_bw *w, const inv_fit *f)
{
    sg_bw_i64(w, f->start);
    sg_bw_i64(w, f->first);
    sg_bw_i64(w, f->last);
    sg_bw_i64(w, f->n);
    sg_bw_u32(w, (uint32_t)f->closed);
    const double x[9] = {f->st, f->sy, f->stt, f->sty, f->mx, f->my, f->cxx, f->cyy, f->cxy};
    for (int q = 0; q < 9; q++)
        sg_bw_f64(w, x[q]);
}

int inv_fit_load(sg_br *r, inv_fit *f, long S)
{
    inv_fit t;
    t.start = (long)sg_br_i64(r);
    t.first = (long)sg_br_i64(r);
    t.last = (long)sg_br_i64(r);
    t.n = (long)sg_br_i64(r);
    uint32_t closed = sg_br_u32(r);
    double x[9];
    for (int q = 0; q < 9; q++)
        x[q] = sg_br_f64(r);
    /* a window of n consecutive steps inside [start, S] */
    if (r->bad || closed > 1 || t.start < -1 || t.start > S || t.n < 0 || t.n > S + 1 ||
        (t.n == 0) != (t.first < 0) || (t.n == 0) != (t.last < 0) ||
        (t.n > 0 && (t.start < 0 || t.first < t.start || t.last > S ||
                     t.last - t.first + 1 != t.n)))
        return -1;
    t.closed = (int)closed;
    t.st = x[0]; t.sy = x[1]; t.stt = x[2]; t.sty = x[3];
    t.mx = x[4]; t.my = x[5]; t.cxx = x[6]; t.cyy = x[7]; t.cxy = x[8];
    *f = t;
    return 0;
}
