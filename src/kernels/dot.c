/* dot.c -- recursive (left-to-right) dot product.
 * The operations are fl.h's macros: plain * and + in the program, the
 * standard model's calls in the rounding proof run.  The annotations of
 * that run (#ifdef SG_FL_ROUNDING) follow the proof of Higham's (3.4)-(3.5):
 * per step, the error grows by the rounding of the product (u|xy| + eta/2)
 * and of the sum (u|s + p|), and (1 + u) gamma_l + u <= gamma_{l+1}. */
#include "kernels/dot.h"

#ifdef SG_FL_ROUNDING
/*@ ghost void sg_fl_mono(double a, double b, double c) { } */
/*@ ghost void sg_fl_divle(double a, double b) { } */
#endif

/* res <- x[0]*y[0] + x[1]*y[1] + ... + x[m-1]*y[m-1], left to right */
double sg_dot(int m, const double *x, const double *y)
{
    double s = 0.0;
#ifdef SG_FL_ROUNDING
    //@ ghost double ga = 0.0;
    /*@ loop invariant range: 0 <= l <= m;
        loop invariant value: s == FlDot(x, y, l);
        loop invariant ga_is: ga == AbsDot(x, y, l);
        loop invariant absnn: 0.0 <= AbsDot(x, y, l);
        loop invariant absmax: AbsDot(x, y, l) <= l * 0x1p1000;
        loop invariant absdot: \abs(Dot(x, y, l)) <= AbsDot(x, y, l);
        loop invariant first: l == 0 ==> s == 0.0;
        loop invariant err: \abs(s - Dot(x, y, l)) <= Gamma(l) * AbsDot(x, y, l) + l * Eta;
        loop assigns l, s, ga;
        loop variant m - l;
    */
#else
    /*@ loop invariant range: 0 <= l <= m;
        loop invariant partial: s == Dot(x, y, l);
        loop assigns l, s;
        loop variant m - l;
    */
#endif
    for (int l = 0; l < m; l++) {
        double p = SG_MUL(x[l], y[l]);
#ifdef SG_FL_ROUNDING
        //@ ghost double g0 = (double)l * 0x1p-53 / (1.0 - (double)l * 0x1p-53);
        //@ ghost double g1 = (double)(l + 1) * 0x1p-53 / (1.0 - (double)(l + 1) * 0x1p-53);
        //@ ghost sg_fl_divle((double)l * 0x1p-53, 1.0 - (double)l * 0x1p-53);
        //@ assert g0_is: g0 == Gamma(l);
        //@ assert g0_le: g0 <= 1.0;
        //@ ghost sg_fl_mono(g0, 1.0, ga);
        //@ assert mag_s: \abs(s) <= 2.0 * AbsDot(x, y, l) + l * Eta;
        //@ assert mag_p: \abs(p) <= (1.0 + Unit_roundoff) * 0x1p1000 + Eta / 2.0;
        //@ ghost double s0 = s;
#endif
        s = SG_ADD(s, p);
#ifdef SG_FL_ROUNDING
        /*@ assert unfold_fl: FlDot(x, y, l + 1) == FlAdd(FlDot(x, y, l), FlMul(x[l], y[l])); */
        /*@ assert unfold_dot: Dot(x, y, l + 1) == Dot(x, y, l) + x[l] * y[l]; */
        /*@ assert unfold_abs: AbsDot(x, y, l + 1) == AbsDot(x, y, l) + \abs(x[l] * y[l]); */
        /*@ assert e_p: \abs(p - x[l] * y[l]) <= Unit_roundoff * \abs(x[l] * y[l]) + Eta / 2.0; */
        /*@ assert e_s: \abs(s - (s0 + p)) <= Unit_roundoff * \abs(s0 + p); */
        /*@ assert tri: \let xy = x[l] * y[l]; \let E = \abs(s0 - Dot(x, y, l));
              \abs(s - Dot(x, y, l + 1)) <= \abs(s - (s0 + p)) + E + \abs(p - xy); */
        /*@ assert mag: \let xy = x[l] * y[l]; \let E = \abs(s0 - Dot(x, y, l));
              \abs(s0 + p) <= AbsDot(x, y, l) + E + (1.0 + Unit_roundoff) * \abs(xy) + Eta / 2.0; */
        /*@ assert step: \let xy = x[l] * y[l]; \let E = \abs(s0 - Dot(x, y, l));
              \abs(s - Dot(x, y, l + 1)) <=
              (1.0 + Unit_roundoff) * E + Unit_roundoff * AbsDot(x, y, l) +
              (2.0 * Unit_roundoff + Unit_roundoff * Unit_roundoff) * \abs(xy) +
              (1.0 + Unit_roundoff) * Eta / 2.0; */
        /*@ assert g_step: (1.0 + Unit_roundoff) * Gamma(l) + Unit_roundoff <= Gamma(l + 1); */
        //@ ghost sg_fl_mono((1.0 + 0x1p-53) * g0 + 0x1p-53, g1, ga);
        /*@ assert lin_A: ((1.0 + Unit_roundoff) * Gamma(l) + Unit_roundoff) * AbsDot(x, y, l) <=
              Gamma(l + 1) * AbsDot(x, y, l); */
        /*@ assert case_first: l == 0 ==>
              \abs(s - Dot(x, y, l + 1)) <= Gamma(l + 1) * AbsDot(x, y, l + 1) + (l + 1) * Eta; */
        /*@ assert g_two: l >= 1 ==> 2.0 * Unit_roundoff + Unit_roundoff * Unit_roundoff <= Gamma(l + 1); */
        //@ ghost double gxy = x[l] * y[l];
        //@ ghost double gc = gxy >= 0.0 ? gxy : -gxy;
        //@ assert g1_is: g1 == Gamma(l + 1) && gc == \abs(x[l] * y[l]);
        //@ ghost if (l >= 1) sg_fl_mono(2.0 * 0x1p-53 + 0x1p-53 * 0x1p-53, g1, gc);
        /*@ assert g_two_xy: l >= 1 ==>
              (2.0 * Unit_roundoff + Unit_roundoff * Unit_roundoff) * \abs(x[l] * y[l]) <=
              Gamma(l + 1) * \abs(x[l] * y[l]); */
        /*@ assert case_next: l >= 1 ==>
              \abs(s - Dot(x, y, l + 1)) <= Gamma(l + 1) * AbsDot(x, y, l + 1) + (l + 1) * Eta; */
        //@ ghost ga = ga + gc;
#endif
    }
    return s;
}
