# proofs/proofs.mk -- `make proofs` (issue 3), included by the top-level Makefile.
#
#   make proofs            literal check, WP (real model + RTE), Eva (float
#                          safety of the empirical step); writes
#                          build/proofs/REPORT.md and fails if any goal is
#                          unproved, any Eva alarm is raised, or the goal counts
#                          differ from the committed proofs/REPORT.md
#   make proofs-report     the same, then copies the fresh report over
#                          proofs/REPORT.md (to commit after a proof change)
#   make proofs-mutation   the proofs must fail on mutated kernels
#   make proofs-literal-test  the literal check must reject 1e3
#
# Pinned: Frama-C 25.0, Why3 1.5.1, Z3 4.8.12, CVC5 1.0.3, CVC4 1.8 (Debian 12 packages;
# `make deps-check` installs them).  Nothing depends on ~/.why3.conf: the
# Why3 configuration is generated below and exported as WHY3CONFIG.

PROOFS_OUT  := $(BUILD)/proofs
WHY3CONF    := $(abspath $(PROOFS_OUT))/why3.conf
CVC5_DRV    := $(abspath $(PROOFS_OUT))/cvc5.drv
FRAMAC      ?= frama-c
# Proof results must not depend on the machine's speed or load (issue 11,
# item 7): every prover call is bounded by a step limit (-wp-steps: Why3 1.5
# runs z3 with rlimit=N, cvc4 and cvc5 with --rlimit=N, see the why3.conf
# generated below), which gives the same answer on an idle or a loaded
# machine.  WP_TIMEOUT is only a wall-clock safety net, far above the
# longest successful proof: 69 s idle (CVC5 on sg_forward_tiles's
# assert cols_done0, rounding run; 59 s in the real-model run), so the cap
# is 300 s, 4x that (it was 120 s while the longest took a few seconds).
WP_STEPS    ?= 10000000
WP_TIMEOUT  ?= 300
WP_PAR      ?= 2
WP_PROVERS  := z3,cvc5,cvc4
WP_CACHE    ?= update
export WHY3CONFIG := $(WHY3CONF)

# Kernel files whose every function is proved (RTE + contracts) by WP.
PROOF_SRC   := src/kernels/dot.c src/kernels/relu/empirical.c src/kernels/relu/forward.c src/kernels/relu/residual_update.c src/kernels/rng.c src/kernels/detmath.c \
               src/kernels/geometry.c src/kernels/data.c src/kernels/relu/init.c src/kernels/relu/population.c
# the multi-output network (issue 16)
PROOF_SRC   += src/kernels/relu/multi.c src/kernels/relu/multi_init.c
# Files whose annotations the literal check scans.
ANNOT_FILES := $(HEADERS) $(wildcard src/*/*.c src/*/*/*.c proofs/eva/*.c)

FC_COMMON   := -machdep x86_64 -cpp-extra-args="-Isrc -I."
# -warn-special-float none: WP's real model cannot see NaN or infinities
# (it "proves" a*a finite for a >= 1e300), so float-special goals would be
# vacuous there; they are the Eva run's job (proofs/README.md, 3c).
WP_FLAGS    := $(FC_COMMON) -warn-special-float none \
               -wp -wp-model real -wp-rte -wp-prover $(WP_PROVERS) \
               -wp-par $(WP_PAR) -wp-steps $(WP_STEPS) -wp-timeout $(WP_TIMEOUT) \
               -wp-session proofs/.session -wp-cache-dir proofs/.cache -wp-cache $(WP_CACHE)
EVA_FLAGS   := -machdep x86_64 -cpp-extra-args="-I$(PROOFS_OUT)/eva/src -I$(PROOFS_OUT)/eva" \
               -eva -eva-no-show-progress -eva-print -warn-special-float non-finite

.PHONY: proofs proofs-report proofs-literals proofs-literal-test proofs-wp proofs-eva \
        proofs-mutation proofs-mutation-test proofs-why3conf

CHECK_TARGETS += proofs proofs-literal-test proofs-mutation proofs-mutation-test proofs-gen-check

$(PROOFS_OUT) $(PROOFS_OUT)/eva/src:
	mkdir -p $@

# ---- project-local Why3 configuration (z3, cvc4, gappa detected; cvc5 added) ----
$(WHY3CONF): proofs/cvc5.drv.in proofs/proofs.mk | $(PROOFS_OUT)
	sed "s|@WHY3DATA@|$$(why3 --print-datadir)|" proofs/cvc5.drv.in > $(CVC5_DRV)
	# one shell, a private temporary: two make runs side by side (e.g. proofs
	# and proofs-mutation) must not interleave their writes into one file
	t=$@.$$$$.tmp; why3 config detect -C $$t > /dev/null 2>&1 && \
	printf '\n[prover]\ncommand = "%s --tlimit-per=%%t000 --lang=smt2 %%f"\ncommand_steps = "%s --rlimit=%%S --lang=smt2 %%f"\ndriver = "%s"\nin_place = false\ninteractive = false\nname = "CVC5"\nshortcut = "cvc5"\nversion = "%s"\n' \
	  "$$(command -v cvc5)" "$$(command -v cvc5)" "$(CVC5_DRV)" "$$(cvc5 --version | sed -n 's/^This is cvc5 version \([^ ]*\).*/\1/p')" >> $$t && \
	mv $$t $@
proofs-why3conf: $(WHY3CONF)
	$(FRAMAC) -wp-detect

# ---- 1. the literal form WP 25 mistranslates (1e3 -> 1.3) is rejected ----
proofs-literals:
	@sh proofs/check-literals.sh $(ANNOT_FILES)
	@echo "proofs: no integer-mantissa literal (1e3) in annotations"

proofs-literal-test:
	@if sh proofs/check-literals.sh proofs/tests/bad_literal.c > /dev/null; then \
	  echo "proofs-literal-test: FAILED: 1e3 was not rejected"; exit 1; fi
	@sh proofs/check-literals.sh proofs/tests/good_literal.c
	@echo "proofs-literal-test: 1e3 rejected, 1.0e3 / 1e+3 / hex accepted"

# ---- 1b. forward.c's tiled body is the generator's output ----
# proofs/gen/forward_tiles.py writes sg_forward_tiles (code and
# annotations, both runs); a hand edit there would drift from it.  The
# negative control: one annotation renamed in a copy must fail the check.
.PHONY: proofs-gen-check
proofs-gen-check: | $(PROOFS_OUT)
	@python3 proofs/gen/merge_forward_tiles.py --check
	@sed 's/assert w_pre:/assert w_pre_edited:/' src/kernels/relu/forward.c > $(PROOFS_OUT)/forward_edited.c
	@if cmp -s src/kernels/relu/forward.c $(PROOFS_OUT)/forward_edited.c; then \
	  echo "proofs-gen-check: FAILED: the control edit did not apply"; exit 1; fi
	@if python3 proofs/gen/merge_forward_tiles.py --check $(PROOFS_OUT)/forward_edited.c > /dev/null 2>&1; then \
	  echo "proofs-gen-check: FAILED: an edited copy passed the check"; exit 1; fi
	@echo "proofs-gen-check: an edited copy is rejected"

# ---- 2. WP: RTE + functional contracts, real model ----
proofs-wp: $(WHY3CONF) proofs-literals | $(PROOFS_OUT)
	@echo "proofs: frama-c -wp on $(PROOF_SRC) (provers $(WP_PROVERS), $(WP_STEPS) steps, wall-clock cap $(WP_TIMEOUT) s, par $(WP_PAR))"
	@start=$$(date +%s); \
	$(FRAMAC) $(WP_FLAGS) $(PROOF_SRC) > $(PROOFS_OUT)/wp.log 2>&1; rc=$$?; \
	echo "$$(( $$(date +%s) - start ))" > $(PROOFS_OUT)/wp.seconds; \
	grep -A3 '^\[wp\] \[Failed\]\|rror' $(PROOFS_OUT)/wp.log || true; \
	grep -A12 '^\[wp\] Proved goals' $(PROOFS_OUT)/wp.log; \
	if [ $$rc -ne 0 ]; then echo "proofs: frama-c failed (exit $$rc), see $(PROOFS_OUT)/wp.log"; exit 1; fi

# ---- 3. Eva: no overflow / NaN in one empirical step inside the safe region ----
EVA_KERNELS := kernels/dot.c kernels/dot.h kernels/relu/empirical.c kernels/relu/forward.c kernels/relu/residual_update.c kernels/relu/empirical.h kernels/relu/index_lemmas.h kernels/vector.h \
               kernels/relu/region.h kernels/fl.h
proofs-eva: | $(PROOFS_OUT)/eva/src
	@for f in $(EVA_KERNELS); do mkdir -p $(PROOFS_OUT)/eva/src/$$(dirname $$f); \
	  sh proofs/strip-acsl.sh src/$$f $(PROOFS_OUT)/eva/src/$$f; done
	@$(FRAMAC) $(EVA_FLAGS) proofs/eva/empirical_step.c \
	  $(PROOFS_OUT)/eva/src/kernels/relu/empirical.c $(PROOFS_OUT)/eva/src/kernels/relu/forward.c $(PROOFS_OUT)/eva/src/kernels/relu/residual_update.c $(PROOFS_OUT)/eva/src/kernels/dot.c > $(PROOFS_OUT)/eva.log 2>&1 \
	  || { tail -20 $(PROOFS_OUT)/eva.log; exit 1; }
	@sed -n '/Values at end of function main/,/__retres/p' $(PROOFS_OUT)/eva.log
	@grep -A1 'alarms generated\|No errors' $(PROOFS_OUT)/eva.log

# ---- all of it, the report, and the verdict ----
proofs: proofs-wp proofs-eva
	@sh proofs/make-report.sh $(PROOFS_OUT) "$(PROOF_SRC)" > $(PROOFS_OUT)/REPORT.md
	@cat $(PROOFS_OUT)/REPORT.md
	@sh proofs/verdict.sh $(PROOFS_OUT) proofs/REPORT.md

proofs-report: proofs-wp proofs-eva proofs-rounding
	@sh proofs/make-report.sh $(PROOFS_OUT) "$(PROOF_SRC)" > $(PROOFS_OUT)/REPORT.md
	cp $(PROOFS_OUT)/REPORT.md proofs/REPORT.md
	@sh proofs/verdict.sh $(PROOFS_OUT) proofs/REPORT.md

# ---- 4. the proofs catch bugs ----
proofs-mutation: $(WHY3CONF)
	@WP_STEPS=$(WP_STEPS) WP_TIMEOUT=$(WP_TIMEOUT) WP_PAR=$(WP_PAR) WP_CACHE_SEED=proofs/.cache \
	  sh proofs/mutation.sh $(PROOFS_OUT)/mutation
# the mutation test must fail when a mutant's named goal is not the one left
# unproved (proofs/mutation.sh's selftest block)
proofs-mutation-test: $(WHY3CONF)
	@out=$(PROOFS_OUT)/mutation-selftest.out; \
	if MUT_BLOCKS=selftest WP_STEPS=$(WP_STEPS) WP_TIMEOUT=$(WP_TIMEOUT) WP_PAR=$(WP_PAR) \
	   sh proofs/mutation.sh $(PROOFS_OUT)/mutation-selftest > $$out 2>&1; then \
	  cat $$out; echo "proofs-mutation-test: FAILED: a misnamed mutant passed"; exit 1; fi; \
	if grep -q 'off-by-one-forward-misnamed: NOT caught' $$out; then \
	  echo "proofs-mutation-test: a mutant whose named goal stays proved fails the test"; \
	else cat $$out; echo "proofs-mutation-test: FAILED: unexpected output"; exit 1; fi

# ---- the rounding run (issue 15): proofs/rounding/rounding.mk ----
include proofs/rounding/rounding.mk

# ---- Model B (issue 10): WP on its kernels, Eva on one step ----
# Additive: the sensing kernels join PROOF_SRC (the same WP run and report);
# the Eva harness proofs/eva/sensing_step.c runs as part of proofs-eva, into
# eva_sensing.log, checked by verdict.sh and listed by make-report.sh.
PROOF_SRC += src/kernels/sensing/sensing.c
EVA_SENS_KERNELS := kernels/dot.c kernels/dot.h kernels/relu/empirical.c kernels/relu/forward.c kernels/relu/residual_update.c kernels/relu/empirical.h kernels/relu/index_lemmas.h kernels/vector.h kernels/fl.h \
                    kernels/sensing/sensing.c kernels/sensing/sensing.h kernels/sensing/safe_box.h
.PHONY: proofs-eva-sensing
proofs-eva-sensing: | $(PROOFS_OUT)/eva/src
	@for f in $(EVA_SENS_KERNELS); do mkdir -p $(PROOFS_OUT)/eva/src/$$(dirname $$f); \
	  sh proofs/strip-acsl.sh src/$$f $(PROOFS_OUT)/eva/src/$$f; done
	@$(FRAMAC) $(EVA_FLAGS) proofs/eva/sensing_step.c $(PROOFS_OUT)/eva/src/kernels/sensing/sensing.c \
	  $(PROOFS_OUT)/eva/src/kernels/relu/empirical.c $(PROOFS_OUT)/eva/src/kernels/relu/forward.c $(PROOFS_OUT)/eva/src/kernels/relu/residual_update.c $(PROOFS_OUT)/eva/src/kernels/dot.c \
	  > $(PROOFS_OUT)/eva_sensing.log 2>&1 || { tail -20 $(PROOFS_OUT)/eva_sensing.log; exit 1; }
	@grep -A1 'alarms generated\|No errors' $(PROOFS_OUT)/eva_sensing.log
proofs-eva: proofs-eva-sensing

# ---- the multi-output network (issue 16): Eva on one empirical step ----
# proofs/eva/multi_step.c over the region of region.h extended by r <=
# SG_SAFE_R_MAX (multi.h); -eva-auto-loop-unroll 300 unrolls the loops over
# the r <= 256 outputs, so that sg_mbackprop's running offset into V stays
# exact (with widening alone Eva loses it and reports an out-of-bounds read
# that WP proves impossible).  Into eva_multi.log, checked by verdict.sh.
EVA_MULTI_KERNELS := kernels/dot.c kernels/dot.h kernels/relu/empirical.c kernels/relu/forward.c kernels/relu/residual_update.c kernels/relu/empirical.h kernels/relu/index_lemmas.h \
                     kernels/vector.h kernels/relu/region.h kernels/relu/multi.c kernels/relu/multi.h \
                     kernels/relu/population.h
.PHONY: proofs-eva-multi
proofs-eva-multi: | $(PROOFS_OUT)/eva/src
	@for f in $(EVA_MULTI_KERNELS); do mkdir -p $(PROOFS_OUT)/eva/src/$$(dirname $$f); \
	  sh proofs/strip-acsl.sh src/$$f $(PROOFS_OUT)/eva/src/$$f; done
	@$(FRAMAC) $(EVA_FLAGS) -eva-auto-loop-unroll 300 proofs/eva/multi_step.c \
	  $(PROOFS_OUT)/eva/src/kernels/relu/multi.c $(PROOFS_OUT)/eva/src/kernels/relu/empirical.c $(PROOFS_OUT)/eva/src/kernels/relu/forward.c $(PROOFS_OUT)/eva/src/kernels/relu/residual_update.c \
	  $(PROOFS_OUT)/eva/src/kernels/dot.c > $(PROOFS_OUT)/eva_multi.log 2>&1 \
	  || { tail -20 $(PROOFS_OUT)/eva_multi.log; exit 1; }
	@grep -A1 'alarms generated\|No errors' $(PROOFS_OUT)/eva_multi.log
proofs-eva: proofs-eva-multi
