/* fl.h -- the binary64 operations of the proved kernels, as macros.
 *
 * The program is compiled with the plain C operators: SG_MUL(a, b) is
 * ((a) * (b)), and so on, so the object code is the one of the unmacroed
 * kernels (`make check` compares it, tests/fl_identical.mk).
 *
 * Only the rounding proof run (`make proofs-rounding`, proofs/rounding/)
 * defines SG_FL_ROUNDING: each operation then becomes a call of a body-less
 * function whose contract is the IEEE 754 standard model of
 * specs/sg_fl_model.acsl (its only assumption), so that WP's real model,
 * which otherwise treats double arithmetic as exact, sees every rounding of
 * the kernels in their order.  Why macros and not ACSL logic rounding
 * functions applied to the C expressions: see proofs/README.md, "The
 * rounding run".
 */
#ifndef SG_FL_H
#define SG_FL_H

#ifdef SG_FL_ROUNDING
#ifndef __FRAMAC__
#error "SG_FL_ROUNDING is for the rounding proof run only (frama-c), never for the program"
#endif
#include "specs/sg_fl_model.acsl"

/*@ requires no_overflow: \abs(a * b) <= Fl_max;
    assigns \nothing;
    ensures value: \result == FlMul(a, b);
    ensures std_model: StdMul(a, b, \result);
*/
double sg_fl_mul(double a, double b);

/*@ requires no_overflow: \abs(a + b) <= Fl_max;
    assigns \nothing;
    ensures value: \result == FlAdd(a, b);
    ensures std_model: StdAdd(a + b, \result);
    ensures zero_left: FlAdd(0.0, b) == b;
*/
double sg_fl_add(double a, double b);

/*@ requires no_overflow: \abs(a - b) <= Fl_max;
    assigns \nothing;
    ensures value: \result == FlSub(a, b);
    ensures std_model: StdAdd(a - b, \result);
*/
double sg_fl_sub(double a, double b);

/*@ requires nonzero: b != 0.0;
    requires no_overflow: \abs(a / b) <= Fl_max;
    assigns \nothing;
    ensures value: \result == FlDiv(a, b);
    ensures std_model: StdMul(a / b, 1.0, \result);
*/
double sg_fl_div(double a, double b);

/* Ghost lemma functions (defined in dot.c): the non-linear steps of the
   round-off proofs.  A quantified ACSL lemma over * is proved but never
   instantiated by the provers (no trigger); a call with the ghost doubles
   (exact reals in the real model) does it. */
/*@ ghost
  /@ requires 0.0 <= c && a <= b;
     assigns \nothing;
     ensures a * c <= b * c;
  @/
  void sg_fl_mono(double a, double b, double c);
*/
/*@ ghost
  /@ requires 0.0 < b && a <= b;
     assigns \nothing;
     ensures a / b <= 1.0;
  @/
  void sg_fl_divle(double a, double b);
*/
/*@ ghost
  /@ requires 1.0 <= b;
     assigns \nothing;
     ensures \abs(a / b) <= \abs(a);
  @/
  void sg_fl_divshrink(double a, double b);
*/
/*@ ghost
  /@ requires 0.0 < b && a <= c;
     assigns \nothing;
     ensures a / b <= c / b;
  @/
  void sg_fl_divmono(double a, double c, double b);
*/
/*@ ghost
  /@ requires 0.0 < b;
     assigns \nothing;
     ensures \abs(a / b - c / b) == \abs(a - c) / b;
  @/
  void sg_fl_divdist(double a, double c, double b);
*/

/*@ ghost
  /@ requires 0 <= l && (l + 1) * Unit_roundoff <= 0.5;
     assigns \nothing;
     ensures (1.0 + Unit_roundoff) * Gamma(l) + Unit_roundoff <= Gamma(l + 1);
     ensures 0.0 <= Gamma(l) && Gamma(l + 1) <= 1.0;
     ensures l >= 1 ==> 2.0 * Unit_roundoff + Unit_roundoff * Unit_roundoff <= Gamma(l + 1);
  @/
  void sg_fl_gamma_step(int l);
*/
/* One step of a recursive dot product (Higham (3.4)-(3.5)), proved once in
   dot.c and used by every inlined reduction of empirical.c: from the
   partial sum s0 of l terms with |s0 - gd| <= gamma_l ga + l eta (gd, ga
   the exact partial sums of x y and |x y|, ghost), the rounded product
   p of xy and the rounded sum s = fl(s0 + p), the same bound holds for
   l + 1 terms; and |s| stays below 2 (ga + |xy|) + (l + 1) eta. */
/*@ ghost
  /@ requires l_range: 0 <= l <= 1048575;
     requires e_p: \abs(p - xy) <= Unit_roundoff * \abs(xy) + Eta / 2.0;
     requires e_s: \abs(s - (s0 + p)) <= Unit_roundoff * \abs(s0 + p);
     requires first: l == 0 ==> s0 == 0.0 && gd == 0.0 && ga == 0.0 && s == p;
     requires err: \abs(s0 - gd) <= Gamma(l) * ga + l * Eta;
     requires absdot: \abs(gd) <= ga;
     assigns \nothing;
     ensures err: \abs(s - (gd + xy)) <= Gamma(l + 1) * (ga + \abs(xy)) + (l + 1) * Eta;
     ensures absdot: \abs(gd + xy) <= ga + \abs(xy);
     ensures mag: \abs(s) <= 2.0 * (ga + \abs(xy)) + (l + 1) * Eta;
  @/
  void sg_fl_dot_step(int l, double s0, double p, double s, double xy, double gd, double ga);
*/
/*@ ghost
  /@ requires \abs(a) <= 0x1p500 && \abs(b) <= 0x1p500;
     assigns \nothing;
     ensures \abs(a * b) <= 0x1p1000;
     ensures \abs(a * b) == \abs(a) * \abs(b);
  @/
  void sg_fl_prodmag(double a, double b);
*/

#define SG_MUL(a, b) sg_fl_mul((a), (b))
#define SG_ADD(a, b) sg_fl_add((a), (b))
#define SG_SUB(a, b) sg_fl_sub((a), (b))
#define SG_DIV(a, b) sg_fl_div((a), (b))
#else
#define SG_MUL(a, b) ((a) * (b))
#define SG_ADD(a, b) ((a) + (b))
#define SG_SUB(a, b) ((a) - (b))
#define SG_DIV(a, b) ((a) / (b))
#endif

#endif
