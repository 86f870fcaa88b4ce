# multi.mk -- the multi-output network's command line (issue 16,
# tests/multi.sh): --outputs 1 is the scalar program, bad values, r = 3
# convergence, resume, the r-row --target file.
CHECK_TARGETS += multi
.PHONY: multi
multi: program
	sh tests/multi.sh $(PROGRAM)
