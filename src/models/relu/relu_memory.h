/* relu_memory.h -- the up-front memory estimate of a ReLU run (issue 11,
 * item 3): what setup allocates before the first step, so that a run that
 * cannot fit is refused by the CLI instead of failing after minutes.  The
 * sizes come as numbers (relu_config.c passes them), so this module needs
 * nothing of the configuration's layout. */
#ifndef SG_RELU_MEMORY_H
#define SG_RELU_MEMORY_H

typedef struct {
    int empirical;        /* 1: --loss empirical (X, Z, H, f, r exist)   */
    double n, d, k;       /* sizes (n: samples, empirical only)          */
    long prec;            /* MPFR precision of the shadow                */
    int audit;            /* --audit-every > 0: local audit and bounds   */
    int trajectory;       /* the MPFR trajectory shadow                  */
} sg_relu_mem_shape;

/* bytes of the double state and kernels' buffers (relu_model.c, run.c) */
double sg_relu_double_bytes(const sg_relu_mem_shape *s);
/* bytes of the MPFR side: the local audit's shadow, bounds and images
   (shadow_audit.c, bounds.c), the trajectory shadow (shadow.c) and the
   invariant audit's MPFR checker (audit/relu: O(d + k) numbers) */
double sg_relu_shadow_bytes(const sg_relu_mem_shape *s);

#endif
