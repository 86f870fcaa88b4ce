# xacc.mk -- the exact accumulator's tests catch broken window code
# (tests/xacc_mutants.py: six mutants of src/shadow/xacc.c, each must fail
# the xacc suite; the unmutated file must pass it)
CHECK_TARGETS += xacc-mutants
.PHONY: xacc-mutants
xacc-mutants:
	python3 tests/xacc_mutants.py
