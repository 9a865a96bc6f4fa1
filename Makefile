# `make run` and `make test` work on a fresh machine with only Python 3.11 and pip.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= 8

.PHONY: run test bench lint clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

run: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)

test: $(STAMP)
	$(BIN)/pytest -q

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

clean:
	rm -rf results .snakemake
