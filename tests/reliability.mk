# tests/reliability.mk -- issue 11 (items 1-6): one writer per directory,
# outputs written or the run fails, memory, limits up front, inputs never
# destroyed, audit figures that cannot mislead.  The one-sample cases of
# the round-off bounds and the temporaries registry are CUnit suites
# (tests/test_reliability.c, in `make unit`).
CHECK_TARGETS += reliability reliability-rounding

.PHONY: reliability reliability-rounding
reliability: program
	sh tests/reliability.sh $(PROGRAM)
# the bounds do not depend on CFLAGS: `make CFLAGS=` and the sanitizer
# build against this one, with a negative control (three extra builds)
reliability-rounding: program
	MAKE="$(MAKE)" sh tests/rounding_builds.sh $(PROGRAM) $(BUILD)/rounding
