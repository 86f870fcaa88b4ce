/* verdict.h -- what every model's invariant audit reports per ID: a
 * verdict, its reason, the first violation, the worst margin, and the
 * shared ways of printing them (the verdict table on stdout, the member of
 * summary.json's "invariants").  Both trajectories (double and MPFR) have
 * one result per ID; a violation in double that the MPFR trajectory does
 * not show is a numerical artefact (design section 5). */
#ifndef SG_VERDICT_H
#define SG_VERDICT_H

#include <stdio.h>

struct sg_json;

typedef enum { SG_HELD = 0, SG_VIOLATED, SG_NOT_APPLICABLE } sg_verdict;

const char *sg_verdict_name(sg_verdict v); /* "held", "violated", "not-applicable" */

typedef struct {
    sg_verdict verdict;
    char reason[320];
    long first_violation;     /* -1: none                                      */
    double worst_margin;      /* see margin_unit; < 0 means violated; NaN: none */
    const char *margin_unit;
    long checked;             /* states or steps examined                      */
} sg_vresult;

/* held, no violation, margin NaN, nothing checked */
void sg_vresult_init(sg_vresult *r, const char *unit);
void sg_vresult_na(sg_vresult *r, const char *why);
/* record a margin (smaller is worse) at step t; margin < 0 (or NaN) violates */
void sg_vresult_margin(sg_vresult *r, long t, double m);

/* the members of one result object: verdict, reason, first_violation_step,
   worst_margin, margin_unit, checked, trajectory */
void sg_vresult_json(struct sg_json *j, const sg_vresult *r, const char *trajectory);

/* after a result's own members: "mpfr" (the MPFR trajectory's result, or
   null without it) and "numerical_artefact" (double violated, MPFR not) */
void sg_vresult_json_mpfr(struct sg_json *j, const sg_vresult *dbl, const sg_vresult *mp,
                          const char *mp_trajectory);

/* the verdict table: header, one row per ID (mp NULL: "(no shadow)"), and
   the artefact footnote when any row had one */
void sg_vtable_header(FILE *fp);
/* returns 1 when the row is a numerical artefact (double violated only) */
int sg_vtable_row(FILE *fp, const char *id, const sg_vresult *dbl, const sg_vresult *mp);
/* a row of an ID evaluated on the double trajectory only, in a run that may
   have an MPFR shadow: "(double only)" in the mpfr column, where "(no
   shadow)" would wrongly say the run had none (r > 1, whose BOUND and DIVERGE
   compare the double run with MPFR but whose IDs are not re-evaluated on the
   MPFR trajectory) */
int sg_vtable_row_double_only(FILE *fp, const char *id, const sg_vresult *r);
void sg_vtable_footnote(FILE *fp, int artefacts);

#endif
