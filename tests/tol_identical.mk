# tol_identical.mk -- issue 14, item 4: the invariant audit's faster
# tolerance pass and exact residuals leave every output byte as it was
# (digests recorded by the program before the change, tests/golden/RECORDED).
CHECK_TARGETS += tol-identical
.PHONY: tol-identical
tol-identical: program
	sh tests/tol_identical.sh $(PROGRAM)
