# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# two stamps: `make run` installs only what the platform needs; `make test` / `make lint` add the dev extras
RUN_STAMP := $(VENV)/.installed-run
STAMP  := $(VENV)/.installed-dev
export XINYONG_DATABASE_URL ?= sqlite:///var/xinyong.db

.PHONY: run test lint install init demo serve clean test-fast bench

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## make install: the platform and the dev extras (tests, lint)
install: $(STAMP)

init: $(RUN_STAMP)
	$(BIN)/xinyong init

demo: init
	$(BIN)/xinyong demo --if-empty

## make run: venv, install, migrate the embedded SQLite database, load rules and demo data, serve :8000
run: demo
	$(BIN)/xinyong serve --host 127.0.0.1 --port 8000

## make test: the whole suite (SQLite and PostgreSQL; browser and slow suites included)
test: $(STAMP)
	$(BIN)/python -m tests.prepare
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

## make test-fast: everything but the suites marked slow (browser, crash harness, API fuzzing, large data)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -x -n 2 --dist loadfile -m "not slow"

## make lint: ruff, mypy and the import contracts between capabilities (docs/architecture.md)
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache --no-logo

## make bench: every benchmark on PostgreSQL, each beside the database's own speed in the same run
## (BENCH_SIZE=1000000 for the full size; BENCH_SECONDS for the load test; figures in bench/out/)
BENCH_SIZE    ?= 100000
BENCH_SECONDS ?= 60
bench: $(STAMP)
	$(BIN)/python bench/screening.py --subjects $(BENCH_SIZE) --records $$(( $(BENCH_SIZE) * 2 )) \
		--listings $$(( $(BENCH_SIZE) / 5 )) --clients 16 --duration $(BENCH_SECONDS) --skip-batch
	$(BIN)/python bench/batch_screening.py --rows $(BENCH_SIZE)
	$(BIN)/python bench/name_screening.py --orgs $(BENCH_SIZE) --queries 1000
	$(BIN)/python bench/import_records.py --rows $(BENCH_SIZE) --backends postgresql
	$(BIN)/python bench/statistics_figures.py --records $(BENCH_SIZE)
	$(BIN)/python bench/audit_chain.py --entries 2000 \
		--database postgresql+psycopg://postgres@127.0.0.1:5432/xy_bench_screening

clean:
	rm -rf $(VENV) var/*.db var/*.db-wal var/*.db-shm
