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
/*@ ghost void sg_fl_divshrink(double a, double b) { } */
/*@ ghost void sg_fl_divmono(double a, double c, double b) { } */
/*@ ghost
  void sg_fl_divdist(double a, double c, double b)
  {
      /@ assert m1: a == (a / b) * b && c == (c / b) * b; @/
      /@ assert m2: (a / b - c / b) * b == a - c; @/
      /@ assert m3: (a - c >= 0.0 ==> a / b - c / b >= 0.0) && (a - c <= 0.0 ==> a / b - c / b <= 0.0); @/
      /@ assert m4: \abs(a - c) == \abs(a / b - c / b) * b; @/
  }
*/
/*@ ghost void sg_fl_prodmag(double a, double b) { } */
/*@ ghost
  void sg_fl_gamma_step(int l)
  {
      /@ assert u_pos: 0.0 <= l * Unit_roundoff && (l + 1) * Unit_roundoff <= 0.5; @/
      /@ assert den: 0.5 <= 1.0 - (l + 1) * Unit_roundoff && 1.0 - (l + 1) * Unit_roundoff <= 1.0 - l * Unit_roundoff; @/
      /@ assert nonneg: 0.0 <= Gamma(l); @/
      /@ assert le1: Gamma(l + 1) <= 1.0; @/
      /@ assert step: (1.0 + Unit_roundoff) * Gamma(l) + Unit_roundoff <= Gamma(l + 1); @/
      /@ assert two: l >= 1 ==> 2.0 * Unit_roundoff + Unit_roundoff * Unit_roundoff <= Gamma(l + 1); @/
  }
*/
/*@ ghost
  void sg_fl_dot_step(int l, double s0, double p, double s, double xy, double gd, double ga)
  {
      double g0 = (double)l * 0x1p-53 / (1.0 - (double)l * 0x1p-53);
      double g1 = (double)(l + 1) * 0x1p-53 / (1.0 - (double)(l + 1) * 0x1p-53);
      sg_fl_divle((double)l * 0x1p-53, 1.0 - (double)l * 0x1p-53);
      sg_fl_divle((double)(l + 1) * 0x1p-53, 1.0 - (double)(l + 1) * 0x1p-53);
      /@ assert g0_is: g0 == Gamma(l) && 0.0 <= g0 && g0 <= 1.0; @/
      /@ assert g1_is: g1 == Gamma(l + 1) && 0.0 <= g1 && g1 <= 1.0; @/
      double c = xy >= 0.0 ? xy : -xy;
      /@ assert c_is: c == \abs(xy); @/
      /@ assert tri: \abs(s - (gd + xy)) <= \abs(s - (s0 + p)) + \abs(s0 - gd) + \abs(p - xy); @/
      /@ assert mag: \abs(s0 + p) <= ga + \abs(s0 - gd) + (1.0 + Unit_roundoff) * c + Eta / 2.0; @/
      /@ assert step: \abs(s - (gd + xy)) <=
            (1.0 + Unit_roundoff) * \abs(s0 - gd) + Unit_roundoff * ga +
            (2.0 * Unit_roundoff + Unit_roundoff * Unit_roundoff) * c +
            (1.0 + Unit_roundoff) * Eta / 2.0; @/
      sg_fl_gamma_step(l);
      sg_fl_mono((1.0 + 0x1p-53) * g0 + 0x1p-53, g1, ga);
      sg_fl_mono(g0, 1.0, ga);
      /@ assert lin_A: ((1.0 + Unit_roundoff) * Gamma(l) + Unit_roundoff) * ga <= Gamma(l + 1) * ga; @/
      /@ assert case_first: l == 0 ==>
            \abs(s - (gd + xy)) <= Gamma(l + 1) * (ga + c) + (l + 1) * Eta; @/
      if (l >= 1) sg_fl_mono(2.0 * 0x1p-53 + 0x1p-53 * 0x1p-53, g1, c);
      /@ assert g_two_xy: l >= 1 ==>
            (2.0 * Unit_roundoff + Unit_roundoff * Unit_roundoff) * c <= Gamma(l + 1) * c; @/
      /@ assert case_next: l >= 1 ==>
            \abs(s - (gd + xy)) <= Gamma(l + 1) * (ga + c) + (l + 1) * Eta; @/
      sg_fl_mono(g1, 1.0, ga + c);
      /@ assert g1_abs: Gamma(l + 1) * (ga + c) <= ga + c; @/
  }
*/
#endif

/* res <- x[0]*y[0] + x[1]*y[1] + ... + x[m-1]*y[m-1], left to right */
double sg_dot(int m, const double *x, const double *y)
{
    double s = 0.0;
#ifdef SG_FL_ROUNDING
    //@ ghost double gd = 0.0;
    //@ ghost double ga = 0.0;
    /*@ loop invariant range: 0 <= l <= m;
        loop invariant value: s == FlDot(x, y, l);
        loop invariant sums: gd == Dot(x, y, l) && ga == AbsDot(x, y, l);
        loop invariant absdot: \abs(gd) <= ga && ga <= l * 0x1p1000;
        loop invariant first: l == 0 ==> s == 0.0 && gd == 0.0 && ga == 0.0;
        loop invariant err: \abs(s - gd) <= Gamma(l) * ga + l * Eta;
        loop invariant mag: \abs(s) <= 2.0 * ga + l * Eta;
        loop assigns l, s, gd, ga;
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
        //@ ghost double s0 = s;
        //@ ghost double xy = x[l] * y[l];
        //@ assert e_p: \abs(p - xy) <= Unit_roundoff * \abs(xy) + Eta / 2.0 && \abs(xy) <= 0x1p1000;
#endif
        s = SG_ADD(s, p);
#ifdef SG_FL_ROUNDING
        //@ ghost sg_fl_dot_step(l, s0, p, s, xy, gd, ga);
        /*@ assert unfold: FlDot(x, y, l + 1) == FlAdd(FlDot(x, y, l), FlMul(x[l], y[l])) &&
              Dot(x, y, l + 1) == Dot(x, y, l) + x[l] * y[l] &&
              AbsDot(x, y, l + 1) == AbsDot(x, y, l) + \abs(x[l] * y[l]); */
        //@ ghost gd = gd + xy;
        //@ ghost ga = ga + (xy >= 0.0 ? xy : -xy);
#endif
    }
    return s;
}
