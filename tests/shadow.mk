# shadow.mk -- the MPFR shadow and round-off audit (issue 4).
#
# bounds.c evaluates the round-off bounds in double under FE_UPWARD
# (specs/roundoff.md B0): it must be compiled with -frounding-math so that
# the compiler neither folds constants nor moves operations across the
# fesetround calls.  Only this object gets the flag; the kernels keep the
# pinned flags of the Makefile.
# `override`: a CFLAGS given on the command line (`make CFLAGS=`, the
# sanitizer build) cannot drop it; the sources also pin it themselves
# (bounds_private.h), for builds that do not use this Makefile.
$(BUILD)/obj/shadow/relu/bounds.o $(BUILD)/obj/shadow/relu/bounds_pop.o \
  $(BUILD)/obj/shadow/relu/bounds_sums.o: override CFLAGS += -frounding-math
# the bounds' vector sums (bounds_sums.c) and the fixed-point conversion
# (fixdot.c, integer code) ask for gcc's dynamic vectoriser
# cost model, as the kernels do (Makefile, KERNEL_VEC): vector width only
$(BUILD)/obj/shadow/relu/bounds_sums.o $(BUILD)/obj/shadow/fixdot.o: ALLCFLAGS += $(KERNEL_VEC)

# end-to-end checks of the shadow's options and outputs
.PHONY: shadow-cli
shadow-cli: program
	sh tests/shadow_cli.sh $(PROGRAM)
CHECK_TARGETS += shadow-cli

# `make bench` also times the audited step and the MPFR trajectory step
# against the double step, in the same run (tests/bench/bench_shadow.c)
SHADOW_BENCH_BIN := $(BUILD)/bench/bench_shadow
$(SHADOW_BENCH_BIN): tests/bench/bench_shadow.c tests/bench/bench_common.h $(APPLIB) $(LIB) Makefile tests/shadow.mk
	mkdir -p $(BUILD)/bench
	$(CC) $(ALLCFLAGS) -o $@ $< $(APPLIB) $(LIB) $(LDLIBS)

# the audited step alone, for perf record (tests/bench/audit_loop.c)
$(BUILD)/bench/audit_loop: tests/bench/audit_loop.c tests/bench/bench_common.h $(APPLIB) $(LIB) Makefile tests/shadow.mk
	mkdir -p $(BUILD)/bench
	$(CC) $(ALLCFLAGS) -Itests/bench -o $@ $< $(APPLIB) $(LIB) $(LDLIBS)

.PHONY: bench-shadow
bench-shadow: program $(SHADOW_BENCH_BIN)
	$(SHADOW_BENCH_BIN)
bench: bench-shadow
