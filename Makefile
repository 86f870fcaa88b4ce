# shadowgd -- build, run, check, proofs, bench, install.
#
# Floating-point contract (design section 4): IEEE binary64 in SSE2 registers,
# round to nearest, no FMA contraction, no fast-math.  These flags are pinned
# here and nowhere else; every object of the kernels is compiled with them.
FPFLAGS  := -ffp-contract=off -fno-fast-math -msse2 -mfpmath=sse
ifeq ($(origin CC),default)
CC       := gcc
endif
OPT      ?= -O2
CSTD     := -std=c11 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Werror
CFLAGS   ?=
CPPFLAGS += -Isrc -I.
ALLCFLAGS = $(CSTD) $(OPT) -g $(WARN) $(FPFLAGS) $(CPPFLAGS) $(CFLAGS)
LDLIBS   += -llapacke -llapack -lmpfr -lgmp -lm

BUILD    ?= build
BINDIR   ?= bin
PREFIX   ?= /usr/local
DESTDIR  ?=

# Debian packages: what `make run` needs, what `make check` needs, and the
# benchmark's reference BLAS.  `make deps` installs the missing ones as root,
# and otherwise prints the exact apt-get line and fails.
DEPS_RUN   := gcc make libc6-dev libmpfr-dev libgmp-dev gnuplot-nox liblapacke-dev liblapack-dev
DEPS_CHECK := $(DEPS_RUN) libcunit1-dev clang frama-c-base why3 z3 cvc4 cvc5 gappa valgrind \
              libclang-rt-14-dev python3 slurm-wlm munge
DEPS_BENCH := $(DEPS_RUN) libopenblas-dev python3-numpy

# every C file under src/, by layer (docs/layout.md); the proved double
# kernels form libshadowgd.a, the other layers libshadowgd_app.a
ALL_SRC  := $(patsubst src/%,%,$(wildcard src/*/*.c src/*/*/*.c))
HEADERS  := $(wildcard src/*/*.h src/*/*/*.h specs/*.acsl)
LIB_SRC  := $(filter kernels/%,$(ALL_SRC))
APP_SRC  := $(filter-out $(LIB_SRC) app/main.c,$(ALL_SRC))
LIB_OBJ  := $(addprefix $(BUILD)/obj/,$(LIB_SRC:.c=.o))
APP_OBJ  := $(addprefix $(BUILD)/obj/,$(APP_SRC:.c=.o))
LIB      := $(BUILD)/libshadowgd.a
APPLIB   := $(BUILD)/libshadowgd_app.a
PROGRAM  := $(BINDIR)/shadowgd

TEST_SRC := $(wildcard tests/test_*.c) tests/run_tests.c
TEST_BIN := $(BUILD)/tests/run_tests

RUN_ARGS ?=

# Later layers add their own targets and checks in fragments (proofs/*.mk,
# tests/*.mk); each appends to CHECK_TARGETS.
CHECK_TARGETS := unit determinism
# the fragments define rules; without this the first of theirs would become
# the default goal, and a plain `make` would not build the program
.DEFAULT_GOAL := all
-include $(wildcard proofs/*.mk tests/*.mk)

.PHONY: all program run check test unit determinism bench install uninstall clean \
        deps deps-run deps-check deps-bench

all: deps-run program
program: $(PROGRAM) $(LIB)

# The kernels' loops are written so that independent outputs advance
# together (issue 14); gcc's -O2 cost model ("very cheap") leaves the loops
# that need a runtime alias check scalar, so the kernels ask for the dynamic
# model (clang vectorises them at -O2 already and rejects the flag).  This
# changes vector width only, never the order of an addition.
KERNEL_VEC := $(if $(shell $(CC) --version 2>/dev/null | grep -qi clang || echo gcc),-fvect-cost-model=dynamic)
$(BUILD)/obj/kernels/%.o: ALLCFLAGS += $(KERNEL_VEC)

$(BUILD)/obj/%.o: src/%.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -c $< -o $@

# Provenance (summary.json "source"): the revision the program was built
# from and whether the tree had uncommitted changes, compiled into one
# object; the stamp file changes (and summary.o is rebuilt) only when they do.
SOURCE_REV  := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
SOURCE_TREE := $(shell if [ "$(SOURCE_REV)" = unknown ]; then echo unknown; \
                 elif [ -z "$$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; \
                 then echo clean; else echo dirty; fi)
REV_STAMP   := $(BUILD)/source_rev.stamp
$(shell mkdir -p $(BUILD) && (echo '$(SOURCE_REV) $(SOURCE_TREE)' | cmp -s - $(REV_STAMP) || \
    echo '$(SOURCE_REV) $(SOURCE_TREE)' > $(REV_STAMP)))
$(BUILD)/obj/run/summary.o: CPPFLAGS += -DSG_SOURCE_REV='"$(SOURCE_REV)"' \
                                        -DSG_SOURCE_TREE='"$(SOURCE_TREE)"'
$(BUILD)/obj/run/summary.o: $(REV_STAMP)

$(BUILD)/obj $(BUILD)/tests $(BINDIR):
	mkdir -p $@

$(LIB): $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(APPLIB): $(APP_OBJ)
	rm -f $@ && ar rcs $@ $^

$(PROGRAM): $(BUILD)/obj/app/main.o $(APPLIB) $(LIB) | $(BINDIR)
	$(CC) $(ALLCFLAGS) -o $@ $< $(APPLIB) $(LIB) $(LDLIBS)

# ---- the main job: the paper's setting (issue 2, item 6) ----
run: all
	$(PROGRAM) run --out out/main --force $(RUN_ARGS)

# ---- tests ----
$(TEST_BIN): $(TEST_SRC) $(wildcard tests/*.h) $(HEADERS) $(APPLIB) $(LIB) | $(BUILD)/tests
	$(CC) $(ALLCFLAGS) -Itests -o $@ $(TEST_SRC) $(APPLIB) $(LIB) -lcunit $(LDLIBS)

unit: $(TEST_BIN)
	$(TEST_BIN)

determinism: program
	CC_LIST="gcc $$(command -v clang >/dev/null && echo clang)" sh tests/determinism.sh

check: deps-check program
	@set -e; for t in $(CHECK_TARGETS); do $(MAKE) --no-print-directory $$t; done
	@echo "make check: all of [$(CHECK_TARGETS)] passed"

test: check

# ---- benchmark: our kernel vs the same step with OpenBLAS dgemm ----
BENCH_BIN := $(BUILD)/bench/bench_step
$(BENCH_BIN): tests/bench/bench_step.c tests/bench/bench_common.h $(LIB) Makefile
	mkdir -p $(BUILD)/bench
	$(CC) $(ALLCFLAGS) -I/usr/include/x86_64-linux-gnu/openblas-pthread -o $@ $< $(LIB) \
	  -lopenblas $(LDLIBS)

# CPU time per step; the OpenBLAS contenders run in child processes with
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed (autodetected kernel) and one
# thread; numpy (python3-numpy) is the third contender when installed
bench: deps-bench program $(BENCH_BIN)
	$(BENCH_BIN) $(PROGRAM)

# ---- install ----
install: program
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	  $(DESTDIR)$(PREFIX)/include/shadowgd
	install -m 755 $(PROGRAM) $(DESTDIR)$(PREFIX)/bin/shadowgd
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libshadowgd.a
	install -d $(DESTDIR)$(PREFIX)/include/shadowgd/kernels/relu \
	  $(DESTDIR)$(PREFIX)/include/shadowgd/kernels/sensing $(DESTDIR)$(PREFIX)/include/shadowgd/specs
	install -m 644 $(wildcard src/kernels/*.h) $(DESTDIR)$(PREFIX)/include/shadowgd/kernels
	install -m 644 $(wildcard src/kernels/relu/*.h) $(DESTDIR)$(PREFIX)/include/shadowgd/kernels/relu
	install -m 644 $(wildcard src/kernels/sensing/*.h) $(DESTDIR)$(PREFIX)/include/shadowgd/kernels/sensing
	install -m 644 $(wildcard specs/*.acsl) $(DESTDIR)$(PREFIX)/include/shadowgd/specs

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/shadowgd $(DESTDIR)$(PREFIX)/lib/libshadowgd.a
	rm -rf $(DESTDIR)$(PREFIX)/include/shadowgd

clean:
	rm -rf $(BUILD) $(BINDIR) out

# ---- Debian dependencies ----
define need_packages
missing=""; \
for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
    echo "make deps: installing$$missing"; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
      || { echo "make deps: apt-get install$$missing failed"; exit 1; }; \
  else \
    echo "make deps: missing Debian packages; run: sudo apt-get install -y$$missing"; exit 1; \
  fi; \
fi
endef

deps: deps-check deps-bench
deps-run:
	@$(call need_packages,$(DEPS_RUN))
deps-check:
	@$(call need_packages,$(DEPS_CHECK))
deps-bench:
	@$(call need_packages,$(DEPS_BENCH))
