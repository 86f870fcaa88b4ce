/* relu_config.c -- the ReLU model's options: defaults, parsing, limits,
 * help and the hash checkpoints compare (see relu_config.h). */
#include "models/relu/relu_config.h"
#include "io/binio.h"
#include "io/exit_status.h"
#include "io/hash.h"
#include "io/outdir.h"
#include "models/relu/relu_memory.h"
#include "io/parse.h"
#include "kernels/relu/multi_problem.h"
#include "kernels/relu/region.h"
#include <string.h>
#include <unistd.h>

enum {
    OPT_LOSS = 1, OPT_D, OPT_K, OPT_N, OPT_SIGMA, OPT_INIT, OPT_TARGET, OPT_ALIGN_DEG,
    OPT_GROWTH_V, OPT_GROWTH_B, OPT_LEMMA3_C, OPT_RATE_FLOOR, OPT_RATE_WINDOW, OPT_LINE_DEG,
    OPT_DIVERGE_MAX, OPT_FREEZE_V, OPT_INIT_FILE, OPT_NO_INVARIANTS, OPT_OUTPUTS,
    OPT_PAIRING_TOL
};

const sg_model_option sg_relu_options[] = {
    {"loss", 1, OPT_LOSS},
    {"d", 1, OPT_D},
    {"k", 1, OPT_K},
    {"n", 1, OPT_N},
    {"sigma", 1, OPT_SIGMA},
    {"init", 1, OPT_INIT},
    {"target", 1, OPT_TARGET},
    {"align-deg", 1, OPT_ALIGN_DEG},
    {"growth-v", 1, OPT_GROWTH_V},
    {"growth-b", 1, OPT_GROWTH_B},
    {"lemma3-c", 1, OPT_LEMMA3_C},
    {"rate-floor", 1, OPT_RATE_FLOOR},
    {"rate-min-window", 1, OPT_RATE_WINDOW},
    {"line-deg", 1, OPT_LINE_DEG},
    {"diverge-max", 1, OPT_DIVERGE_MAX},
    {"freeze-v", 0, OPT_FREEZE_V},
    {"init-file", 1, OPT_INIT_FILE},
    {"no-invariants", 0, OPT_NO_INVARIANTS},
    {"outputs", 1, OPT_OUTPUTS},
    {"pairing-tol", 1, OPT_PAIRING_TOL},
    {NULL, 0, 0},
};

/* The paper's setting (design section 2; the main job). */
void sg_relu_defaults(sg_config *cfg)
{
    sg_relu_config *c = SG_RELU_CFG(cfg);
    memset(c, 0, sizeof *c);
    c->loss = SG_LOSS_EMPIRICAL;
    c->d = 100;
    c->k = 2;
    c->n = 2000;
    c->sigma = 1e-4;
    c->init = SG_INIT_THEORY;
    c->target = SG_TARGET_E1;
    c->outputs = 1;
    c->pairing_tol = SG_PAIRING_TOL_DEFAULT;
    sg_inv_thresholds_default(&c->inv);
    cfg->mu = 0.1;
    cfg->steps = 600;
}

int sg_relu_parse_option(sg_config *cfg, int id, const char *arg)
{
    sg_relu_config *c = SG_RELU_CFG(cfg);
    long steps;
    switch (id) {
    case OPT_LOSS:
        if (strcmp(arg, "empirical") == 0) c->loss = SG_LOSS_EMPIRICAL;
        else if (strcmp(arg, "population") == 0) c->loss = SG_LOSS_POPULATION;
        else return sg_bad_value("loss", arg, "expected empirical or population");
        return 0;
    case OPT_D: return sg_parse_int("d", arg, 1, SG_MAX_DIM, &c->d);
    case OPT_K:
        c->k_given = 1;
        return sg_parse_int("k", arg, 1, SG_MAX_DIM, &c->k);
    case OPT_OUTPUTS:
        /* k = 2r by default (the paper's exact parameterisation), in either
           order of --outputs and --k: --k wins when given */
        if (sg_parse_int("outputs", arg, 1, SG_MAX_OUTPUTS, &c->outputs) != 0)
            return SG_EXIT_USAGE;
        if (!c->k_given)
            c->k = c->outputs > 1 ? 2 * c->outputs : 2;
        return 0;
    case OPT_N: return sg_parse_int("n", arg, 1, 100000000, &c->n);
    case OPT_SIGMA: return sg_parse_positive("sigma", arg, 1e100, &c->sigma);
    case OPT_INIT:
        if (strcmp(arg, "theory") == 0) c->init = SG_INIT_THEORY;
        else if (strcmp(arg, "xavier") == 0) c->init = SG_INIT_XAVIER;
        else if (strcmp(arg, "balanced") == 0) c->init = SG_INIT_BALANCED;
        else return sg_bad_value("init", arg, "expected theory, xavier or balanced");
        return 0;
    case OPT_TARGET:
        if (strcmp(arg, "e1") == 0 || strcmp(arg, "e") == 0) c->target = SG_TARGET_E1;
        else if (strcmp(arg, "random") == 0) c->target = SG_TARGET_RANDOM;
        else {
            c->target = SG_TARGET_FILE;
            return sg_parse_path("target", arg, c->target_path, sizeof c->target_path);
        }
        return 0;
    case OPT_ALIGN_DEG: return sg_parse_positive("align-deg", arg, 180.0, &c->inv.align_deg);
    case OPT_GROWTH_V: return sg_parse_positive("growth-v", arg, 1e6, &c->inv.growth_v);
    case OPT_GROWTH_B: return sg_parse_positive("growth-b", arg, 1e6, &c->inv.growth_b);
    case OPT_LEMMA3_C: return sg_parse_positive("lemma3-c", arg, 1e100, &c->inv.lemma3_c);
    case OPT_RATE_FLOOR: return sg_parse_positive("rate-floor", arg, 1.0, &c->inv.rate_floor);
    case OPT_RATE_WINDOW:
        if (sg_parse_long("rate-min-window", arg, 2, SG_MAX_STEPS, &steps) != 0)
            return SG_EXIT_USAGE;
        c->inv.rate_min_window = steps;
        return 0;
    case OPT_LINE_DEG: return sg_parse_positive("line-deg", arg, 90.0, &c->inv.line_deg);
    case OPT_DIVERGE_MAX:
        return sg_parse_positive("diverge-max", arg, 1e100, &c->inv.diverge_max);
    case OPT_PAIRING_TOL:
        return sg_parse_positive("pairing-tol", arg, 2.0, &c->pairing_tol);
    case OPT_FREEZE_V:
        c->freeze_v = 1;
        return 0;
    case OPT_INIT_FILE:
        return sg_parse_path("init-file", arg, c->init_path, sizeof c->init_path);
    case OPT_NO_INVARIANTS:
        c->no_invariants = 1;
        return 0;
    }
    return SG_EXIT_USAGE;
}

#define SG_STR_(x) #x
#define SG_STR(x) SG_STR_(x)

/* The empirical kernels are proved only inside the box of
   kernels/relu/region.h; a run outside it would stop at step 0 after the
   whole setup (up to a GB and seconds), so the CLI refuses it up front.
   The population loss has no X and its kernels no such proof: none of
   these limits apply to it. */
static int check_region(const sg_config *cfg, const sg_relu_config *c)
{
    static const char *const where = "the proved floating-point region of --loss empirical, "
                                     "kernels/relu/region.h";
    char val[64], why[160];
    if (c->loss != SG_LOSS_EMPIRICAL)
        return 0;
    const struct { const char *flag; long v, max; } sizes[] = {
        {"n", c->n, SG_SAFE_N_MAX}, {"d", c->d, SG_SAFE_D_MAX}, {"k", c->k, SG_SAFE_K_MAX},
        {"outputs", c->outputs, SG_SAFE_R_MAX}};
    for (int q = 0; q < 4; q++)
        if (sizes[q].v > sizes[q].max) {
            snprintf(val, sizeof val, "%ld", sizes[q].v);
            snprintf(why, sizeof why, "at most %ld (%s)", sizes[q].max, where);
            return sg_bad_value(sizes[q].flag, val, why);
        }
    if (!(cfg->mu <= SG_SAFE_MU_MAX)) {
        snprintf(val, sizeof val, "%.17g", cfg->mu);
        snprintf(why, sizeof why, "at most %g (%s)", SG_SAFE_MU_MAX, where);
        return sg_bad_value("mu", val, why);
    }
    return 0;
}

/* --outputs r > 1 (issue 16): the target's rows, the sizes of V, Y, R */
static int sg_relu_check_outputs(const sg_relu_config *c)
{
    char val[32], why[160];
    long r = c->outputs;
    snprintf(val, sizeof val, "%d", c->outputs);
    if (c->target != SG_TARGET_FILE && r > c->d) {
        snprintf(why, sizeof why, "at most d=%d for --target %s (%s orthonormal rows in R^d)",
                 c->d, sg_target_name(c), c->target == SG_TARGET_E1 ? "r" : "r random");
        return sg_bad_value("outputs", val, why);
    }
    if (c->init_path[0])
        return sg_bad_value("outputs", val, "--init-file reads k lines v_j,w_j: only --outputs 1");
    if (r * c->k > SG_MAX_ELEMS) {
        snprintf(why, sizeof why, "with --k %d gives %ld > 2^31-1 output weights", c->k,
                 r * c->k);
        return sg_bad_value("outputs", val, why);
    }
    if (c->loss == SG_LOSS_EMPIRICAL && r * c->n > SG_MAX_ELEMS) {
        snprintf(why, sizeof why, "with --n %d gives %ld > 2^31-1 labels", c->n, r * c->n);
        return sg_bad_value("outputs", val, why);
    }
    return 0;
}

/* sizes of the buffers: n*d (X), n*k (Z, H), k*d (W) elements */
int sg_relu_check(const sg_config *cfg)
{
    const sg_relu_config *c = SG_RELU_CFG_C(cfg);
    long n = c->loss == SG_LOSS_EMPIRICAL ? c->n : 1;
    /* --force removes and the run rewrites its own outputs: never one
       that is this run's input (issue 11, item 5) */
    const char *owned = c->target == SG_TARGET_FILE && cfg->force
                            ? sg_outdir_owned_name(cfg->out_dir, cfg->model->outputs, c->target_path) : NULL;
    if (owned) {
        fprintf(stderr, "shadowgd: invalid value '%s' for --target: it is %s/%s, which --force "
                        "would remove (copy it out of the output directory first)\n",
                c->target_path, cfg->out_dir, owned);
        return SG_EXIT_USAGE;
    }
    if (c->outputs > 1) {
        int rc = sg_relu_check_outputs(c);
        if (rc != 0)
            return rc;
    }
    if ((long)c->n * c->d > SG_MAX_ELEMS && c->loss == SG_LOSS_EMPIRICAL) {
        fprintf(stderr, "shadowgd: --n %d with --d %d gives %ld > 2^31-1 entries in X\n",
                c->n, c->d, (long)c->n * c->d);
        return SG_EXIT_USAGE;
    }
    if (n * c->k > SG_MAX_ELEMS) {
        fprintf(stderr, "shadowgd: --n %d with --k %d gives %ld > 2^31-1 activations\n",
                c->n, c->k, n * c->k);
        return SG_EXIT_USAGE;
    }
    if ((long)c->k * c->d + c->k > SG_MAX_ELEMS) {
        fprintf(stderr, "shadowgd: --k %d with --d %d gives %ld > 2^31-1 parameters\n",
                c->k, c->d, (long)c->k * c->d + c->k);
        return SG_EXIT_USAGE;
    }
    if (c->loss == SG_LOSS_POPULATION && (long)c->k * c->k > SG_MAX_ELEMS) {
        fprintf(stderr, "shadowgd: --k %d gives %ld > 2^31-1 pairwise angles\n", c->k,
                (long)c->k * c->k);
        return SG_EXIT_USAGE;
    }
    /* everything setup allocates before the first step (relu_memory.h),
       the MPFR shadow and the audit included */
    sg_relu_mem_shape shape = {c->loss == SG_LOSS_EMPIRICAL, c->n, c->d, c->k, cfg->prec,
                               cfg->audit_every > 0, cfg->shadow_trajectory != 0};
    double dbl = sg_relu_double_bytes(&shape), mp = sg_relu_shadow_bytes(&shape);
    double bytes = dbl + mp;
    double ram = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (ram > 0 && bytes > ram) {
        fprintf(stderr, "shadowgd: --n %d --d %d --k %d need %.1f GiB (%.1f GiB double state, "
                        "%.1f GiB MPFR shadow and audit at --prec %ld), more than the %.1f GiB "
                        "of memory of this machine\n", c->n, c->d, c->k, bytes / 1073741824.0,
                dbl / 1073741824.0, mp / 1073741824.0, cfg->prec, ram / 1073741824.0);
        return SG_EXIT_USAGE;
    }
    /* last: the size and memory checks above name the products of the
       options; these name one option and the proved region's limit */
    return check_region(cfg, c);
}

void sg_relu_usage(FILE *fp)
{
    fputs(
"model relu (default): a two-layer ReLU network f(x) = sum_j v_j ReLU(w_j . x)\n"
"learning a planted linear target y = a . x (design section 2):\n"
"  --loss empirical|population  loss to descend (default empirical)\n"
"  --d N          input dimension (default 100)\n"
"  --k N          hidden neurons (default 2)\n"
"  --n N          samples, empirical loss only (default 2000)\n"
"  limits of --loss empirical (its proved floating-point region):\n"
"                 --n <= " SG_STR(SG_SAFE_N_MAX) ", --d <= " SG_STR(SG_SAFE_D_MAX)
", --k <= " SG_STR(SG_SAFE_K_MAX) ", --mu <= " SG_STR(SG_SAFE_MU_MAX) "\n"
"  --sigma X      initialisation scale, > 0 (default 1e-4)\n"
"  --init theory|xavier|balanced   initialisation (default theory)\n"
"  --target e1|random|PATH         planted vector a (default e1)\n"
"  --init-file PATH  theta_0 from a CSV of k lines v_j,w_j1,...,w_jd (replaces --init)\n"
"  --freeze-v     keep v at v(0) and train W only (the paper's Fig. 1)\n"
"  --outputs R    outputs: x -> V ReLU(W x), V R x k, target A R x d (default 1;\n"
"                 R > 1: --k defaults to 2R, --target e|random|PATH of R rows,\n"
"                 docs/multi-output.md)\n"
"  --pairing-tol X  R > 1: PAIRING holds when every pair of opposite units has\n"
"                 relative residual <= X, (0, 2] (default " SG_STR(SG_PAIRING_TOL_DEFAULT) ")\n"
"  (defaults of the shared options for this model: --mu 0.1 --steps 600)\n"
"invariant audit (thresholds; defaults are the paper's):\n"
"  --align-deg X  alignment threshold in degrees, (0, 180] (default 9 = pi/20)\n"
"  --growth-v X   phase 2 ends when every |v_j| >= X sqrt|a| (default 0.25)\n"
"  --growth-b X   ... and every |b_j| <= X |a| (default 0.02 = 1/50)\n"
"  --lemma3-c X   constant of Lemma 3's imbalance bound (default 6)\n"
"  --rate-floor X RATE fit stops where dist^2 <= X |a|^2, (0, 1] (default 1e-20)\n"
"  --rate-min-window N  fewer phase-3 steps: RATE not-applicable (default 10)\n"
"  --line-deg X   neurons within X degrees share a line, (0, 90] (default 1)\n"
"  --diverge-max X  DIVERGE holds while |theta - theta_mpfr|/|theta_mpfr| <= X (default 1e-6)\n"
"  --no-invariants  no invariant audit: no verdicts, phases or audit figures, and\n"
"                 trajectory.csv without phase..imbal_ratio (its round-off tolerances\n"
"                 cost a pass over X per step)\n",
          fp);
}

/* every option that defines the run's trajectory (not the audit's
   thresholds, which the audit's own checkpoint section carries) */
uint64_t sg_relu_config_hash(const sg_config *cfg)
{
    const sg_relu_config *c = SG_RELU_CFG_C(cfg);
    uint64_t f[6] = {(uint64_t)c->loss, (uint64_t)c->d, (uint64_t)c->k, (uint64_t)c->n,
                     (uint64_t)c->init, (uint64_t)c->target};
    unsigned char le[sizeof f]; /* little-endian whatever the host (binio.h) */
    for (int i = 0; i < 6; i++)
        sg_le_enc64(le + 8 * i, f[i]);
    uint64_t h = sg_fnv1a(SG_FNV_INIT, le, sizeof le);
    h = sg_fnv1a_doubles(h, &c->sigma, 1);
    if (c->target == SG_TARGET_FILE)
        h = sg_fnv1a(h, c->target_path, strlen(c->target_path));
    /* only when given, so that the hash of every earlier configuration is
       unchanged; the initial state's content is compared through theta_0's
       hash */
    if (c->freeze_v)
        h = sg_fnv1a(h, "freeze-v", 8);
    if (c->init_path[0])
        h = sg_fnv1a(h, c->init_path, strlen(c->init_path));
    /* r only when > 1: every r = 1 hash (and checkpoint) is unchanged */
    if (c->outputs > 1) {
        unsigned char re[8];
        sg_le_enc64(re, (uint64_t)c->outputs);
        h = sg_fnv1a(h, "outputs", 7);
        h = sg_fnv1a(h, re, sizeof re);
    }
    return h;
}

long sg_relu_theta_len(const sg_config *cfg)
{
    const sg_relu_config *c = SG_RELU_CFG_C(cfg);
    return c->outputs > 1 ? sg_mtheta_len(c->d, c->k, c->outputs) : sg_theta_len(c->d, c->k);
}

const char *sg_loss_name(sg_loss_kind l)
{
    return l == SG_LOSS_POPULATION ? "population" : "empirical";
}

const char *sg_target_name(const sg_relu_config *c)
{
    switch (c->target) {
    case SG_TARGET_E1: return c->outputs > 1 ? "e" : "e1";
    case SG_TARGET_RANDOM: return "random";
    case SG_TARGET_FILE: return c->target_path;
    }
    return "?";
}
