# fl_identical.mk -- the fl.h operation macros (src/kernels/fl.h) do not
# change the program: each kernel file that uses them is compiled as it is
# and with every macro written out as its C operator (tests/fl_unmacro.py),
# with the program's flags at -O0 and -O2, and the two objects' code
# (objdump -d, raw bytes) must be identical.  The check first shows it
# FAILS with a broken fl.h whose SG_MUL rounds through float.
CHECK_TARGETS += fl-identical
FL_KERNELS := src/kernels/dot.c src/kernels/relu/empirical.c src/kernels/relu/forward.c src/kernels/relu/residual_update.c
FL_OUT     := $(BUILD)/fl
.PHONY: fl-identical
fl-identical:
	@mkdir -p $(FL_OUT)/broken/kernels
	@sed 's/^#define SG_MUL(a, b) ((a) \* (b))$$/#define SG_MUL(a, b) ((double)(float)((a) * (b)))/' \
	  src/kernels/fl.h > $(FL_OUT)/broken/kernels/fl.h
	@cmp -s src/kernels/fl.h $(FL_OUT)/broken/kernels/fl.h && \
	  { echo "fl-identical: the broken fl.h edit did not apply (test out of date)"; exit 1; } || true
	@set -e; for opt in -O0 -O2; do for f in $(FL_KERNELS); do \
	  b=$(FL_OUT)/$$(basename $$f .c)$$opt; \
	  python3 tests/fl_unmacro.py $$f > $$b.plain.c; \
	  if grep -q 'SG_\(MUL\|ADD\|SUB\|DIV\)(' $$b.plain.c; then echo "fl-identical: a macro survived in $$b.plain.c"; exit 1; fi; \
	  $(CC) $(CSTD) $$opt $(WARN) $(FPFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $$b.macro.o $$f; \
	  $(CC) $(CSTD) $$opt $(WARN) $(FPFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $$b.plain.o $$b.plain.c; \
	  $(CC) $(CSTD) $$opt $(WARN) $(FPFLAGS) -I$(FL_OUT)/broken $(CPPFLAGS) $(CFLAGS) -c -o $$b.broken.o $$f; \
	  objdump -d $$b.macro.o | tail -n +3 > $$b.macro.dis; \
	  objdump -d $$b.plain.o | tail -n +3 > $$b.plain.dis; \
	  objdump -d $$b.broken.o | tail -n +3 > $$b.broken.dis; \
	  if ! cmp -s $$b.macro.dis $$b.plain.dis; then echo "fl-identical: FAILED: $$f $$opt: the macros change the object code (diff $$b.macro.dis $$b.plain.dis)"; exit 1; fi; \
	  if cmp -s $$b.macro.dis $$b.broken.dis; then echo "fl-identical: FAILED: a broken SG_MUL went unnoticed in $$f $$opt"; exit 1; fi; \
	  echo "fl-identical: $$f $$opt: object code identical ($$(grep -c '^ ' $$b.macro.dis) instructions); a broken SG_MUL differs"; \
	done; done
