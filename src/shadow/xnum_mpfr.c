/* xnum_mpfr.c -- an MPFR number as the exact accumulator's factor (xacc.h):
 * its integer mantissa split into 64-bit limbs.  Apart from xacc.c because
 * it is conversion, not accumulation: it touches no accumulator state. */
#include "shadow/xacc.h"
#include <gmp.h>

int sg_xnum_from_mpfr(sg_xnum *out, const mpfr_t x, mpz_t z)
{
    out->nl = 0;
    out->sign = 1;
    out->e = 0;
    if (mpfr_zero_p(x))
        return 0;
    if (!mpfr_number_p(x))
        return -1;
    mpfr_exp_t e = mpfr_get_z_2exp(z, x);
    if (mpz_sgn(z) < 0) {
        out->sign = -1;
        mpz_neg(z, z);
    }
    mp_bitcnt_t tz = mpz_scan1(z, 0);
    mpz_tdiv_q_2exp(z, z, tz);
    size_t nl = mpz_size(z);
    if (nl > (size_t)sg_xnum_limbs(mpfr_get_prec(x)))
        return -1;
    out->e = (long)e + (long)tz;
    out->nl = (int)nl;
    for (size_t q = 0; q < nl; q++)
        out->limb[q] = mpz_getlimbn(z, (mp_size_t)q);
    return 0;
}
