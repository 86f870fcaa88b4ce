/* safe_box.c -- run-time checks of the proved box (safe_box.h). */
#include "kernels/sensing/safe_box.h"
#include <stdio.h>

static int inside(double x, double lim) { return x >= -lim && x <= lim; }

int sg_sens_safe_sizes(int n1, int n2, int k, int m, double mu, char *msg, size_t len)
{
    const char *what = NULL;
    int v = 0;
    if (n1 < 1 || n1 > SG_SENS_SAFE_DIM_MAX) what = "n1", v = n1;
    else if (n2 < 1 || n2 > SG_SENS_SAFE_DIM_MAX) what = "n2", v = n2;
    else if (k < 1 || k > SG_SENS_SAFE_DIM_MAX) what = "k", v = k;
    if (what) {
        snprintf(msg, len, "%s = %d is outside the proved box [1, %d]", what, v,
                 SG_SENS_SAFE_DIM_MAX);
        return -1;
    }
    if (m < 1 || m > SG_SENS_SAFE_M_MAX) {
        snprintf(msg, len, "m = %d is outside the proved box [1, %d]", m, SG_SENS_SAFE_M_MAX);
        return -1;
    }
    if (!(mu >= 0.0 && mu <= SG_SENS_SAFE_MU_MAX)) {
        snprintf(msg, len, "mu = %g is outside the proved box [0, %g]", mu, SG_SENS_SAFE_MU_MAX);
        return -1;
    }
    return 0;
}

int sg_sens_safe_data(int m, int N, const double *A, const double *y, char *msg, size_t len)
{
    for (long q = 0; q < (long)m * N; q++)
        if (!inside(A[q], SG_SENS_SAFE_A_MAX)) {
            snprintf(msg, len, "A entry %ld = %g is outside the proved box |A| <= %g", q, A[q],
                     SG_SENS_SAFE_A_MAX);
            return -1;
        }
    for (int i = 0; i < m; i++)
        if (!inside(y[i], SG_SENS_SAFE_Y_MAX)) {
            snprintf(msg, len, "y[%d] = %g is outside the proved box |y| <= %g", i, y[i],
                     SG_SENS_SAFE_Y_MAX);
            return -1;
        }
    return 0;
}

int sg_sens_safe_state(long len, const double *theta, char *msg, size_t len_msg)
{
    for (long q = 0; q < len; q++)
        if (!inside(theta[q], SG_SENS_SAFE_F_MAX)) {
            snprintf(msg, len_msg, "theta[%ld] = %g is outside the proved box |U|, |V| <= %g", q,
                     theta[q], SG_SENS_SAFE_F_MAX);
            return -1;
        }
    return 0;
}
