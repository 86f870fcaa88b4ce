# layers.mk -- dependencies point one way (tests/layers.py, docs/layout.md):
# every include names its own layer or a lower one, and no two modules
# include each other; the checker first shows it rejects a broken tree.
CHECK_TARGETS += layers
.PHONY: layers
layers:
	python3 tests/layers.py --self-test
	python3 tests/layers.py src
