# tests/sweep.mk -- sweeps (issue 13): the local runner killed and rerun, bad
# specs, and a real single-node Slurm array compared byte for byte with the
# local runner (needs root and slurm-wlm + munge, in DEPS_CHECK).
CHECK_TARGETS += sweep-local sweep-slurm
.PHONY: sweep-local sweep-slurm sweep-overhead sweeps-ready
sweep-local: program
	sh tests/sweep.sh $(PROGRAM)
sweep-slurm: program
	bash tests/slurm.sh $(PROGRAM)
# per-trial overhead of the local runner: N trials of --steps 0 (docs/sweeps.md)
sweep-overhead: program
	sh tests/sweep_overhead.sh $(PROGRAM)
# the sweep tests against the ASan + UBSan build of tests/robust.mk (runner,
# trial, gather and the JSON reader under the sanitizers; a report in a trial
# shows as a failed trial, which tests/sweep.sh rejects)
CHECK_TARGETS += sweep-sanitizers
.PHONY: sweep-sanitizers
sweep-sanitizers:
	$(MAKE) --no-print-directory -s CC=clang BUILD=$(SAN_BUILD) BINDIR=$(SAN_BUILD)/bin \
	  CFLAGS="$(SANFLAGS)" $(SAN_BUILD)/bin/shadowgd
	$(SAN_ENV) sh tests/sweep.sh $(SAN_BUILD)/bin/shadowgd
