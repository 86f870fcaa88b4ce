# sensing.mk -- Model B (issue 10): flags of the bound object, the alpha
# sweep driver.  Additive fragment; the kernels keep the Makefile's flags.

# bounds evaluated under FE_UPWARD (specs/roundoff.md B0), as
# shadow/relu/bounds.o in tests/shadow.mk
$(BUILD)/obj/shadow/sensing/bounds.o: CFLAGS += -frounding-math
$(BUILD)/obj/audit/sensing/balance.o: CFLAGS += -frounding-math

# the alpha sweep of docs/sensing.md:
#   make build/tests/sensing_sweep && build/tests/sensing_sweep STEPS ALPHA... [--audit K] [--mp]
$(BUILD)/tests/sensing_sweep: tests/sensing/sweep.c $(APPLIB) $(LIB) | $(BUILD)/tests
	$(CC) $(ALLCFLAGS) -o $@ $< $(APPLIB) $(LIB) $(LDLIBS)

# the model through the command line: bad sizes, verdicts, negative
# controls, resume (tests/sensing_cli.sh)
CHECK_TARGETS += sensing-cli
.PHONY: sensing-cli
sensing-cli: program
	sh tests/sensing_cli.sh $(PROGRAM)

# `make bench` also times Model B's double step, step audit, BALANCE check,
# MPFR trajectory step and measurements, in one run
SENS_BENCH_BIN := $(BUILD)/bench/bench_sensing
$(SENS_BENCH_BIN): tests/bench/bench_sensing.c tests/bench/bench_common.h $(APPLIB) $(LIB) Makefile tests/sensing.mk
	mkdir -p $(BUILD)/bench
	$(CC) $(ALLCFLAGS) -Itests/bench -o $@ $< $(APPLIB) $(LIB) $(LDLIBS)

.PHONY: bench-sensing
bench-sensing: program $(SENS_BENCH_BIN)
	$(SENS_BENCH_BIN)
bench: bench-sensing
