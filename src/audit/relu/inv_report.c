/* inv_report.c -- summary.json members and the verdict table (see invariants_private.h). */
#include "audit/relu/invariants_private.h"
#include "io/binio.h"
#include "io/json.h"
#include "kernels/geometry.h"
#include <float.h>
#include <limits.h>
#include <math.h>
#include <mpfr.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- reporting */

static void json_result(sg_json *j, const sg_inv_result *r, const char *traj)
{
    sg_vresult_json(j, r, traj);
}

void sg_inv_json(sg_json *j, const sg_inv_checker *dbl, const sg_inv_checker *mp)
{
    sg_json_open(j, "invariants");
    for (int id = 0; id < SG_INV_COUNT; id++) {
        const sg_inv_result *r = &dbl->res[id];
        sg_json_open(j, sg_inv_name(id));
        json_result(j, r, dbl->name);
        if (id == SG_INV_IMBAL) {
            sg_json_open(j, "identity");
            json_result(j, &dbl->ident, dbl->name);
            sg_json_close(j);
            sg_json_open(j, "lemma3");
            json_result(j, &dbl->lemma3, dbl->name);
            sg_json_close(j);
        }
        sg_vresult_json_mpfr(j, r, mp ? &mp->res[id] : NULL, mp ? mp->name : NULL);
        sg_json_close(j);
    }
    sg_json_close(j);
}

static void json_phase_obj(sg_json *j, const sg_inv_checker *c)
{
    const sg_inv_phases *ph = &c->ph;
    sg_json_str(j, "trajectory", c->name);
    sg_json_str(j, "class", c->cls == SG_CLASS_PAIR ? "k=2 opposite signs"
                            : c->cls == SG_CLASS_SAME_SIGN ? "k=2 equal signs"
                                                           : "general k (group level)");
#define OPT_INT(key, x) do { if ((x) >= 0) sg_json_int(j, key, x); else sg_json_null(j, key); } while (0)
    OPT_INT("T1_observed", ph->T1_observed);
    sg_json_int(j, "T1_theory", ph->T1_theory);
    OPT_INT("T2_observed", ph->T2_observed);
    sg_json_int(j, "T2_theory", ph->T2_theory);
    OPT_INT("phase2_end_step", ph->T2_end);
    OPT_INT("growth_step", ph->growth_step);
    sg_json_num(j, "align_plateau_deg", isfinite(ph->plateau_deg) ? ph->plateau_deg : NAN);
    OPT_INT("align_plateau_step", ph->plateau_step);
    OPT_INT("T1_empirical", ph->T1_empirical);
    sg_json_open_array(j, "align_step_a");
    for (int q = 0; q < c->p.k; q++)
        if (c->align_a[q] >= 0) sg_json_int(j, NULL, c->align_a[q]); else sg_json_null(j, NULL);
    sg_json_close_array(j);
    sg_json_open_array(j, "align_step_g");
    for (int q = 0; q < c->p.k; q++)
        if (c->align_g[q] >= 0) sg_json_int(j, NULL, c->align_g[q]); else sg_json_null(j, NULL);
    sg_json_close_array(j);
    sg_json_num(j, "plateau_predicted_deg", ph->plateau_predicted_deg);
    sg_json_num(j, "plateau_observed_deg", isfinite(ph->plateau_deg) ? ph->plateau_deg : NAN);
    OPT_INT("growth_start_step", ph->growth_any);
    sg_json_open(j, "rate");
    sg_json_num(j, "per_step", ph->rate);
    sg_json_num(j, "c", ph->rate_c);
    sg_json_num(j, "r2", ph->rate_r2);
    sg_json_str(j, "form", "dist^2(t+1) ~ (1 - c mu_bar) dist^2(t), mu_bar = mu |a| (Theorem 2)");
    sg_json_str(j, "window", isnan(ph->rate) ? "none"
                             : ph->rate_detected ? "detected from dist^2 (phase 2 did not end)"
                                                 : "phase 3");
    sg_json_num(j, "detect_min_r2", INV_RATE_MIN_R2);
    OPT_INT("window_start", ph->rate_start);
    OPT_INT("window_end", ph->rate_end);
    sg_json_str(j, "quantity", c->cls == SG_CLASS_PAIR ? "sum_j |v_j w_j - a|^2"
                                                       : "|sum_j v_j w_j - 2a|^2");
    sg_json_close(j);
#undef OPT_INT
}

void sg_inv_json_phases(sg_json *j, const sg_inv_checker *dbl, const sg_inv_checker *mp)
{
    sg_json_open(j, "phases");
    json_phase_obj(j, dbl);
    sg_json_str(j, "T1_definition",
                "first step at which every angle(w_j, s_j a) (k = 2) or every sign group's "
                "angle(sum v_j w_j, a) (other k) is <= align_deg");
    sg_json_str(j, "T1_empirical_definition",
                "first step at which every angle(w_j, s_j g_j) is <= align_deg, g_j = (1/n) "
                "sum_i (y_i - f_i) 1{w_j.x_i > 0} x_i (population loss: its expectation), "
                "read off the gradient; align_step_a / align_step_g: per neuron, the first "
                "step with angle(w_j, s_j a) / angle(w_j, s_j g_j) <= align_deg (null: "
                "never); plateau_predicted_deg = arctan(sqrt(2(d-1)/n)) (0 for "
                "the population loss), plateau_observed_deg = smallest max-angle to s_j a "
                "before growth");
    sg_json_str(j, "T2_definition",
                "T2_observed = phase2_end_step - T1_observed, where phase2_end_step is the first "
                "step >= T1 with every |v_j| >= growth_v sqrt|a| and |b_j| <= growth_b |a|; "
                "T2_theory is a duration too (Lemma 7)");
    if (mp) {
        sg_json_open(j, "mpfr");
        json_phase_obj(j, mp);
        sg_json_close(j);
    } else {
        sg_json_null(j, "mpfr");
    }
    sg_json_close(j);
}

void sg_inv_table(FILE *fp, const sg_inv_checker *dbl, const sg_inv_checker *mp)
{
    sg_vtable_header(fp);
    int artefacts = 0;
    for (int id = 0; id < SG_INV_COUNT; id++)
        artefacts += sg_vtable_row(fp, sg_inv_name(id), &dbl->res[id], mp ? &mp->res[id] : NULL);
    sg_vtable_footnote(fp, artefacts);
    const sg_inv_phases *ph = &dbl->ph;
    char t1[32], t2[32];
    if (ph->T1_observed >= 0) snprintf(t1, sizeof t1, "%ld", ph->T1_observed);
    else snprintf(t1, sizeof t1, "not reached");
    if (ph->T2_observed >= 0) snprintf(t2, sizeof t2, "%ld", ph->T2_observed);
    else snprintf(t2, sizeof t2, "not reached");
    fprintf(fp, "phases (double%s): T1 observed %s, theory <= %ld; T2 observed %s, theory <= %ld",
            dbl->cls == SG_CLASS_PAIR ? "" : dbl->cls == SG_CLASS_GENERAL
                                                 ? ", group level, theory for k = 2"
                                                 : ", equal signs: outside the theory",
            t1, ph->T1_theory, t2, ph->T2_theory);
    if (ph->T2_end >= 0 && dbl->stuck)
        fprintf(fp, " (phase-2 end conditions met at step %ld, but the run is stuck at the "
                    "saddle: no refinement phase)", ph->T2_end);
    else if (ph->T2_end >= 0)
        fprintf(fp, " (phase 3 from step %ld)", ph->T2_end);
    fputc('\n', fp);
    if (isfinite(ph->plateau_deg) && ph->plateau_step >= 0) {
        fprintf(fp, "  alignment before growth: max angle %.3g deg at step %ld (threshold %g)",
                ph->plateau_deg, ph->plateau_step, dbl->th.align_deg);
        if (ph->plateau_deg > dbl->th.align_deg && ph->T1_observed >= 0)
            fprintf(fp, "; the angles stall above the threshold until growth starts, so T1 "
                        "falls inside growth");
        fputc('\n', fp);
    }
    fprintf(fp, "  empirical direction: every angle(w_j, s_j g_j) <= %g deg ", dbl->th.align_deg);
    if (ph->T1_empirical >= 0)
        fprintf(fp, "from step %ld", ph->T1_empirical);
    else
        fprintf(fp, "never");
    if (dbl->p.k <= 8) {
        fprintf(fp, " (per neuron, step to a / to g:");
        for (int q = 0; q < dbl->p.k; q++)
            fprintf(fp, " %ld/%ld", dbl->align_a[q], dbl->align_g[q]);
        fprintf(fp, ")");
    }
    if (isfinite(ph->plateau_deg))
        fprintf(fp, "; predicted plateau to a %.3g deg, observed %.3g deg\n",
                ph->plateau_predicted_deg, ph->plateau_deg);
    else
        fprintf(fp, "; predicted plateau to a %.3g deg, none observed (growth from step 0)\n",
                ph->plateau_predicted_deg);
    if (!isnan(ph->rate))
        fprintf(fp, "  %s rate: dist^2 x %.6g per step over [%ld, %ld], c = %.3g in 1 - c mu|a|, "
                    "R^2 = %.4f\n",
                ph->rate_detected ? "detected" : "phase-3", ph->rate, ph->rate_start,
                ph->rate_end, ph->rate_c, ph->rate_r2);
}
