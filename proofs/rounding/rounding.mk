# proofs/rounding/rounding.mk -- `make proofs-rounding` (issue 15, items 1-3),
# included by proofs/proofs.mk.
#
# The second WP run: the same kernel sources as `make proofs-wp`, with
# -DSG_FL_ROUNDING, under which every binary64 * + - / of dot.c and
# empirical.c is a call of a function whose only contract is the IEEE
# standard model (src/kernels/fl.h, specs/sg_fl_model.acsl).  The kernels'
# contracts in this run state their rounded values (the left-to-right
# recursions FlDot, ...) and their round-off bounds (specs/roundoff.md).
# Same provers, step limit and report check as the real-model run; its own
# session directory.  proofs/README.md, "The rounding run".

ROUNDING_SRC   := src/kernels/dot.c src/kernels/relu/empirical.c src/kernels/relu/forward.c src/kernels/relu/residual_update.c
# Kernels whose rounding-run proof is not finished (proofs/README.md, "The
# rounding run", status table): left out of this run, not weakened.
ROUNDING_SKIP  :=
ROUNDING_FLAGS := -machdep x86_64 -cpp-extra-args="-Isrc -I. -DSG_FL_ROUNDING" -warn-special-float none \
                  -wp -wp-model real -wp-rte -wp-prover $(WP_PROVERS) \
                  -wp-par $(WP_PAR) -wp-steps $(WP_STEPS) -wp-timeout $(WP_TIMEOUT) \
                  $(if $(ROUNDING_SKIP),-wp-skip-fct $(ROUNDING_SKIP)) \
                  -wp-session proofs/.session-rounding -wp-cache-dir proofs/.cache -wp-cache $(WP_CACHE)
# frama-c exits 0 with unproved goals: the verdict is the "Proved goals:
# N / N" line (as for proofs-wp; the report plug-in cannot be used, it also
# flags the call-site preconditions inside the skipped kernels)

.PHONY: proofs-rounding
proofs-rounding: $(WHY3CONF) proofs-literals | $(PROOFS_OUT)
	@echo "proofs-rounding: frama-c -wp -DSG_FL_ROUNDING on $(ROUNDING_SRC) (standard model, $(WP_STEPS) steps)"
	@start=$$(date +%s); \
	$(FRAMAC) $(ROUNDING_FLAGS) $(ROUNDING_SRC) > $(PROOFS_OUT)/wp-rounding.log 2>&1; rc=$$?; \
	echo "$$(( $$(date +%s) - start ))" > $(PROOFS_OUT)/wp-rounding.seconds; \
	grep -A3 '^\[wp\] \[Failed\]\|rror' $(PROOFS_OUT)/wp-rounding.log || true; \
	grep -A12 '^\[wp\] Proved goals' $(PROOFS_OUT)/wp-rounding.log; \
	echo "proofs-rounding: $$(cat $(PROOFS_OUT)/wp-rounding.seconds) s"; \
	if [ $$rc -ne 0 ]; then echo "proofs-rounding: unproved goals or frama-c failed (exit $$rc), see $(PROOFS_OUT)/wp-rounding.log"; exit 1; fi
	@if grep -q '^\[wp\] Proved goals' $(PROOFS_OUT)/wp-rounding.log && \
	    sed -n 's/^\[wp\] Proved goals: *\([0-9]*\) \/ \([0-9]*\).*/\1 \2/p' $(PROOFS_OUT)/wp-rounding.log | \
	    awk '{ exit !($$1 == $$2 && $$2 > 0) }'; then echo "proofs-rounding: all goals proved"; \
	 else echo "proofs-rounding: FAILED, see $(PROOFS_OUT)/wp-rounding.log"; exit 1; fi

proofs: proofs-rounding
