/* sensing_config.c -- matrix sensing's options (see sensing_config.h). */
#include "models/sensing/sensing_config.h"
#include "io/binio.h"
#include "io/exit_status.h"
#include "io/hash.h"
#include "io/parse.h"
#include "kernels/sensing/problem.h"
#include "kernels/sensing/safe_box.h"
#include <string.h>
#include <unistd.h>

enum {
    OPT_N1 = 1, OPT_N2, OPT_RANK, OPT_K, OPT_M, OPT_KAPPA, OPT_ALPHA, OPT_LOWRANK,
    OPT_RECOVERY, OPT_SPECTRAL, OPT_DIVERGE_MAX
};

const sg_model_option sg_sensing_options[] = {
    {"n1", 1, OPT_N1},
    {"n2", 1, OPT_N2},
    {"rank", 1, OPT_RANK},
    {"k", 1, OPT_K},
    {"m", 1, OPT_M},
    {"kappa", 1, OPT_KAPPA},
    {"alpha", 1, OPT_ALPHA},
    {"lowrank-factor", 1, OPT_LOWRANK},
    {"recovery-factor", 1, OPT_RECOVERY},
    {"spectral-deg", 1, OPT_SPECTRAL},
    {"diverge-max", 1, OPT_DIVERGE_MAX},
    {NULL, 0, 0},
};

void sg_sensing_defaults(sg_config *cfg)
{
    sg_sensing_config *c = SG_SENSING_CFG(cfg);
    memset(c, 0, sizeof *c);
    c->n1 = 40;
    c->n2 = 30;
    c->rank = 3;
    c->k = 10;
    c->m = 1050;
    c->kappa = 2.0;
    c->alpha = 1e-4;
    c->lowrank_factor = 10.0;
    c->recovery_factor = 10.0;
    c->spectral_deg = 30.0;
    c->diverge_max = 1e-6;
    cfg->mu = 0.2;
    cfg->steps = 600;
}

int sg_sensing_parse_option(sg_config *cfg, int id, const char *arg)
{
    sg_sensing_config *c = SG_SENSING_CFG(cfg);
    switch (id) {
    case OPT_N1: return sg_parse_int("n1", arg, 1, SG_SENS_MAX_DIM, &c->n1);
    case OPT_N2: return sg_parse_int("n2", arg, 1, SG_SENS_MAX_DIM, &c->n2);
    case OPT_RANK: return sg_parse_int("rank", arg, 1, SG_SENS_MAX_DIM, &c->rank);
    case OPT_K: return sg_parse_int("k", arg, 1, SG_SENS_MAX_DIM, &c->k);
    case OPT_M: return sg_parse_int("m", arg, 1, 100000000, &c->m);
    case OPT_KAPPA:
        if (sg_parse_positive("kappa", arg, 1e100, &c->kappa) != 0)
            return SG_EXIT_USAGE;
        return c->kappa >= 1.0 ? 0 : sg_bad_value("kappa", arg, "must be >= 1");
    case OPT_ALPHA: return sg_parse_positive("alpha", arg, 1e100, &c->alpha);
    case OPT_LOWRANK: return sg_parse_positive("lowrank-factor", arg, 1e100, &c->lowrank_factor);
    case OPT_RECOVERY:
        return sg_parse_positive("recovery-factor", arg, 1e100, &c->recovery_factor);
    case OPT_SPECTRAL: return sg_parse_positive("spectral-deg", arg, 90.0, &c->spectral_deg);
    case OPT_DIVERGE_MAX:
        return sg_parse_positive("diverge-max", arg, 1e100, &c->diverge_max);
    }
    return SG_EXIT_USAGE;
}

/* sizes (problem.h), the proved box of one step (safe_box.h), memory */
int sg_sensing_check(const sg_config *cfg)
{
    const sg_sensing_config *c = SG_SENSING_CFG_C(cfg);
    char msg[256];
    if (sg_sens_check_sizes(c->n1, c->n2, c->rank, c->k, c->m, c->kappa, msg, sizeof msg) != 0 ||
        sg_sens_safe_sizes(c->n1, c->n2, c->k, c->m, cfg->mu, msg, sizeof msg) != 0) {
        fprintf(stderr, "shadowgd: %s\n", msg);
        return SG_EXIT_USAGE;
    }
    /* doubles of the double run: A (m N), y, P, M, X*, U*, V*, theta x 3,
       the gradient, the measurements' workspace (about 4 N); the MPFR
       shadow and audit hold about 3 (N + m + len) numbers of prec bits each */
    double N = (double)c->n1 * c->n2, len = (double)(c->n1 + c->n2) * c->k;
    double bytes = 8.0 * ((double)c->m * N + 8.0 * N + c->m + 6.0 * len);
    bytes += 3.0 * (N + c->m + len) * (32.0 + (double)cfg->prec / 8.0);
    double ram = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (ram > 0 && bytes > ram) {
        fprintf(stderr, "shadowgd: --m %d --n1 %d --n2 %d need %.1f GiB, more than the %.1f GiB "
                        "of memory of this machine\n", c->m, c->n1, c->n2,
                bytes / 1073741824.0, ram / 1073741824.0);
        return SG_EXIT_USAGE;
    }
    return 0;
}

void sg_sensing_usage(FILE *fp)
{
    fputs(
"model sensing: overparameterised asymmetric matrix sensing from small random\n"
"initialisation, X* = U* diag(s) V*' of rank r, GD on 1/2 |A(UV') - y|^2 (design section 3):\n"
"  --n1 N, --n2 N  sizes of X* (default 40, 30)\n"
"  --rank R       rank r of X*, <= min(n1, n2) (default 3)\n"
"  --k N          columns of the factors U, V, >= rank (default 10)\n"
"  --m N          measurements, m n1 n2 <= 2^28 (default 1050 < n1 n2)\n"
"  --kappa X      condition number: singular values 1 .. 1/kappa, >= 1 (default 2)\n"
"  --alpha X      initialisation scale: U0 = alpha Ubar, V0 = alpha Vbar (default 1e-4)\n"
"  (defaults of the shared options for this model: --mu 0.2 --steps 600)\n"
"  proved box of one step: n1, n2, k <= 512, m <= 65536, mu <= 100, |U|, |V| <= 1e4\n"
"invariant audit (thresholds):\n"
"  --lowrank-factor X   LOWRANK holds while sigma_{r+1}(UV') <= X alpha (default 10)\n"
"  --recovery-factor X  RECOVERY holds when the final relative error <= X alpha (default 10)\n"
"  --spectral-deg X     SPECTRAL threshold on the principal angle, degrees; the end of\n"
"                 the alignment phase (default 30: the default problem's angle\n"
"                 plateaus near 27-30 deg before the growth, docs/sensing.md)\n"
"  --diverge-max X      DIVERGE holds while |theta - theta_mpfr|/|theta_mpfr| <= X (default 1e-6)\n",
          fp);
}

uint64_t sg_sensing_config_hash(const sg_config *cfg)
{
    const sg_sensing_config *c = SG_SENSING_CFG_C(cfg);
    uint64_t f[5] = {(uint64_t)c->n1, (uint64_t)c->n2, (uint64_t)c->rank, (uint64_t)c->k,
                     (uint64_t)c->m};
    unsigned char le[sizeof f];
    for (int i = 0; i < 5; i++)
        sg_le_enc64(le + 8 * i, f[i]);
    uint64_t h = sg_fnv1a(SG_FNV_INIT, le, sizeof le);
    h = sg_fnv1a_doubles(h, &c->kappa, 1);
    return sg_fnv1a_doubles(h, &c->alpha, 1);
}

long sg_sensing_theta_len(const sg_config *cfg)
{
    const sg_sensing_config *c = SG_SENSING_CFG_C(cfg);
    return (long)(c->n1 + c->n2) * c->k;
}
