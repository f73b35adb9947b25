# Every target builds its own virtualenv from the system python3; nothing is assumed installed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BVENV  := .venv-bench
BSTAMP := $(BVENV)/.installed-stamp

.PHONY: demo test test-no-dot test-fast fuzz notebooks bench lint typecheck clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[all,dev,notebooks]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/autograd-core demo --out demo-output

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 tests

# The fresh-machine world: the drawing, demo and example tests again with Graphviz's `dot`
# hidden from PATH; they must still produce SVG (with the in-process renderer of the viz extra).
NO_DOT_TESTS := tests/test_viz.py tests/test_viz_modules.py tests/test_viz_render.py \
	tests/test_viz_skeleton.py tests/test_demo.py tests/test_examples.py tests/test_readme.py \
	tests/test_viz_animation_player.py tests/test_notebooks.py
test-no-dot: $(STAMP)
	$(BIN)/python -m pytest -n 2 --hide-dot $(wildcard $(NO_DOT_TESTS))

test-fast: $(STAMP)
	$(BIN)/python -m pytest -x -q tests

# The differential check against PyTorch (tests/differential/): N random cases from SEED.
N    ?= 1000
SEED ?= 0
fuzz: $(STAMP)
	$(BIN)/python -m tests.differential.fuzz --n $(N) --seed $(SEED)

# Re-execute every notebook from a fresh kernel and store the outputs in place (about a minute).
notebooks: $(STAMP)
	$(BIN)/python notebooks/execute.py

lint: $(STAMP)
	$(BIN)/ruff check autograd_core nn optim tests benchmarks notebooks docs
	$(BIN)/mypy

$(BVENV)/bin/python:
	$(PYTHON) -m venv $(BVENV)
	$(BVENV)/bin/python -m pip install --quiet --upgrade pip

# Peers are optional: one that fails to install is reported "not available" by the suite.
$(BSTAMP): pyproject.toml | $(BVENV)/bin/python
	$(BVENV)/bin/python -m pip install --quiet -e '.[progress]'
	-$(BVENV)/bin/python -m pip install --quiet torch==2.13.0
	-$(BVENV)/bin/python -m pip install --quiet autograd
	-$(BVENV)/bin/python -m pip install --quiet mygrad
	-$(BVENV)/bin/python -m pip install --quiet micrograd
	-$(BVENV)/bin/python -m pip install --quiet threadpoolctl
	touch $(BSTAMP)

bench: $(BSTAMP)
	$(BVENV)/bin/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(BVENV) demo-output .pytest_cache .mypy_cache .ruff_cache *.egg-info
