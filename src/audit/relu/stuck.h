/* stuck.h -- the stuck-saddle predictor and detector, any k.
 *
 * Prediction (small initialisation).  Near theta = 0 the network output f
 * is negligible against the target y = a.x, and with x ~ N(0, I_d),
 * E[x x^T 1{w.x > 0}] = I/2, so
 *     grad_{w_j} L ~ -(1/2) v_j a,    grad_{v_j} L ~ -(1/2) a.w_j.
 * Gradient flow then gives d/dt (v_j + ahat.w_j) = (|a|/2)(v_j + ahat.w_j)
 * and d/dt (v_j - ahat.w_j) = -(|a|/2)(v_j - ahat.w_j) (ahat = a/|a|): the
 * growing mode u_j = v_j + ahat.w_j keeps its sign, and v_j ends with it.
 * Predicted final output sign: s_j = sign(v_j(0) + ahat.w_j(0)).  A run is
 * predicted stuck when every predicted sign agrees (no neuron can carry
 * the other half of a.x = ReLU(a.x) - ReLU(-a.x)).
 *
 * "Small": the neglected term of the gradient is the network's own output;
 * |f(x)| <= sum_j |v_j| |w_j| |x|, so relative to the target's term it is at
 * most rho = sum_j |v_j| |w_j| / |a| <= sum_j (v_j^2 + |w_j|^2) / (2|a|).
 * The prediction is trusted (and warned from) when
 *     rho_0 = sum_j (v_j(0)^2 + |w_j(0)|^2) / (2|a|) <= SG_STUCK_SMALL_INIT,
 * i.e. the linearisation's error is at most 1% at the start.
 *
 * Detection (any k).  A network whose active output weights all share one
 * sign is >= 0 (or <= 0) everywhere; its best fit of a.x is ReLU(+-a.x),
 * whose loss is |a|^2/4 (population; the loss's normalisation has
 * L(0) = |a|^2/2).  A neuron is dead when |v_j| |w_j| <= SG_DEAD_FRAC |a|
 * (its contribution to f is below 0.1% of the target's scale).  The run is
 * stuck when at least one neuron is active, every active v_j has one sign,
 * and |L - |a|^2/4| <= 0.05 |a|^2.  The same bound holds when every active
 * w_j lies on one ray (within SG_RAY_DEG): the network is one ReLU unit
 * c ReLU(u.x); for k = 2 with v = (+, -) this is the non-strict saddle of
 * Theorem 1, v_1 w_1 = (c+1) a, v_2 w_2 = c a (the paper's convention; the
 * reached c is reported).
 *
 * End state: "global optimum" when L <= SG_OPT_LOSS_FRAC |a|^2, the saddle
 * detected as above, or "neither" (not converged, or another point).
 */
#ifndef SG_STUCK_H
#define SG_STUCK_H

#include <stddef.h>

#define SG_STUCK_SMALL_INIT 0.01
#define SG_DEAD_FRAC 1e-3
#define SG_RAY_DEG 1.0
#define SG_OPT_LOSS_FRAC 1e-8

typedef enum { SG_END_NEITHER = 0, SG_END_OPTIMUM, SG_END_ONE_SIGN, SG_END_ONE_RAY } sg_end_kind;
const char *sg_end_name(sg_end_kind e); /* "global optimum", ... */
/* the end state of theta (loss L); for a saddle a description in buf */
sg_end_kind sg_end_state(int d, int k, const double *a, const double *theta, double loss,
                         char *buf, size_t len);

/* pred[j] = +1 / -1 (0 if v_j(0) + ahat.w_j(0) = 0); returns rho_0 */
double sg_stuck_predict(int d, int k, const double *a, const double *theta0, int *pred);
/* 1 if every pred[j] is non-zero and equal */
int sg_stuck_predicted(int k, const int *pred);
/* same-sign rule (the negative control): pred[j] = sign v_j(0) */
void sg_stuck_predict_same_sign(int d, int k, const double *theta0, int *pred);
/* final[j] = sign v_j, 0 for a dead neuron */
void sg_stuck_final_signs(int d, int k, const double *a, const double *theta, int *final);
/* 1 if theta (loss L) is stuck at the one-sign saddle; a one-line
   description in buf */
int sg_stuck_detect(int d, int k, const double *a, const double *theta, double loss,
                    char *buf, size_t len);

#endif
