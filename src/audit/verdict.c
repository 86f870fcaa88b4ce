/* verdict.c -- results, their JSON members and the verdict table (see verdict.h). */
#include "audit/verdict.h"
#include "io/json.h"
#include <math.h>

const char *sg_verdict_name(sg_verdict v)
{
    switch (v) {
    case SG_HELD: return "held";
    case SG_VIOLATED: return "violated";
    case SG_NOT_APPLICABLE: return "not-applicable";
    }
    return "?";
}

void sg_vresult_init(sg_vresult *r, const char *unit)
{
    r->verdict = SG_HELD;
    r->reason[0] = '\0';
    r->first_violation = -1;
    r->worst_margin = NAN;
    r->margin_unit = unit;
    r->checked = 0;
}

void sg_vresult_na(sg_vresult *r, const char *why)
{
    r->verdict = SG_NOT_APPLICABLE;
    r->first_violation = -1; /* an observation, if any, is in the reason */
    snprintf(r->reason, sizeof r->reason, "%s", why);
}

void sg_vresult_margin(sg_vresult *r, long t, double m)
{
    r->checked++;
    if (isnan(r->worst_margin) || m < r->worst_margin || isnan(m))
        r->worst_margin = isnan(m) ? -INFINITY : m;
    if ((!(m >= 0.0)) && r->first_violation < 0)
        r->first_violation = t;
}

void sg_vresult_json(sg_json *j, const sg_vresult *r, const char *traj)
{
    sg_json_str(j, "verdict", sg_verdict_name(r->verdict));
    sg_json_str(j, "reason", r->reason);
    if (r->first_violation >= 0)
        sg_json_int(j, "first_violation_step", r->first_violation);
    else
        sg_json_null(j, "first_violation_step");
    sg_json_num(j, "worst_margin", r->worst_margin); /* NaN -> null */
    sg_json_str(j, "margin_unit", r->margin_unit);
    sg_json_int(j, "checked", r->checked);
    sg_json_str(j, "trajectory", traj);
}

void sg_vresult_json_mpfr(sg_json *j, const sg_vresult *r, const sg_vresult *mp,
                          const char *mp_traj)
{
    if (mp) {
        sg_json_open(j, "mpfr");
        sg_vresult_json(j, mp, mp_traj);
        sg_json_close(j);
        sg_json_bool(j, "numerical_artefact", r->verdict == SG_VIOLATED && mp->verdict != SG_VIOLATED);
    } else {
        sg_json_null(j, "mpfr");
        sg_json_null(j, "numerical_artefact");
    }
}

void sg_vtable_header(FILE *fp)
{
    fprintf(fp, "%-11s %-15s %-15s %-10s %-10s %s\n", "invariant", "double", "mpfr",
            "first-viol", "margin", "note (double)");
}

/* one row; mp_text fills the mpfr column when mp is NULL */
static int vtable_row(FILE *fp, const char *id, const sg_vresult *r, const sg_vresult *mp,
                      const char *mp_text)
{
    char fv[24], mg[32], mv[32];
    int artefact = mp && r->verdict == SG_VIOLATED && mp->verdict != SG_VIOLATED;
    if (r->first_violation >= 0)
        snprintf(fv, sizeof fv, "%ld", r->first_violation);
    else
        snprintf(fv, sizeof fv, "-");
    if (isnan(r->worst_margin))
        snprintf(mg, sizeof mg, "-");
    else
        snprintf(mg, sizeof mg, "%.3g", r->worst_margin);
    if (mp)
        snprintf(mv, sizeof mv, "%s%s", sg_verdict_name(mp->verdict), artefact ? "*" : "");
    else
        snprintf(mv, sizeof mv, "%s", mp_text);
    fprintf(fp, "%-11s %-15s %-15s %-10s %-10s %s\n", id, sg_verdict_name(r->verdict), mv, fv,
            mg, r->reason);
    return artefact;
}

int sg_vtable_row(FILE *fp, const char *id, const sg_vresult *r, const sg_vresult *mp)
{
    return vtable_row(fp, id, r, mp, "(no shadow)");
}

int sg_vtable_row_double_only(FILE *fp, const char *id, const sg_vresult *r)
{
    return vtable_row(fp, id, r, NULL, "(double only)");
}

void sg_vtable_footnote(FILE *fp, int artefacts)
{
    if (artefacts)
        fprintf(fp, "(* violated in double only: a numerical artefact)\n");
}
