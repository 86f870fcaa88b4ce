# golden.mk -- outputs byte-identical to the program recorded in
# tests/golden/RECORDED (the refactoring's "no behaviour change" proof).
CHECK_TARGETS += golden
.PHONY: golden
golden: program
	sh tests/golden.sh $(PROGRAM)
