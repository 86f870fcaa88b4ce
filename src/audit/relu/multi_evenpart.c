/* multi_evenpart.c -- the even part of the r > 1 network under x ~ N(0, I)
 * (EVENPART, see multi_audit.h).
 *
 * f(x) = V ReLU(W x); since ReLU(z) + ReLU(-z) = |z|, its even part is
 * e(x) = (f(x) + f(-x))/2 = (1/2) V |W x|, line o: e_o(x) = (1/2) sum_j
 * V_oj |w_j . x|.  For Gaussian x, with theta_ij the angle of w_i and w_j,
 *   E[|w_i.x| |w_j.x|] = |w_i||w_j| (2 sin theta_ij + (pi - 2 theta_ij) cos theta_ij) / pi
 * (write |z| = ReLU(z) + ReLU(-z): twice the arc-cosine kernel at theta
 * plus twice at pi - theta, kappa(theta) = sin theta + (pi - theta) cos theta
 * over 2 pi each), so |e_o|^2 = (1/4) V_o G V_o^T with G_ij that
 * expectation.  The target A x is odd, so the even part of f - A x is e and,
 * odd and even functions being orthogonal under N(0, I),
 *   sum_o |e_o|^2 <= E|f - A x|^2 = 2 L:
 * zero loss forces every line's even part to vanish. */
#include "audit/relu/multi_audit.h"
#include "kernels/dot.h"
#include <math.h>

double sg_multi_even_norm(int d, int k, int r, const double *theta, double *G, double *line)
{
    const double pi = 3.14159265358979323846;
    const double *V = theta + (long)k * d;
    for (int i = 0; i < k; i++) {
        const double *wi = theta + (long)i * d;
        double ni = sqrt(sg_dot(d, wi, wi));
        for (int j = i; j < k; j++) {
            const double *wj = theta + (long)j * d;
            double nj = sqrt(sg_dot(d, wj, wj)), g = 0.0;
            if (ni > 0.0 && nj > 0.0) {
                double c = sg_dot(d, wi, wj) / (ni * nj);
                c = c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c;
                double th = acos(c);
                g = ni * nj * (2.0 * sin(th) + (pi - 2.0 * th) * c) / pi;
            }
            G[(long)i * k + j] = G[(long)j * k + i] = g;
        }
    }
    double tot = 0.0;
    for (int o = 0; o < r; o++) {
        const double *Vo = V + (long)o * k;
        double q = 0.0;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                q += Vo[i] * Vo[j] * G[(long)i * k + j];
        q = q > 0.0 ? 0.25 * q : 0.0; /* G is positive semi-definite */
        if (line)
            line[o] = sqrt(q);
        tot += q;
    }
    return sqrt(tot);
}
