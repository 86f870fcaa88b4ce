#!/bin/sh
# mutation.sh WORKDIR -- the proofs must catch bugs.
# Each mutant is one small edit of a kernel, applied to a copy of src/ and
# specs/ under WORKDIR; WP (same flags and the same prover step limit as
# `make proofs`, only the mutated function) must then leave at least one goal
# unproved.  The unmutated copy must prove every goal of the same functions
# under the same step limit, so a mutant is caught by its own error and not
# by a tighter budget; step limits (not wall-clock time) decide, so the
# verdict does not depend on the machine's load (issue 11, item 7).
# Exit 0 only if every mutant is caught and the original passes.
set -u
work=${1:-build/proofs/mutation}
FRAMAC=${FRAMAC:-frama-c}
STEPS=${WP_STEPS:-10000000}
# wall-clock safety net of the unmutated copy (as in `make proofs`): far
# above any successful proof, so its verdict is decided by the step limit
TIMEOUT=${WP_TIMEOUT:-120}
# The mutants get a shorter wall-clock cap on top of the same step limit.
# This cannot make the verdict depend on the load: every mutant has a goal
# that is false, which no prover proves at any limit, so "caught" holds
# whatever the machine's speed; the cap only ends the provers' hopeless
# searches sooner (the number of proved goals printed may vary).
MUT_TIMEOUT=${MUT_TIMEOUT:-20}
rm -rf "$work" && mkdir -p "$work" || exit 2

# name | file | function | sed expression (must change the file)
# (wrong-index-grad-W is caught by the RTE goals, semantic-grad-W and
# stale-start-grad-W -- the in-place sums of gW not started from 0 -- by the
# functional postcondition gW == GradW)
MUTANTS='off-by-one-dot|kernels/dot.c|sg_dot|s/for (int l = 0; l < m; l++)/for (int l = 0; l <= m; l++)/
off-by-one-forward|kernels/relu/empirical.c|sg_forward|0,/for (int l = 0; l < d; l++) {$/s//for (int l = 0; l < d - 1; l++) {/
wrong-index-grad-v|kernels/relu/empirical.c|sg_grad_v|s/double p = r\[i\] \* H\[(long)i \* k + j\];/double p = r[j] * H[(long)i * k + j];/
dropped-term-residual|kernels/relu/empirical.c|sg_residual|s/r\[i\] = f\[i\] - y\[i\];/r[i] = f[i];/
wrong-sign-update|kernels/relu/empirical.c|sg_gd_update|s/theta\[i\] = theta\[i\] - s;/theta[i] = theta[i] + s;/
wrong-index-grad-W|kernels/relu/empirical.c|sg_grad_W|s/double x = X\[(long)i \* d + l\];/double x = X[(long)i * d + l + 1];/
semantic-grad-W|kernels/relu/empirical.c|sg_grad_W|s/if (Z\[(long)i \* k + j\] > 0.0) {/if (Z[(long)i * k + j] >= 0.0) {/
stale-start-grad-W|kernels/relu/empirical.c|sg_grad_W|s/gW\[q\] = 0.0;/gW[q] = gW[q];/
wrong-index-output|kernels/relu/empirical.c|sg_output|s/double p = H\[(long)i \* k + j\] \* v\[j\];/double p = H[(long)i * k + j] * v[0];/
dropped-scale-loss|kernels/relu/empirical.c|sg_loss|s/return s \/ two_n;/return s;/'

# prove FUNCTION in copy DIR; print "proved total"
prove() {
  t=${3:-$MUT_TIMEOUT}
  "$FRAMAC" -machdep x86_64 -cpp-extra-args="-I$1/src -I$1" -warn-special-float none \
    -wp -wp-model real -wp-rte -wp-prover z3,cvc5,cvc4 -wp-par 2 -wp-steps "$STEPS" -wp-timeout "$t" \
    -wp-fct "$2" "$1"/src/kernels/dot.c "$1"/src/kernels/relu/empirical.c > "$1/wp-$2.log" 2>&1
  sed -n 's/^\[wp\] Proved goals: *\([0-9]*\) \/ \([0-9]*\).*/\1 \2/p' "$1/wp-$2.log"
}

status=0
orig="$work/original"
mkdir -p "$orig" && cp -r src specs "$orig"/
funcs=$(printf '%s\n' "$MUTANTS" | cut -d'|' -f3 | sort -u | tr '\n' ',' | sed 's/,$//')
set -- $(prove "$orig" "$funcs" "$TIMEOUT")
if [ $# -eq 2 ] && [ "$1" = "$2" ] && [ "$2" -gt 0 ]; then
  echo "mutation: original            $1 / $2 goals proved ($funcs; $STEPS steps)"
else
  echo "mutation: FAILED: the original does not prove ($*), see $orig/wp-$funcs.log"; status=1
fi

printf '%s\n' "$MUTANTS" | {
  st=0
  while IFS='|' read -r name file fn expr; do
    dir="$work/$name"; mkdir -p "$dir" && cp -r src specs "$dir"/
    sed -i "$expr" "$dir/src/$file"
    if cmp -s "src/$file" "$dir/src/$file"; then
      echo "mutation: $name: the edit did not apply (test out of date)"; st=1; continue
    fi
    set -- $(prove "$dir" "$fn")
    if [ $# -eq 2 ] && [ "$1" -lt "$2" ]; then
      printf 'mutation: %-24s caught: %s / %s goals of %s proved\n' "$name" "$1" "$2" "$fn"
    else
      echo "mutation: $name: NOT caught ($*), see $dir/wp-$fn.log"; st=1
    fi
  done
  exit $st
} || status=1
# ---- Model B (issue 10): mutants of src/kernels/sensing/sensing.c ----
# Same rules as above; WP runs on sensing.c (with dot.c for sg_dot).
SENS_MUTANTS='off-by-one-product|kernels/sensing/sensing.c|sg_sens_product|s/for (int j = 0; j < k; j++) {$/for (int j = 0; j < k - 1; j++) {/
wrong-index-residual|kernels/sensing/sensing.c|sg_sens_residual|s/double p = A\[(long)i \* N + q\] \* P\[q\];/double p = A[(long)i * N + q] * P[0];/
dropped-scale-residual|kernels/sensing/sensing.c|sg_sens_residual|s/double t = s \* c;/double t = s;/
dropped-scale-adjoint|kernels/sensing/sensing.c|sg_sens_adjoint|s/M\[q\] = M\[q\] \* c;/M[q] = M[q];/
wrong-row-adjoint|kernels/sensing/sensing.c|sg_sens_adjoint|s/double p = res\[i\] \* A\[(long)i \* N + q\];/double p = res[0] * A[(long)i * N + q];/
wrong-column-grad-U|kernels/sensing/sensing.c|sg_sens_grad_U|s/double p = M\[(long)a \* n2 + b\] \* V\[(long)b \* k + j\];/double p = M[(long)a * n2 + b] * V[(long)b * k];/
wrong-column-grad-V|kernels/sensing/sensing.c|sg_sens_grad_V|s/double p = M\[(long)a \* n2 + b\] \* U\[(long)a \* k + j\];/double p = M[(long)a * n2 + b] * U[(long)a * k];/
dropped-half-loss|kernels/sensing/sensing.c|sg_sens_loss|s/return 0.5 \* s;/return s;/'

prove_sens() {
  t=${3:-$MUT_TIMEOUT}
  "$FRAMAC" -machdep x86_64 -cpp-extra-args="-I$1/src -I$1" -warn-special-float none \
    -wp -wp-model real -wp-rte -wp-prover z3,cvc5,cvc4 -wp-par 2 -wp-steps "$STEPS" -wp-timeout "$t" \
    -wp-fct "$2" "$1"/src/kernels/dot.c "$1"/src/kernels/sensing/sensing.c > "$1/wp-$2.log" 2>&1
  sed -n 's/^\[wp\] Proved goals: *\([0-9]*\) \/ \([0-9]*\).*/\1 \2/p' "$1/wp-$2.log"
}

sorig="$work/sensing-original"
mkdir -p "$sorig" && cp -r src specs "$sorig"/
sfuncs=$(printf '%s\n' "$SENS_MUTANTS" | cut -d'|' -f3 | sort -u | tr '\n' ',' | sed 's/,$//')
set -- $(prove_sens "$sorig" "$sfuncs" "$TIMEOUT")
if [ $# -eq 2 ] && [ "$1" = "$2" ] && [ "$2" -gt 0 ]; then
  echo "mutation: sensing original    $1 / $2 goals proved ($sfuncs; $STEPS steps)"
else
  echo "mutation: FAILED: the sensing original does not prove ($*), see $sorig/wp-$sfuncs.log"; status=1
fi
printf '%s\n' "$SENS_MUTANTS" | {
  st=0
  while IFS='|' read -r name file fn expr; do
    dir="$work/$name"; mkdir -p "$dir" && cp -r src specs "$dir"/
    sed -i "$expr" "$dir/src/$file"
    if cmp -s "src/$file" "$dir/src/$file"; then
      echo "mutation: $name: the edit did not apply (test out of date)"; st=1; continue
    fi
    set -- $(prove_sens "$dir" "$fn")
    if [ $# -eq 2 ] && [ "$1" -lt "$2" ]; then
      printf 'mutation: %-24s caught: %s / %s goals of %s proved\n' "$name" "$1" "$2" "$fn"
    else
      echo "mutation: $name: NOT caught ($*), see $dir/wp-$fn.log"; st=1
    fi
  done
  exit $st
} || status=1
# ---- end of Model B block ----

# ---- value specifications (issue 15, item 4): rng, population ----
# Same rules as above; WP runs on the kernels the value contracts span.
VAL_MUTANTS='shift16-rng-next|kernels/rng.c|sg_rng_next|s/const uint64_t t = s\[1\] << 17;/const uint64_t t = s[1] << 16;/
shift30-splitmix-out|kernels/rng.c|sg_splitmix64|s/return z ^ (z >> 31);/return z ^ (z >> 30);/
shift10-uniform|kernels/rng.c|sg_rng_uniform|s/return (double)(x >> 11) \* 0x1.0p-53;/return (double)(x >> 10) * 0x1.0p-53;/
pi-plus-kappa|kernels/relu/population.c|kappa|s/return sin(t) + (M_PI - t) \* cos(t);/return sin(t) + (M_PI + t) * cos(t);/
two-pi-pop-loss|kernels/relu/population.c|sg_pop_loss|s/return quad \/ (4.0 \* M_PI)/return quad \/ (2.0 * M_PI)/
flipped-signs-init|kernels/relu/init.c|sg_init_state|s/v\[j\] = (j % 2 == 0) ? mag : -mag;/v[j] = (j % 2 == 0) ? -mag : mag;/'

prove_val() {
  t=${3:-$MUT_TIMEOUT}
  "$FRAMAC" -machdep x86_64 -cpp-extra-args="-I$1/src -I$1" -warn-special-float none \
    -wp -wp-model real -wp-rte -wp-prover z3,cvc5,cvc4 -wp-par 2 -wp-steps "$STEPS" -wp-timeout "$t" \
    -wp-fct "$2" "$1"/src/kernels/rng.c "$1"/src/kernels/detmath.c "$1"/src/kernels/dot.c \
    "$1"/src/kernels/geometry.c "$1"/src/kernels/relu/population.c "$1"/src/kernels/relu/init.c \
    > "$1/wp-$2.log" 2>&1
  sed -n 's/^\[wp\] Proved goals: *\([0-9]*\) \/ \([0-9]*\).*/\1 \2/p' "$1/wp-$2.log"
}

vorig="$work/value-original"
mkdir -p "$vorig" && cp -r src specs "$vorig"/
vfuncs=$(printf '%s\n' "$VAL_MUTANTS" | cut -d'|' -f3 | sort -u | tr '\n' ',' | sed 's/,$//')
set -- $(prove_val "$vorig" "$vfuncs" "$TIMEOUT")
if [ $# -eq 2 ] && [ "$1" = "$2" ] && [ "$2" -gt 0 ]; then
  echo "mutation: value original      $1 / $2 goals proved ($vfuncs; $STEPS steps)"
else
  echo "mutation: FAILED: the value original does not prove ($*), see $vorig/wp-$vfuncs.log"; status=1
fi
printf '%s\n' "$VAL_MUTANTS" | {
  st=0
  while IFS='|' read -r name file fn expr; do
    dir="$work/$name"; mkdir -p "$dir" && cp -r src specs "$dir"/
    sed -i "$expr" "$dir/src/$file"
    if cmp -s "src/$file" "$dir/src/$file"; then
      echo "mutation: $name: the edit did not apply (test out of date)"; st=1; continue
    fi
    set -- $(prove_val "$dir" "$fn")
    if [ $# -eq 2 ] && [ "$1" -lt "$2" ]; then
      printf 'mutation: %-24s caught: %s / %s goals of %s proved\n' "$name" "$1" "$2" "$fn"
    else
      echo "mutation: $name: NOT caught ($*), see $dir/wp-$fn.log"; st=1
    fi
  done
  exit $st
} || status=1
# ---- end of value-specification block ----

[ $status -eq 0 ] && echo "proofs-mutation: every mutant caught, original proved"
exit $status
