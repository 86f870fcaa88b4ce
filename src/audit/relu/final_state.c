/* final_state.c -- the structure of the final state (see final_state.h). */
#include "audit/relu/final_state.h"
#include "audit/relu/stuck.h"
#include "io/json.h"
#include "io/outfile.h"
#include "kernels/dot.h"
#include "kernels/geometry.h"
#include <math.h>
#include <stdlib.h>

int sg_final_lines(int d, int k, const double *theta, double line_deg, int *line)
{
    int lines = 0;
    for (int j = 0; j < k; j++)
        line[j] = -2; /* unassigned */
    for (int j = 0; j < k; j++) {
        const double *wj = theta + (long)j * d;
        double nj = sg_norm(d, wj);
        if (line[j] != -2)
            continue;
        if (!(nj > 0.0)) {
            line[j] = -1;
            continue;
        }
        line[j] = lines;
        for (int i = j + 1; i < k; i++) {
            const double *wi = theta + (long)i * d;
            double ni = sg_norm(d, wi);
            if (line[i] != -2 || !(ni > 0.0))
                continue;
            double t = sg_angle_n(d, wj, nj, wi, ni) * (180.0 / M_PI);
            if (t <= line_deg || t >= 180.0 - line_deg)
                line[i] = lines;
        }
        lines++;
    }
    return lines;
}

void sg_final_group_sums(int d, int k, const double *theta, double *pos, double *neg)
{
    const double *v = theta + (long)k * d;
    for (int l = 0; l < d; l++)
        pos[l] = neg[l] = 0.0;
    for (int j = 0; j < k; j++) {
        double *s = v[j] > 0.0 ? pos : v[j] < 0.0 ? neg : NULL;
        for (int l = 0; s && l < d; l++)
            s[l] += v[j] * theta[(long)j * d + l];
    }
}

static double angle_deg(int d, const double *x, const double *y)
{
    return sg_angle(d, x, y) * (180.0 / M_PI);
}

/* |s - a| / |a| */
static double rel_dist(int d, const double *s, const double *a)
{
    double e = 0.0;
    for (int l = 0; l < d; l++)
        e += (s[l] - a[l]) * (s[l] - a[l]);
    return sqrt(e) / sg_norm(d, a);
}

int sg_final_state_write(const char *dir, int d, int k, const double *a, const double *theta,
                         double line_deg)
{
    const double *v = theta + (long)k * d;
    int *line = calloc((size_t)k, sizeof(int));
    double *na = calloc((size_t)d, sizeof(double));
    sg_outfile o;
    if (!line || !na) {
        fprintf(stderr, "shadowgd: out of memory for final_state.csv\n");
        free(line);
        free(na);
        return -1;
    }
    if (sg_outfile_open(&o, dir, "final_state.csv") != 0) {
        free(line);
        free(na);
        return -1;
    }
    sg_final_lines(d, k, theta, line_deg, line);
    for (int l = 0; l < d; l++)
        na[l] = -a[l];
    double an = sg_norm(d, a);
    fputs("neuron,v,wnorm,contribution,angle_a_deg,angle_minus_a_deg,line,dead", o.fp);
    for (int l = 1; l <= d; l++)
        fprintf(o.fp, ",w_%d", l);
    fputc('\n', o.fp);
    for (int j = 0; j < k; j++) {
        const double *w = theta + (long)j * d;
        double nw = sg_norm(d, w), c = v[j] * nw;
        fprintf(o.fp, "%d,%.17g,%.17g,%.17g,%.17g,%.17g,%d,%d", j + 1, v[j], nw, c,
                angle_deg(d, w, a), angle_deg(d, w, na), line[j],
                fabs(c) <= SG_DEAD_FRAC * an);
        for (int l = 0; l < d; l++)
            fprintf(o.fp, ",%.17g", w[l]);
        fputc('\n', o.fp);
    }
    free(line);
    free(na);
    return sg_outfile_commit(&o);
}

typedef struct {
    int dead, nlines;
    double pos_dist, neg_dist, pos_angle, neg_angle, worst_line;
} structure;

static int measure(int d, int k, const double *a, const double *theta, double line_deg,
                   structure *s, double *line_sum /* k */)
{
    const double *v = theta + (long)k * d;
    int *line = calloc((size_t)k, sizeof(int));
    double *pos = calloc((size_t)d, sizeof(double)), *neg = calloc((size_t)d, sizeof(double));
    if (!line || !pos || !neg) {
        free(line); free(pos); free(neg);
        return -1;
    }
    double an = sg_norm(d, a);
    s->nlines = sg_final_lines(d, k, theta, line_deg, line);
    s->dead = 0;
    for (int q = 0; q < k; q++)
        line_sum[q] = 0.0;
    for (int j = 0; j < k; j++) {
        double c = v[j] * sg_norm(d, theta + (long)j * d);
        s->dead += fabs(c) <= SG_DEAD_FRAC * an;
        if (line[j] >= 0)
            line_sum[line[j]] += c / an;
    }
    s->worst_line = 0.0;
    for (int q = 0; q < s->nlines; q++)
        if (fabs(line_sum[q]) > s->worst_line)
            s->worst_line = fabs(line_sum[q]);
    sg_final_group_sums(d, k, theta, pos, neg);
    s->pos_dist = rel_dist(d, pos, a);
    s->neg_dist = rel_dist(d, neg, a);
    s->pos_angle = angle_deg(d, pos, a);
    s->neg_angle = angle_deg(d, neg, a);
    free(line); free(pos); free(neg);
    return 0;
}

void sg_final_structure_json(sg_json *j, int d, int k, const double *a, const double *theta,
                             double line_deg)
{
    structure s;
    double *ls = calloc((size_t)k, sizeof(double));
    if (!ls || measure(d, k, a, theta, line_deg, &s, ls) != 0) {
        free(ls);
        sg_json_null(j, "final_structure");
        return;
    }
    sg_json_open(j, "final_structure");
    sg_json_int(j, "dead_neurons", s.dead);
    sg_json_num(j, "dead_threshold", SG_DEAD_FRAC);
    sg_json_num(j, "positive_group_minus_a", s.pos_dist);
    sg_json_num(j, "negative_group_minus_a", s.neg_dist);
    sg_json_num(j, "positive_group_angle_deg", s.pos_angle);
    sg_json_num(j, "negative_group_angle_deg", s.neg_angle);
    sg_json_open_array(j, "line_sums");
    for (int q = 0; q < s.nlines; q++)
        sg_json_num(j, NULL, ls[q]);
    sg_json_close_array(j);
    sg_json_str(j, "definition",
                "dead: |v_j||w_j| <= dead_threshold |a|; *_group_minus_a: |sum_{v_j >< 0} v_j w_j "
                "- a| / |a| (0 at a global optimum, signed convention); line_sums: sum of "
                "v_j |w_j| / |a| over the neurons of each line through 0 (0 at zero loss); "
                "per neuron: final_state.csv");
    sg_json_close(j);
    free(ls);
}

void sg_final_structure_report(FILE *fp, int d, int k, const double *a, const double *theta,
                               double line_deg)
{
    structure s;
    double *ls = calloc((size_t)k, sizeof(double));
    if (!ls || measure(d, k, a, theta, line_deg, &s, ls) != 0) {
        free(ls);
        return;
    }
    fprintf(fp, "final structure: %d dead neuron%s (|v_j||w_j| <= %g |a|); sign groups: "
                "|sum_{v>0} v_j w_j - a| = %.3g |a| (%.3g deg), |sum_{v<0} v_j w_j - a| = "
                "%.3g |a| (%.3g deg); %d line%s, worst line sum %.3g |a| (final_state.csv)\n",
            s.dead, s.dead == 1 ? "" : "s", SG_DEAD_FRAC, s.pos_dist, s.pos_angle, s.neg_dist,
            s.neg_angle, s.nlines, s.nlines == 1 ? "" : "s", s.worst_line);
    free(ls);
}
