# verdicts.mk -- issue 12: the verdicts that explain the dynamics (the CUnit
# suite "verdicts" runs in make unit; this runs the program as a user does).
CHECK_TARGETS += verdicts
.PHONY: verdicts
verdicts: program
	sh tests/verdicts.sh $(PROGRAM)
