/* pairing.h -- the PAIRING verdict of a multi-output ReLU network
 * (When Both Layers Learn, Appendix E, Figs. 6-8).
 *
 * With a linear target A (r x d) and width k = 2r, small-initialisation GD
 * ends with the units grouped into r pairs of opposite units: column a of
 * V is close to minus column b, and w_a close to minus w_b.  Such a pair
 * computes V_a relu(w_a.x) + V_b relu(w_b.x) = V_a (w_a.x) when V_b = -V_a,
 * w_b = -w_a (relu(t) - relu(-t) = t): a linear map, which is how a ReLU
 * network fits a linear target exactly.
 *
 * sg_pairing_compute matches the k units into k/2 pairs minimising
 *     sum over pairs (|V_a + V_b| + |w_a + w_b|)          (Euclidean norms)
 * exactly for k <= SG_PAIRING_EXACT_MAX (a dynamic programme over the sets
 * of unmatched units: O(2^k k) time, 2^k (8 + 1) bytes), and for larger k by
 * a greedy matching improved by pair swaps until no swap lowers the cost (a
 * local minimum: `exact` says which).  For each pair it reports the two
 * residuals, a relative residual
 *     rel = (|V_a + V_b| + |w_a + w_b|) / ((|V_a| + |V_b| + |w_a| + |w_b|) / 2)
 * (0 for an exactly opposite pair, 2 for two equal units), and which output
 * the pair represents: the row o of the pair's linear map
 * C = (V_a w_a^T + V_b w_b^T) / 2 with the largest norm, and that row's
 * share of |C|_F^2.
 *
 * Shapes: W is k x d row-major (row j = w_j), V is r x k row-major
 * (column j = V_j, the output weights of unit j). */
#ifndef SG_PAIRING_H
#define SG_PAIRING_H

#include <stddef.h>
#include <stdio.h>

struct sg_json;

#define SG_PAIRING_EXACT_MAX 20
/* --pairing-tol's default (measured in docs/multi-output.md) */
#define SG_PAIRING_TOL_DEFAULT 0.05

typedef struct {
    int a, b;          /* units; V[output][a] >= 0 (a is shown first)  */
    double res_V;      /* |V_a + V_b|                                */
    double res_w;      /* |w_a + w_b|                                */
    double rel;        /* relative residual (see above)              */
    int output;        /* 0-based row of C with the largest norm     */
    double share;      /* that row's share of |C|_F^2 (0 if C = 0)   */
} sg_pair;

typedef struct {
    int k, r, npairs;
    int exact;         /* 1: the minimum over all matchings           */
    double cost;       /* sum of res_V + res_w over the pairs         */
    double worst_rel;  /* the largest rel                             */
    int worst_pair;    /* its index in pairs                          */
    int outputs_covered; /* distinct outputs represented              */
    sg_pair *pairs;    /* npairs, ordered by output, then by unit a   */
} sg_pairing;

/* 0 on success; -1 with the reason in why when k is odd or < 2, r < 1,
   or memory runs out (nothing is allocated then).  Free with
   sg_pairing_free. */
int sg_pairing_compute(int k, int r, int d, const double *W, const double *V,
                       sg_pairing *out, char *why, size_t wlen);
void sg_pairing_free(sg_pairing *p);

/* The verdict: held when every pair's rel <= tol; the margin is
   tol - worst_rel. */
int sg_pairing_held(const sg_pairing *p, double tol);

/* the table printed after the run (one line per pair) */
void sg_pairing_print(const sg_pairing *p, double tol, FILE *fp);

/* summary.json's "pairing" object */
void sg_pairing_json(struct sg_json *j, const sg_pairing *p, double tol);

/* the unit order of the heat maps: the first units of the pairs (in the
   pairs' order), then their partners, so that V appears as [M, -M] and W
   as [N; -N] (the paper's [I_r, -I_r]).  order has k entries. */
void sg_pairing_unit_order(const sg_pairing *p, int *order);

#endif
