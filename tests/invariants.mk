# invariants.mk -- the invariant audit's checks and figures (issue 5).
CHECK_TARGETS += audit-smoke

.PHONY: audit-smoke figures

audit-smoke: program
	sh tests/audit_smoke.sh $(PROGRAM)

# Refresh the committed README figures from the main job and the population run.
figures: all
	$(PROGRAM) run --out out/main --force --quiet --plots
	$(PROGRAM) run --loss population --out out/population --force --quiet --plots
	mkdir -p tests/figures
	cp out/main/fig3.png tests/figures/fig3.png
	cp out/main/audit.png tests/figures/audit.png
	cp out/population/fig3.png tests/figures/fig3-population.png
