/* relu_multi.h -- the ReLU model's operations at --outputs r > 1 (issue 16):
 * relu_model.c calls these when m->r > 1 and keeps its scalar code for
 * r = 1, so every r = 1 output is the scalar program's.
 *
 * For the lead / other observers, the run state of an r > 1 run (ctx->m,
 * sg_relu_run): r = m->r, k = m->mprob.k, d = m->mprob.d, A = m->mprob.A
 * (r x d row-major); theta = [W (k x d) | V (r x k)], both row-major, so
 * W = theta and V = theta + k*d (V[o*k + j] is entry o of unit j's output
 * vector V_j); the gradient at the last evaluated theta is m->mws.grad in
 * the same layout. */
#ifndef SG_RELU_MULTI_H
#define SG_RELU_MULTI_H

#include "models/relu/relu_run.h"
#include <stdio.h>

struct sg_json;

/* dataset, target and theta_0 of an r > 1 run; 0 or an exit status */
int sg_relu_multi_setup(sg_relu_run *m, double *theta);
void sg_relu_multi_free(sg_relu_run *m);
double sg_relu_multi_loss_grad(sg_relu_run *m, const double *theta, const double **grad);
void sg_relu_multi_measure(sg_relu_run *m, const double *theta);
/* ",vnorm_1,wnorm_1,...,vnorm_k,wnorm_k,vw_minus_2A" and its values */
void sg_relu_multi_csv_header(sg_relu_run *m, FILE *fp);
void sg_relu_multi_csv_row(sg_relu_run *m, FILE *fp);
void sg_relu_multi_final_json(sg_relu_run *m, const double *theta, struct sg_json *j);
void sg_relu_multi_report(sg_relu_run *m, const double *theta, FILE *fp);
/* "W[2,17]" / "V[o,j]" (1-based) */
void sg_relu_multi_component_name(int d, int k, long q, char *buf, size_t len);
int sg_relu_multi_dump(sg_relu_run *m, const double *theta0, const char *dir);
uint64_t sg_relu_multi_data_hash(sg_relu_run *m);

#endif
