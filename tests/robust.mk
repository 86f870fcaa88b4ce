# tests/robust.mk -- robustness checks (issue 6): bad inputs, atomic outputs,
# divergence, checkpoint/resume, ASan+UBSan, valgrind; `make fuzz`.
# Included by the top-level Makefile; every target below is also run by
# `make check` through CHECK_TARGETS.

CHECK_TARGETS += robust-cli robust-outputs robust-divergence robust-resume \
                 robust-sanitizers robust-valgrind robust-fuzz-corpus

.PHONY: robust-cli robust-outputs robust-divergence robust-resume robust-sanitizers \
        robust-valgrind robust-fuzz-corpus fuzz fuzz-build

robust-cli: program
	sh tests/bad_inputs.sh $(PROGRAM)
robust-outputs: program
	sh tests/outputs.sh $(PROGRAM)
robust-divergence: program
	sh tests/divergence.sh $(PROGRAM)
robust-resume: program
	sh tests/resume.sh $(PROGRAM)

# The CUnit suites and the program built with clang's AddressSanitizer
# (leaks included) and UndefinedBehaviorSanitizer in a separate build tree;
# the suites run, then the robustness scripts run against the sanitized
# binary.  Any report aborts with a non-zero status, which fails the check.
SAN_BUILD := $(BUILD)/san
SANFLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_ENV   := ASAN_OPTIONS=detect_leaks=1:exitcode=86:abort_on_error=0 \
             UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
robust-sanitizers:
	$(MAKE) --no-print-directory -s CC=clang BUILD=$(SAN_BUILD) BINDIR=$(SAN_BUILD)/bin \
	  CFLAGS="$(SANFLAGS)" $(SAN_BUILD)/bin/shadowgd $(SAN_BUILD)/tests/run_tests
	$(SAN_ENV) $(SAN_BUILD)/tests/run_tests > $(SAN_BUILD)/unit.log 2>&1 \
	  || { cat $(SAN_BUILD)/unit.log; exit 1; }
	@grep -E "asserts|tests " $(SAN_BUILD)/unit.log | sed 's/^/asan+ubsan unit: /'
	$(SAN_ENV) sh tests/bad_inputs.sh $(SAN_BUILD)/bin/shadowgd
	$(SAN_ENV) sh tests/outputs.sh $(SAN_BUILD)/bin/shadowgd
	$(SAN_ENV) sh tests/divergence.sh $(SAN_BUILD)/bin/shadowgd
	$(SAN_ENV) sh tests/resume.sh $(SAN_BUILD)/bin/shadowgd

robust-valgrind: program
	sh tests/valgrind.sh $(PROGRAM)

# ---- fuzzing (not part of make check): libFuzzer + ASan + UBSan ----
# Each harness runs FUZZ_SECONDS on a scratch copy of its committed seed
# corpus (tests/fuzz/corpus/NAME); crashes land in $(BUILD)/fuzz/ and fail
# the target.  The last line per harness gives the executions.  The
# program's own stdout/stderr are closed (-close_fd_mask=3); libFuzzer's
# report is kept in $(FUZZ_BUILD)/NAME.log.
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_NAMES   := cli target checkpoint
FUZZ_SRC     := $(filter-out src/app/main.c,$(wildcard src/*/*.c src/*/*/*.c))
FUZZ_BINS    := $(addprefix $(FUZZ_BUILD)/fuzz_,$(FUZZ_NAMES))

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRC) $(HEADERS)
	@mkdir -p $(FUZZ_BUILD)
	clang $(CSTD) -O1 -g $(FPFLAGS) -Isrc -I. -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined -o $@ $< $(FUZZ_SRC) $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# make check: the harnesses still build and every committed seed input runs
# clean (no fuzzing: -runs=0 only executes the corpus)
robust-fuzz-corpus: fuzz-build
	@set -e; for h in $(FUZZ_NAMES); do \
	  $(FUZZ_BUILD)/fuzz_$$h -runs=0 -close_fd_mask=3 tests/fuzz/corpus/$$h \
	    > $(FUZZ_BUILD)/$$h-corpus.log 2>&1 || { cat $(FUZZ_BUILD)/$$h-corpus.log; exit 1; }; \
	  echo "fuzz_$$h: $$(ls tests/fuzz/corpus/$$h | wc -l) seed inputs ran clean"; \
	done

fuzz: deps-check fuzz-build
	@set -e; for h in $(FUZZ_NAMES); do \
	  rm -rf $(FUZZ_BUILD)/corpus-$$h; mkdir -p $(FUZZ_BUILD)/corpus-$$h; \
	  echo "fuzz_$$h: $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -close_fd_mask=3 \
	    -artifact_prefix=$(FUZZ_BUILD)/$$h- -max_len=4096 \
	    $(FUZZ_BUILD)/corpus-$$h tests/fuzz/corpus/$$h > $(FUZZ_BUILD)/$$h.log 2>&1 \
	    || { tail -40 $(FUZZ_BUILD)/$$h.log; echo "fuzz_$$h: CRASH"; exit 1; }; \
	  echo "fuzz_$$h: $$(grep -o 'number_of_executed_units: [0-9]*' $(FUZZ_BUILD)/$$h.log), \
	$$(grep -o 'cov: [0-9]*' $(FUZZ_BUILD)/$$h.log | tail -1), 0 crashes"; \
	done
