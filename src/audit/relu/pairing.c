/* pairing.c -- matching a multi-output network's units into opposite pairs
 * (see pairing.h; Appendix E of When Both Layers Learn). */
#include "audit/relu/pairing.h"
#include "io/json.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* |x + s y| over n entries with strides (s = +1 or 0: |x| alone) */
static double norm_comb(int n, const double *x, long sx, const double *y, long sy, double s)
{
    double acc = 0.0;
    for (int i = 0; i < n; i++) {
        double t = x[i * sx] + (s != 0.0 ? s * y[i * sy] : 0.0);
        acc += t * t;
    }
    return sqrt(acc);
}

typedef struct {
    int k, r, d;
    const double *W, *V;
    double *cost;      /* k x k: |V_a + V_b| + |w_a + w_b| */
} pair_costs;

static double cost_of(const pair_costs *c, int a, int b) { return c->cost[(long)a * c->k + b]; }

/* Exact minimum-cost perfect matching: best[S] is the cheapest matching
   of the unit set S (even size), pairing S's lowest unit with some other
   member; ties go to the lowest partner, so the result is deterministic. */
static int match_exact(const pair_costs *c, int *mate)
{
    int k = c->k;
    size_t nset = (size_t)1 << k;
    double *best = malloc(nset * sizeof *best);
    uint8_t *pick = malloc(nset);
    if (!best || !pick) {
        free(best);
        free(pick);
        return -1;
    }
    best[0] = 0.0;
    for (size_t S = 1; S < nset; S++) {
        if (__builtin_popcountll((unsigned long long)S) & 1)
            continue;
        int i = __builtin_ctzll((unsigned long long)S);
        double b = INFINITY;
        int bj = -1;
        for (int j = i + 1; j < k; j++) {
            if (!(S >> j & 1))
                continue;
            double t = cost_of(c, i, j) + best[S & ~((size_t)1 << i) & ~((size_t)1 << j)];
            if (bj < 0 || t < b) {
                b = t;
                bj = j;
            }
        }
        best[S] = b;
        pick[S] = (uint8_t)bj;
    }
    size_t S = nset - 1;
    while (S) {
        int i = __builtin_ctzll((unsigned long long)S), j = pick[S];
        mate[i] = j;
        mate[j] = i;
        S &= ~((size_t)1 << i) & ~((size_t)1 << j);
    }
    free(best);
    free(pick);
    return 0;
}

/* Greedy (cheapest pair first) then 2-swaps: for pairs (a,b), (c,e) try
   (a,c)(b,e) and (a,e)(b,c); repeat until no swap lowers the cost. */
static void match_local(const pair_costs *c, int *mate)
{
    int k = c->k;
    for (int i = 0; i < k; i++)
        mate[i] = -1;
    for (int m = 0; m < k / 2; m++) {
        int ba = -1, bb = -1;
        for (int a = 0; a < k; a++)
            for (int b = a + 1; b < k; b++)
                if (mate[a] < 0 && mate[b] < 0 &&
                    (ba < 0 || cost_of(c, a, b) < cost_of(c, ba, bb))) {
                    ba = a;
                    bb = b;
                }
        mate[ba] = bb;
        mate[bb] = ba;
    }
    for (int improved = 1; improved;) {
        improved = 0;
        for (int a = 0; a < k; a++)
            for (int x = 0; x < k; x++) {
                int b = mate[a], e = mate[x];
                if (x == a || x == b || a > b || x > e)
                    continue;
                double now = cost_of(c, a, b) + cost_of(c, x, e);
                double s1 = cost_of(c, a, x) + cost_of(c, b, e);
                double s2 = cost_of(c, a, e) + cost_of(c, b, x);
                if (s1 < now && s1 <= s2) {
                    mate[a] = x; mate[x] = a; mate[b] = e; mate[e] = b;
                    improved = 1;
                } else if (s2 < now) {
                    mate[a] = e; mate[e] = a; mate[b] = x; mate[x] = b;
                    improved = 1;
                }
            }
    }
}

/* the row of C = (V_a w_a^T + V_b w_b^T)/2 with the largest norm: row o is
   (V[o][a] w_a + V[o][b] w_b)/2 */
static void represented_output(const pair_costs *c, sg_pair *p)
{
    double tot = 0.0, bestn = -1.0;
    p->output = 0;
    for (int o = 0; o < c->r; o++) {
        double va = c->V[(long)o * c->k + p->a], vb = c->V[(long)o * c->k + p->b];
        double n2 = 0.0;
        for (int l = 0; l < c->d; l++) {
            double t = 0.5 * (va * c->W[(long)p->a * c->d + l] + vb * c->W[(long)p->b * c->d + l]);
            n2 += t * t;
        }
        tot += n2;
        if (n2 > bestn) {
            bestn = n2;
            p->output = o;
        }
    }
    p->share = tot > 0.0 ? bestn / tot : 0.0;
}

static int pair_cmp(const void *x, const void *y)
{
    const sg_pair *p = x, *q = y;
    if (p->output != q->output)
        return p->output < q->output ? -1 : 1;
    int pm = p->a < p->b ? p->a : p->b, qm = q->a < q->b ? q->a : q->b;
    return (pm > qm) - (pm < qm);
}

int sg_pairing_compute(int k, int r, int d, const double *W, const double *V,
                       sg_pairing *out, char *why, size_t wlen)
{
    memset(out, 0, sizeof *out);
    if (k < 2 || k % 2 != 0 || r < 1 || d < 1) {
        snprintf(why, wlen, "PAIRING needs an even width k >= 2 (k = %d)", k);
        return -1;
    }
    pair_costs c = {k, r, d, W, V, malloc((size_t)k * (size_t)k * sizeof(double))};
    int *mate = malloc((size_t)k * sizeof *mate);
    sg_pair *pairs = malloc((size_t)(k / 2) * sizeof *pairs);
    if (!c.cost || !mate || !pairs)
        goto nomem;
    for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++)
            c.cost[(long)a * k + b] = norm_comb(r, V + a, k, V + b, k, 1.0) +
                                      norm_comb(d, W + (long)a * d, 1, W + (long)b * d, 1, 1.0);
    int exact = k <= SG_PAIRING_EXACT_MAX;
    if (exact) {
        if (match_exact(&c, mate) != 0)
            goto nomem;
    } else {
        match_local(&c, mate);
    }
    out->k = k;
    out->r = r;
    out->npairs = k / 2;
    out->exact = exact;
    out->pairs = pairs;
    int np = 0;
    for (int a = 0; a < k; a++) {
        if (mate[a] < a)
            continue;
        sg_pair *p = &pairs[np++];
        p->a = a;
        p->b = mate[a];
        p->res_V = norm_comb(r, V + p->a, k, V + p->b, k, 1.0);
        p->res_w = norm_comb(d, W + (long)p->a * d, 1, W + (long)p->b * d, 1, 1.0);
        double scale = 0.5 * (norm_comb(r, V + p->a, k, NULL, 0, 0.0) +
                              norm_comb(r, V + p->b, k, NULL, 0, 0.0) +
                              norm_comb(d, W + (long)p->a * d, 1, NULL, 0, 0.0) +
                              norm_comb(d, W + (long)p->b * d, 1, NULL, 0, 0.0));
        double res = p->res_V + p->res_w;
        p->rel = scale > 0.0 ? res / scale : (res > 0.0 ? INFINITY : 0.0);
        represented_output(&c, p);
        if (V[(long)p->output * k + p->a] < 0.0) { /* show the positive one first */
            p->a = p->b;
            p->b = a;
        }
    }
    qsort(pairs, (size_t)np, sizeof *pairs, pair_cmp);
    unsigned char *seen = calloc((size_t)r, 1);
    if (!seen)
        goto nomem_out;
    for (int q = 0; q < np; q++) {
        out->cost += pairs[q].res_V + pairs[q].res_w;
        if (q == 0 || !(pairs[q].rel <= out->worst_rel)) {
            out->worst_rel = pairs[q].rel;
            out->worst_pair = q;
        }
        if (!seen[pairs[q].output]++)
            out->outputs_covered++;
    }
    free(seen);
    free(mate);
    free(c.cost);
    return 0;
nomem_out:
    out->pairs = NULL;
nomem:
    free(c.cost);
    free(mate);
    free(pairs);
    memset(out, 0, sizeof *out);
    snprintf(why, wlen, "PAIRING: out of memory matching k = %d units", k);
    return -1;
}

void sg_pairing_free(sg_pairing *p)
{
    free(p->pairs);
    p->pairs = NULL;
}

int sg_pairing_held(const sg_pairing *p, double tol)
{
    return p->npairs > 0 && p->worst_rel <= tol;
}

void sg_pairing_print(const sg_pairing *p, double tol, FILE *fp)
{
    fprintf(fp, "PAIRING: %d pairs of opposite units (%s), worst relative residual %.3e "
                "(tolerance %.3g): %s; outputs represented %d of %d\n",
            p->npairs, p->exact ? "minimum over all matchings" : "local minimum, k > 20",
            p->worst_rel, tol, sg_pairing_held(p, tol) ? "held" : "VIOLATED",
            p->outputs_covered, p->r);
    fprintf(fp, "  pair  units      |V_a+V_b|   |w_a+w_b|   relative    output  share\n");
    for (int q = 0; q < p->npairs; q++) {
        const sg_pair *s = &p->pairs[q];
        fprintf(fp, "  %-4d  %3d,%-3d    %.3e   %.3e   %.3e   %-6d  %.3f\n", q + 1, s->a + 1,
                s->b + 1, s->res_V, s->res_w, s->rel, s->output + 1, s->share);
    }
}

void sg_pairing_json(struct sg_json *j, const sg_pairing *p, double tol)
{
    sg_json_open(j, "pairing");
    sg_json_str(j, "verdict", sg_pairing_held(p, tol) ? "held" : "violated");
    sg_json_num(j, "tolerance", tol);
    sg_json_bool(j, "exact_minimum", p->exact);
    sg_json_num(j, "cost", p->cost);
    sg_json_num(j, "worst_relative_residual", p->worst_rel);
    sg_json_int(j, "outputs_covered", p->outputs_covered);
    sg_json_open_array(j, "pairs");
    for (int q = 0; q < p->npairs; q++) {
        const sg_pair *s = &p->pairs[q];
        sg_json_open(j, NULL);
        sg_json_int(j, "unit_a", s->a + 1);
        sg_json_int(j, "unit_b", s->b + 1);
        sg_json_num(j, "residual_V", s->res_V);
        sg_json_num(j, "residual_w", s->res_w);
        sg_json_num(j, "relative_residual", s->rel);
        sg_json_int(j, "output", s->output + 1);
        sg_json_num(j, "output_share", s->share);
        sg_json_close(j);
    }
    sg_json_close_array(j);
    sg_json_close(j);
}

void sg_pairing_unit_order(const sg_pairing *p, int *order)
{
    for (int q = 0; q < p->npairs; q++) {
        order[q] = p->pairs[q].a;
        order[p->npairs + q] = p->pairs[q].b;
    }
}
