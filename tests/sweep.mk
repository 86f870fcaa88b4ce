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
