/* residual_update.c -- the elementwise kernels of the empirical step:
 * residual r = f - y, loss L = (r . r) / 2n, and the GD update
 * theta <- theta - mu g (also Model B's, sensing/step.c).  Their contracts
 * and operation order are in empirical.h; the forward pass and the
 * gradients are in empirical.c.  The annotations follow empirical.c's
 * devices (its header comment); these kernels need none of its index
 * lemmas, only the ghost lemma functions of fl.h / dot.c.
 * The operations are fl.h's macros (plain C operators in the program). */
#include "kernels/relu/empirical.h"
#include "kernels/dot.h"

/* r[i] <- f[i] - y[i] */
void sg_residual(int n, const double *f, const double *y, double *r)
{
#ifdef SG_FL_ROUNDING
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant value: \forall integer a; 0 <= a < i ==>
          r[a] == FlSub(\at(f[a], Pre), \at(y[a], Pre));
        loop invariant roundoff: \forall integer a; 0 <= a < i ==>
          \abs(r[a] - Residual{Pre}(f, y, a)) <= Rel1 * \abs(r[a]);
        loop assigns i, r[0 .. n - 1];
        loop variant n - i;
    */
#else
    /*@ loop invariant i_range: 0 <= i <= n;
        loop invariant done: \forall integer a; 0 <= a < i ==> r[a] == Residual{Pre}(f, y, a);
        loop assigns i, r[0 .. n - 1];
        loop variant n - i;
    */
#endif
    for (int i = 0; i < n; i++) {
        r[i] = SG_SUB(f[i], y[i]);
#ifdef SG_FL_ROUNDING
        /*@ assert rel1: \let a = i; \let x = \at(f[a], Pre) - \at(y[a], Pre);
              \abs(r[a] - x) <= Rel1 * \abs(r[a]); */
#endif
    }
}

/* L <- (sum_i r[i]^2) / (2n) */
double sg_loss(int n, const double *r)
{
    double s = sg_dot(n, r, r);
    /* exact in IEEE (an int times 2), so not an fl.h operation: both proof
       runs see the exact 2n the program computes */
    double two_n = 2.0 * (double)n;
#ifdef SG_FL_ROUNDING
    //@ assert pos: two_n == 2.0 * n && two_n >= 2.0;
    //@ ghost double gd = 0.0;
    //@ ghost double ga = 0.0;
    //@ ghost int gi = 0;
    /*@ ghost
      /@ loop invariant g_range: 0 <= gi <= n;
         loop invariant g_sums: gd == Dot(r, r, gi) && ga == AbsDot(r, r, gi);
         loop invariant g_mag: \abs(gd) <= ga && ga <= gi * 0x1p1000;
         loop assigns gi, gd, ga;
         loop variant n - gi;
      @/
      while (gi < n) {
          /@ assert sq: \abs(r[gi] * r[gi]) == r[gi] * r[gi]; @/
          gd = gd + r[gi] * r[gi];
          ga = ga + r[gi] * r[gi];
          gi = gi + 1;
      }
    */
    //@ assert g_end: gi == n;
    //@ assert g_sums: gd == Dot(r, r, n) && ga == AbsDot(r, r, n);
    //@ ghost double gam = (double)n * 0x1p-53 / (1.0 - (double)n * 0x1p-53);
    //@ ghost sg_fl_gamma_step(n - 1);
    //@ assert gam_is: gam == Gamma(n) && 0.0 <= gam && gam <= 1.0;
    //@ assert s_err: \abs(s - gd) <= gam * ga + n * Eta;
    //@ ghost sg_fl_mono(gam, 1.0, ga);
    //@ assert s_mag: \abs(s) <= 2.0 * ga + n * Eta && ga <= n * 0x1p1000;
    //@ ghost sg_fl_divshrink(s, two_n);
    //@ assert q_mag: \abs(s / two_n) <= Fl_max;
    double L = SG_DIV(s, two_n);
    //@ assert q_err: \abs(L - s / two_n) <= Rel1 * \abs(L) + Eta;
    //@ ghost sg_fl_divdist(s, gd, two_n);
    //@ ghost double ge = s - gd >= 0.0 ? s - gd : gd - s;
    //@ ghost double gb = gam * ga + (double)n * 0x1p-1074;
    //@ assert ge_is: ge == \abs(s - gd) && gb == Gamma(n) * AbsDot(r, r, n) + n * Eta && ge <= gb;
    //@ ghost sg_fl_divmono(ge, gb, two_n);
    //@ assert e_err: \abs(s / two_n - gd / two_n) <= (gam * ga + n * Eta) / two_n;
    return L;
#else
    return SG_DIV(s, two_n);
#endif
}

/* theta[i] <- theta[i] - mu g[i] */
void sg_gd_update(int m, double mu, const double *g, double *theta)
{
#ifdef SG_FL_ROUNDING
    /*@ loop invariant i_range: 0 <= i <= m;
        loop invariant value: \forall integer a; 0 <= a < i ==>
          theta[a] == FlStep(\at(theta[a], Pre), mu, \at(g[a], Pre));
        loop invariant roundoff: \forall integer a; 0 <= a < i ==>
          \abs(theta[a] - Step(\at(theta[a], Pre), mu, \at(g[a], Pre))) <=
          Rel1 * \abs(theta[a]) + Unit_roundoff * (mu * \abs(\at(g[a], Pre))) + Eta;
        loop invariant todo: \forall integer a; i <= a < m ==> theta[a] == \at(theta[a], Pre);
        loop assigns i, theta[0 .. m - 1];
        loop variant m - i;
    */
#else
    /*@ loop invariant i_range: 0 <= i <= m;
        loop invariant done: \forall integer a; 0 <= a < i ==>
          theta[a] == Step(\at(theta[a], Pre), mu, \at(g[a], Pre));
        loop invariant todo: \forall integer a; i <= a < m ==> theta[a] == \at(theta[a], Pre);
        loop assigns i, theta[0 .. m - 1];
        loop variant m - i;
    */
#endif
    for (int i = 0; i < m; i++) {
        /*@ assert same: \let a = i; g[a] == \at(g[a], Pre) && theta[a] == \at(theta[a], Pre); */
        double s = SG_MUL(mu, g[i]);
#ifdef SG_FL_ROUNDING
        //@ assert abs_mg: \abs(mu * g[i]) == mu * \abs(g[i]);
        //@ assert s_mag: \abs(s) <= (1.0 + Unit_roundoff) * 0x1p1000 + Eta;
        //@ ghost double th = theta[i];
#endif
        theta[i] = SG_SUB(theta[i], s);
#ifdef SG_FL_ROUNDING
        //@ assert rel1: \abs(theta[i] - (th - s)) <= Rel1 * \abs(theta[i]);
        //@ assert err: \abs(theta[i] - (th - mu * g[i])) <= Rel1 * \abs(theta[i]) + Unit_roundoff * (mu * \abs(g[i])) + Eta;
#endif
    }
}
