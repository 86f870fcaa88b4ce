#!/bin/sh
# mutation.sh WORKDIR -- the proofs must catch bugs.
# Each mutant is one small edit of a kernel, applied to a copy of src/ and
# specs/ under WORKDIR; WP (same flags and the same prover step limit as
# `make proofs`, only the mutated function and the property its line names)
# must then leave that goal unproved.  The unmutated copy must prove every
# goal of the named properties of the same functions under the same step
# limit, so a mutant is caught by its own error and not by a tighter budget; step limits (not wall-clock time) decide, so the
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
# Every mutant has a goal that is false, which no prover proves at any
# limit; cvc5 and cvc4 do not stop at the step limit on a false goal, they
# run to the cap, so each false goal costs the whole cap (at 20 s the test
# took 20 min, at 8 s 16 min with 31 mutants).  The verdict does not rest on
# the cap: a mutant counts as caught only if the goal its edit falsifies
# (the 5th field of its line, named as in the WP log) is among the unproved
# goals, so a true goal that ran past the cap on a loaded machine changes no
# verdict, and a mutant whose named goal is proved fails the test.  The cap
# could mislead only if a named goal were true but slower than the cap: the
# slowest goal of the unmutated copies measured 0.89 s (relu block, 2026-12-03: sg_output partial; sg_forward_tiles wt_done 0.5 s),
# so 3 s leaves a margin of 3.
MUT_TIMEOUT=${MUT_TIMEOUT:-3}
# prover processes at once (as `make proofs`'s WP_PAR); the verdicts rest on
# step limits, so this changes only the time taken
PAR=${WP_PAR:-2}
# MUT_BLOCKS: the blocks to run (labels, space-separated; default all), for
# iterating on one family of kernels
MUT_BLOCKS=${MUT_BLOCKS:-relu sensing multi value rounding}
# WP_CACHE_SEED: a WP cache directory (`make proofs` leaves proofs/.cache) to
# start from.  It is copied, so mutants never write into the project's cache.
# A cache hit replays the result the same prover gave on the same goal text
# under the same limits; the mutated goals are new text and are proved
# afresh, so only the unchanged goals (the originals, and a mutant's goals
# that its edit does not touch) are saved: about a tenth of the time (relu
# block 5.5 -> 4.9 min measured; the false goals dominate).
WP_CACHE_SEED=${WP_CACHE_SEED:-}
rm -rf "$work" && mkdir -p "$work/cache" || exit 2
if [ -n "$WP_CACHE_SEED" ] && [ -d "$WP_CACHE_SEED" ]; then
  cp -r "$WP_CACHE_SEED"/. "$work/cache"/ || exit 2
fi
want() { case " $MUT_BLOCKS " in *" $1 "*) return 0;; esac; return 1; }

# prove FUNCTIONS in copy DIR, WP on FILES (paths under src/), wall cap T,
# extra preprocessor flags CPP, only the goals of property PROP if given
# (-wp-prop); print "proved total"
prove() { # DIR FUNCTIONS FILES T [CPP [PROP]]
  files=$(for f in $3; do printf '%s ' "$1/src/$f"; done)
  only=; [ -n "${6:-}" ] && only="-wp-prop $6"
  tag=$(printf '%s' "$2${5:-}" | tr -c 'A-Za-z0-9_-' '_' | cut -c1-120)
  "$FRAMAC" -machdep x86_64 -cpp-extra-args="-I$1/src -I$1 ${5:-}" -warn-special-float none \
    -wp -wp-model real -wp-rte -wp-prover z3,cvc5,cvc4 -wp-par "$PAR" -wp-steps "$STEPS" -wp-timeout "$4" \
    -wp-cache-dir "$work/cache" -wp-cache update -wp-fct "$2" $only $files > "$1/wp-$tag.log" 2>&1
  sed -n 's/^\[wp\] Proved goals: *\([0-9]*\) \/ \([0-9]*\).*/\1 \2/p' "$1/wp-$tag.log"
}

# One block of mutants: LABEL, FILES (WP sees these kernels; the functions
# they call elsewhere through their contracts), MUTANTS (lines
# name|file|function|sed expression|goal: the expression must change the
# file, and goal -- the WP goal name after typed_real_FUNCTION_ -- must be
# left unproved).
# The unmutated copy must prove every goal of the named properties in the
# block's functions; each mutant must leave its named goal unproved.
# the ACSL property a WP goal name belongs to (-wp-prop's argument):
# loop_invariant_done_2_preserved -> done, assert_cell -> cell,
# ensures_value -> value; a variant has no name: its category, @variant
goal_prop() {
  printf '%s' "$1" | sed 's/^loop_variant_.*/@variant/; s/^\(loop_invariant\|assert\|ensures\)_//; s/_\(preserved\|established\)$//; s/_[0-9][0-9]*$//'
}

status=0
block() { # LABEL FILES MUTANTS
  want "$1" || return 0
  orig="$work/$1-original"
  mkdir -p "$orig" && cp -r src specs "$orig"/
  funcs=$(printf '%s\n' "$3" | cut -d'|' -f3 | sort -u | tr '\n' ',' | sed 's/,$//')
  # the original proves the named properties of the block's mutants (every
  # goal of them, in every function of the block): each mutant's verdict
  # is then "this goal proves on the original and not on the mutant"; the
  # other goals of these functions are `make proofs`'s (proved there, with
  # the same flags and limits, before this test runs in make check)
  props=$(printf '%s\n' "$3" | cut -d'|' -f5 | while read -r g; do goal_prop "$g"; echo; done | sort -u | tr '\n' ',' | sed 's/,$//')
  set -- "$1" "$2" "$3" $(prove "$orig" "$funcs" "$2" "$TIMEOUT" "" "$props")
  if [ $# -eq 5 ] && [ "$4" = "$5" ] && [ "$5" -gt 0 ]; then
    printf 'mutation: %-24s %s / %s goals proved (%s of %s; %s steps)\n' "$1 original" "$4" "$5" "$props" "$funcs" "$STEPS"
  else
    echo "mutation: FAILED: the $1 original does not prove (${4:-} ${5:-}), see $orig"; status=1
  fi
  files=$2
  printf '%s\n' "$3" | {
    st=0
    while IFS='|' read -r name file fn expr goal; do
      dir="$work/$name"; mkdir -p "$dir" && cp -r src specs "$dir"/
      sed -i "$expr" "$dir/src/$file"
      if cmp -s "src/$file" "$dir/src/$file"; then
        echo "mutation: $name: the edit did not apply (test out of date)"; st=1; continue
      fi
      # only the named goal's property is tried (its preserved and
      # established goals, every loop's invariant of that name): the other
      # goals the edit falsifies would each cost the whole cap, and the
      # verdict reads the named goal alone
      set -- $(prove "$dir" "$fn" "$files" "$MUT_TIMEOUT" "" "$(goal_prop "$goal")")
      # the goal the edit falsifies must be among the unproved ones: a true
      # goal that merely ran past the cap cannot make a mutant look caught
      log=$(ls "$dir"/wp-*.log)
      if [ -z "$goal" ]; then
        echo "mutation: $name: no expected goal given (5th field)"; st=1
      elif [ $# -eq 2 ] && [ "$1" -lt "$2" ] &&
           grep -q "^\[wp\] \[Failed\] Goal typed_real_${fn}_${goal}\$" "$log"; then
        printf 'mutation: %-24s caught: %s / %s goals of %s proved, %s unproved\n' "$name" "$1" "$2" "$fn" "$goal"
      else
        echo "mutation: $name: NOT caught ($*), see $dir"; st=1
      fi
    done
    exit $st
  } || status=1
}

# ---- the ReLU network's empirical kernels ----
# (wrong-index-grad-W is caught by the RTE goals, semantic-grad-W and
# stale-start-grad-W -- the in-place sums of gW not started from 0 -- by the
# functional postcondition gW == GradW)
MUTANTS='off-by-one-dot|kernels/dot.c|sg_dot|s/for (int l = 0; l < m; l++)/for (int l = 0; l <= m; l++)/|loop_invariant_range_preserved
off-by-one-forward|kernels/relu/forward.c|sg_forward_tiles|/^static void sg_forward_tiles/,$s/for (int l = 0; l < d; l++) {$/for (int l = 0; l < d - 1; l++) {/|assert_cell
wrong-index-forward|kernels/relu/forward.c|sg_forward_tiles|s/double w = Wt\[wl + jb + c\];/double w = Wt[wl + jb];/|assert_w_pre
wrong-transpose-forward|kernels/relu/forward.c|sg_forward_tiles|s/Wt\[(long)l \* kp + t\] = W\[(long)j \* d + l\];/Wt[(long)l * kp + t] = W[(long)l * d + j];/|loop_invariant_wt_done_2_preserved
wrong-index-grad-v|kernels/relu/empirical.c|sg_grad_v|s/double p = SG_MUL(ri, h);/double p = SG_MUL(r[j], h);/|assert_term
dropped-term-residual|kernels/relu/residual_update.c|sg_residual|s/r\[i\] = SG_SUB(f\[i\], y\[i\]);/r[i] = f[i];/|loop_invariant_done_preserved
wrong-sign-update|kernels/relu/residual_update.c|sg_gd_update|s/theta\[i\] = SG_SUB(theta\[i\], s);/theta[i] = SG_ADD(theta[i], s);/|loop_invariant_done_preserved
wrong-index-grad-W|kernels/relu/empirical.c|sg_grad_W|s/double x = X\[(long)i \* d + l\];/double x = X[(long)i * d + l + 1];/|assert_same_x
semantic-grad-W|kernels/relu/empirical.c|sg_grad_W|s/if (Z\[(long)i \* k + j\] > 0.0) {/if (Z[(long)i * k + j] >= 0.0) {/|assert_next_on
stale-start-grad-W|kernels/relu/empirical.c|sg_grad_W|s/gW\[q\] = 0.0;/gW[q] = gW[q];/|loop_invariant_zero_preserved
wrong-index-output|kernels/relu/empirical.c|sg_output|s/double p = SG_MUL(H\[(long)i \* k + j\], v\[j\]);/double p = SG_MUL(H[(long)i * k + j], v[0]);/|loop_invariant_partial_preserved
dropped-scale-loss|kernels/relu/residual_update.c|sg_loss|s/return SG_DIV(s, two_n);/return s;/|ensures_loss'
block relu "kernels/dot.c kernels/relu/empirical.c kernels/relu/forward.c kernels/relu/residual_update.c" "$MUTANTS"

# ---- matrix sensing (issue 10) ----
SENS_MUTANTS='off-by-one-product|kernels/sensing/sensing.c|sg_sens_product|s/for (int j = 0; j < k; j++) {$/for (int j = 0; j < k - 1; j++) {/|assert_cell
wrong-index-residual|kernels/sensing/sensing.c|sg_sens_residual|s/double p = A\[(long)i \* N + q\] \* P\[q\];/double p = A[(long)i * N + q] * P[0];/|loop_invariant_partial_preserved
dropped-scale-residual|kernels/sensing/sensing.c|sg_sens_residual|s/double t = s \* c;/double t = s;/|assert_cell
dropped-scale-adjoint|kernels/sensing/sensing.c|sg_sens_adjoint|s/M\[q\] = M\[q\] \* c;/M[q] = M[q];/|loop_invariant_done_2_preserved
wrong-row-adjoint|kernels/sensing/sensing.c|sg_sens_adjoint|s/double p = res\[i\] \* A\[(long)i \* N + q\];/double p = res[0] * A[(long)i * N + q];/|loop_invariant_done_preserved
wrong-column-grad-U|kernels/sensing/sensing.c|sg_sens_grad_U|s/double p = M\[(long)a \* n2 + b\] \* V\[(long)b \* k + j\];/double p = M[(long)a * n2 + b] * V[(long)b * k];/|loop_invariant_partial_preserved
wrong-column-grad-V|kernels/sensing/sensing.c|sg_sens_grad_V|s/double p = M\[(long)a \* n2 + b\] \* U\[(long)a \* k + j\];/double p = M[(long)a * n2 + b] * U[(long)a * k];/|loop_invariant_partial_preserved
dropped-half-loss|kernels/sensing/sensing.c|sg_sens_loss|s/return 0.5 \* s;/return s;/|ensures_loss'
block sensing "kernels/dot.c kernels/sensing/sensing.c" "$SENS_MUTANTS"

# ---- the multi-output network (issue 16): multi.c and the e target ----
MULTI_MUTANTS='wrong-row-moutput|kernels/relu/multi.c|sg_moutput|s/double p = H\[(long)row \* k + j\] \* V\[(long)o \* k + j\];/double p = H[(long)row * k + j] * V[j];/|assert_term
zero-start-mbackprop|kernels/relu/multi.c|sg_mbackprop|s/double t = R\[(long)row \* r\] \* V\[j\];/double t = 0.0;/|assert_one
dropped-scale-mgrad-V|kernels/relu/multi.c|sg_mgrad_V|s/gV\[(long)o \* k + j\] = acc \/ dn;/gV[(long)o * k + j] = acc;/|loop_invariant_done_2_preserved
wrong-scale-mloss|kernels/relu/multi.c|sg_mloss|s/double two_n = 2.0 \* (double)n;/double two_n = 2.0 * (double)(n * r);/|ensures_loss
semantic-mgrad-W|kernels/relu/multi.c|sg_mgrad_W|s/if (Z\[(long)i \* k + j\] > 0.0) {/if (Z[(long)i * k + j] >= 0.0) {/|assert_next_on
shifted-diagonal-mtarget-e|kernels/relu/multi_init.c|sg_mtarget_e|s/A\[q\] = (row == col) ? 1.0 : 0.0;/A[q] = (row + 1 == col) ? 1.0 : 0.0;/|loop_invariant_done_preserved
stuck-unit-vector|kernels/relu/multi_init.c|unit_vector|s/^        left--;$/        left = left + 0;/|loop_variant_decrease'
block multi "kernels/relu/multi.c kernels/relu/multi_init.c" "$MULTI_MUTANTS"

# ---- value specifications (issue 15, item 4): rng, population, init ----
VAL_MUTANTS='shift16-rng-next|kernels/rng.c|sg_rng_next|s/const uint64_t t = s\[1\] << 17;/const uint64_t t = s[1] << 16;/|ensures_s2
shift30-splitmix-out|kernels/rng.c|sg_splitmix64|s/return z ^ (z >> 31);/return z ^ (z >> 30);/|ensures_output
shift10-uniform|kernels/rng.c|sg_rng_uniform|s/return (double)(x >> 11) \* 0x1.0p-53;/return (double)(x >> 10) * 0x1.0p-53;/|ensures_range
pi-plus-kappa|kernels/relu/population.c|kappa|s/return sin(t) + (M_PI - t) \* cos(t);/return sin(t) + (M_PI + t) * cos(t);/|ensures_value
two-pi-pop-loss|kernels/relu/population.c|sg_pop_loss|s/return quad \/ (4.0 \* M_PI)/return quad \/ (2.0 * M_PI)/|ensures_value
flipped-signs-init|kernels/relu/init.c|sg_init_state|s/v\[j\] = (j % 2 == 0) ? mag : -mag;/v[j] = (j % 2 == 0) ? -mag : mag;/|loop_invariant_signs_preserved
stuck-polar-loop|kernels/rng.c|sg_rng_normal|s/^        left--;$/        left = left + 0;/|loop_variant_decrease
stuck-target-redraw|kernels/data.c|sg_target_random|s/^        left--;$/        left = left + 0;/|loop_variant_decrease
unwritten-last-gaussian|kernels/data.c|sg_data_gaussian|s/for (long q = 0; q < (long)n \* d; q++) {/for (long q = 0; q < (long)n * d - 1; q++) {/|ensures_written
row-offset-labels|kernels/data.c|sg_labels|s/double p = SG_MUL(X\[(long)i \* d + l\], a\[l\]);/double p = SG_MUL(X[(long)i + l], a[l]);/|loop_invariant_partial_preserved
times-norm-target-random|kernels/data.c|sg_div_by|s/a\[l\] = a\[l\] \/ nrm;/a[l] = a[l] * nrm;/|loop_invariant_scaled_preserved
plus-half-va-pop-grad|kernels/relu/population.c|sg_pop_grad_row|s/gi\[l\] = vi \* g - 0.5 \* vh \* a\[l\];/gi[l] = vi * g + 0.5 * vh * a[l];/|assert_this'
block value "kernels/rng.c kernels/detmath.c kernels/dot.c kernels/geometry.c kernels/data.c kernels/relu/population.c kernels/relu/init.c" "$VAL_MUTANTS"

# ---- the test's own negative control (make proofs-mutation-test) ----
# not in the default MUT_BLOCKS: a real mutant (off-by-one-forward's edit)
# named with a goal it does not falsify -- ensures activation, H == Relu(Z),
# which still holds for the wrong Z and proves in 0.03 s -- must be reported
# NOT caught, and the test must then fail
SELF_MUTANTS='off-by-one-forward-misnamed|kernels/relu/forward.c|sg_forward_tiles|/^static void sg_forward_tiles/,$s/for (int l = 0; l < d; l++) {$/for (int l = 0; l < d - 1; l++) {/|ensures_activation'
block selftest "kernels/dot.c kernels/relu/empirical.c kernels/relu/forward.c" "$SELF_MUTANTS"

# ---- the rounding run (issue 15, item 3): the order of a reduction ----
# sg_dot summed right to left (proofs/rounding/dot_reversed.c, annotated
# correctly for its order): the real-model run must prove it -- the blind
# spot -- and the rounding run (-DSG_FL_ROUNDING, contract
# \result == FlDot(x, y, m)) must leave its `value` postcondition unproved.
if want rounding; then
forig="$work/rounding-original"
mkdir -p "$forig" && cp -r src specs "$forig"/
set -- $(prove "$forig" sg_dot,sg_residual "kernels/dot.c kernels/relu/residual_update.c" "$TIMEOUT" -DSG_FL_ROUNDING)
if [ $# -eq 2 ] && [ "$1" = "$2" ] && [ "$2" -gt 0 ]; then
  echo "mutation: rounding original   $1 / $2 goals of sg_dot, sg_residual proved (-DSG_FL_ROUNDING; $STEPS steps)"
else
  echo "mutation: FAILED: the rounding run does not prove the original sg_dot, sg_residual ($*), see $forig"; status=1
fi
frev="$work/reversed-dot"
mkdir -p "$frev" && cp -r src specs "$frev"/ && cp proofs/rounding/dot_reversed.c "$frev/src/kernels/dot.c"
set -- $(prove "$frev" sg_dot kernels/dot.c "$TIMEOUT")
if [ $# -eq 2 ] && [ "$1" = "$2" ] && [ "$2" -gt 0 ]; then
  echo "mutation: reversed-dot             real-model run proves it ($1 / $2): the order is invisible there"
else
  echo "mutation: FAILED: the reversed sg_dot should prove in the real model ($*), see $frev"; status=1
fi
set -- $(prove "$frev" sg_dot kernels/dot.c "$MUT_TIMEOUT" -DSG_FL_ROUNDING)
if [ $# -eq 2 ] && [ "$1" -lt "$2" ] && grep -q 'Failed.*sg_dot_ensures_value' "$frev/wp-sg_dot-DSG_FL_ROUNDING.log"; then
  printf 'mutation: %-24s caught by the rounding run: %s / %s goals of sg_dot proved, ensures value unproved\n' reversed-dot "$1" "$2"
else
  echo "mutation: reversed-dot: NOT caught by the rounding run ($*), see $frev"; status=1
fi
# A mutant whose edit changes the result only through rounding: the
# real-model run must prove the mutated function (all goals), and the
# rounding run must leave the named goal unproved.
rounding_mutant() { # NAME FILE FUNCTION SED-EXPRESSION GOAL
  rname=$1 rfile=$2 rfn=$3 rgoal=$5 dir="$work/$1"
  mkdir -p "$dir" && cp -r src specs "$dir"/
  sed -i "$4" "$dir/src/$rfile"
  if cmp -s "src/$rfile" "$dir/src/$rfile"; then
    echo "mutation: FAILED: the $rname edit does not apply (test out of date)"; status=1; return
  fi
  set -- $(prove "$dir" "$rfn" "kernels/dot.c $rfile" "$TIMEOUT")
  if [ $# -eq 2 ] && [ "$1" = "$2" ] && [ "$2" -gt 0 ]; then
    printf 'mutation: %-24s real-model run proves it (%s / %s): the rounding is invisible there\n' "$rname" "$1" "$2"
  else
    echo "mutation: FAILED: $rname should prove in the real model ($*), see $dir"; status=1
  fi
  set -- $(prove "$dir" "$rfn" "kernels/dot.c $rfile" "$MUT_TIMEOUT" -DSG_FL_ROUNDING)
  if [ $# -eq 2 ] && [ "$1" -lt "$2" ] &&
     grep -q "^\[wp\] \[Failed\] Goal typed_real_${rfn}_${rgoal}\$" "$dir/wp-$rfn-DSG_FL_ROUNDING.log"; then
    printf 'mutation: %-24s caught by the rounding run: %s / %s goals of %s proved, %s unproved\n' "$rname" "$1" "$2" "$rfn" "$rgoal"
  else
    echo "mutation: $rname: NOT caught by the rounding run ($*), see $dir"; status=1
  fi
}
# sg_residual computing (f + 1e20) - (y + 1e20) (issue 15's surviving
# mutant): exact in the real model; the rounding run must leave its loop
# invariant `value` (r[a] == FlSub(f[a], y[a]), from which WP proves
# `ensures value`) unproved.  The constant is the first operand (the same
# double: IEEE addition commutes) because WP 25 mistypes the callee
# precondition of fl(x + constant) ("Type mismatch between real and int"
# from Why3).
rounding_mutant residual-1e20 kernels/relu/residual_update.c sg_residual \
  's/r\[i\] = SG_SUB(f\[i\], y\[i\]);/r[i] = SG_SUB(SG_ADD(1e20, f[i]), SG_ADD(1e20, y[i]));/' \
  loop_invariant_value_preserved
# sg_grad_W rounding t = r_i v_j through (1e20 + r_i v_j) - 1e20 (exact in
# the real model; in IEEE it loses t's low bits): the rounding run, whose
# contract is the rounded recursion FlGwSum with t = fl(r_i v_j), must
# leave the assertion term_t unproved.
rounding_mutant gradW-t-1e20 kernels/relu/empirical.c sg_grad_W \
  's/double t = SG_MUL(r\[i\], v\[j\]);/double t = SG_SUB(SG_ADD(1e20, SG_MUL(r[i], v[j])), 1e20);/' \
  assert_term_t
fi
# ---- end of the rounding block ----

[ $status -eq 0 ] && echo "proofs-mutation: every mutant caught, original proved"
exit $status
