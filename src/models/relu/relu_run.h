/* relu_run.h -- the ReLU model's run state (ctx->m of a relu run): what
 * its operations (relu_model.c) and its observers' registration
 * (relu_observers.c) share. */
#ifndef SG_RELU_RUN_H
#define SG_RELU_RUN_H

#include "kernels/relu/multi_problem.h"
#include "kernels/relu/problem.h"
#include "models/relu/relu_config.h"

/* the model's run state (ctx->m of a relu run) */
typedef struct {
    const sg_config *cfg;      /* the run's configuration (in its context) */
    const sg_relu_config *rc;  /* its model block                          */
    sg_problem prob;           /* dataset and target                       */
    sg_workspace ws;           /* loss, gradient and intermediates         */
    double *sign0;             /* sign of v_j(0)                           */
    double *wnorm, *angle_deg; /* measurements of the last measured theta  */
    double *angle_g;           /* angle(w_j, s_j g_j) of that theta        */
    double *scratch;           /* d                                        */
    const double *measured;    /* the theta of the last measure()          */
    double a_norm;             /* |a| (|A|_F when r > 1)                   */
    /* --outputs r > 1 (relu_multi.h); prob and ws stay empty then, and the
       fields above except cfg, rc, sign0, wnorm, scratch, measured, a_norm
       are unused */
    int r;                     /* --outputs                                */
    sg_mproblem mprob;         /* dataset and target A (r x d)             */
    sg_mworkspace mws;         /* loss, gradient [gW | gV], intermediates  */
    double *vnorm;             /* |V_j| (k) of the last measured theta     */
    double vw_res;             /* |V W - 2A|_F of the last measured theta  */
    double *u;                 /* r*r scratch of the initialisation        */
} sg_relu_run;

#endif
