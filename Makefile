# `make run` and `make test` work on a fresh machine with only Python >= 3.11 and pip.
# `make run CORES=2` sets the cores; `make run PYTHON=python3.12` picks the interpreter that builds the venv.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= 8
PYTHON ?= python3

.PHONY: run test test-fast bench lint docs clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "make: $(PYTHON) is not Python >= 3.11 (found: $$($(PYTHON) --version 2>&1)); use make ... PYTHON=python3.11" >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

run: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)

# One pytest-xdist worker per core, each taking whole test files (their module fixtures are built once); the
# tiny workflow run that several files read is run once and shared (tests/conftest.py).
test: $(STAMP)
	$(BIN)/pytest -q -n auto --dist loadfile --durations=15

# The unit tests only, without the workflow tests that run Snakemake (marked slow): for quick edit-test loops.
test-fast: $(STAMP)
	$(BIN)/pytest -q -n auto --dist loadfile -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench_pythia
	$(BIN)/python -m benchmarks.bench_cluster
	$(BIN)/python -m benchmarks.bench_memory
	$(BIN)/python -m benchmarks.bench_training
	$(BIN)/python -m benchmarks.bench_metrics

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakemake --lint

# docs/configuration.md is written from config.schema.yaml and dijetgen/registry.py, docs/rulegraph.md from the
# default config's rules; tests/test_docs.py fails when either is stale.
docs: $(STAMP)
	$(BIN)/python -m dijetgen.config_reference config.schema.yaml docs/configuration.md
	{ printf '# The rules of the default config\n\nWritten by `make docs` from `snakemake --rulegraph mermaid-js`.\n\n```mermaid\n'; \
	  $(BIN)/snakemake --rulegraph mermaid-js; printf '```\n'; } > docs/rulegraph.md.tmp
	mv docs/rulegraph.md.tmp docs/rulegraph.md

clean:
	rm -rf results .snakemake
