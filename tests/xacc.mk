# xacc.mk -- the exact accumulator's tests catch broken window code and
# broken fixed-point sums (tests/xacc_mutants.py: fourteen mutants of
# src/shadow/xacc.c, of its asm and portable add chains, the one-limb run,
# the window and the 192-bit add, and
# eleven of src/shadow/fixdot.c; each must fail the xacc suite; the
# unmutated files must pass it in both builds).
# xacc-diff (not in check: it needs the git history) compares this tree's
# accumulator with an earlier revision's on random sums, bit for bit
# (tests/xacc_diff.sh; XACC_REV, default 302df05).
CHECK_TARGETS += xacc-mutants
.PHONY: xacc-mutants xacc-diff
xacc-mutants:
	python3 tests/xacc_mutants.py

XACC_REV ?= 302df05
xacc-diff:
	sh tests/xacc_diff.sh $(XACC_REV)
