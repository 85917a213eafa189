# gogooku3 — the two commands a new user needs:
#   make run    create .venv if missing, install, run one daily cycle on embedded defaults
#   make test   create .venv if missing, install with test extras, run the whole test suite
#   make bench  the benchmark (bench/README.md): full-market lake, timed steps, bench/results.md
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP_FLAGS := --quiet --disable-pip-version-check
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run test install install-test docs docs-serve status clean bench

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install $(PIP_FLAGS) -e . 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
	touch $@

# Qlib's own expression engine is the reference of the Alpha158 family. pyqlib's declared
# dependencies (mlflow, jupyter, lightgbm, cvxpy, …) are far heavier than its operators need, and an
# extra cannot say --no-deps: install it bare with the few packages its data layer imports.
QLIB_TEST_PACKAGES := pyqlib==0.9.7 scipy==1.17.1 ruamel.yaml==0.19.1 redis==8.1.0 python-redis-lock==4.0.1 \
	dill==0.4.1 joblib==1.6.0 filelock==4.3.1 cloudpickle==3.1.3

# One pip run for the package and its test extra (a fresh clone installs the stack once, not once
# for `.` and again for `.[test]`); it counts as `install` too.
$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install $(PIP_FLAGS) -e '.[test]' 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
	$(PY) -m pip install $(PIP_FLAGS) --no-deps $(QLIB_TEST_PACKAGES) 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(PY) orchestrate.py run

# The suite runs on two workers (pytest-xdist; tests/conftest.py keeps each shared dbt build of
# tests/dbt and tests/pit on one worker and hands out the longest scopes first); PYTEST_ARGS= runs
# it serially. Measured on fresh clones, quiet 2-core machine: 281 tests in 10 min 52 s to 12 min 39 s (13.5-15.5 min
# with the installs), ~20 min of test time.
PYTEST_ARGS ?= -n 2
test: install-test
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The benchmark of issue 7 (bench/README.md): generates the full-scale lake once (bench/cache/),
# times each step as a fresh process, writes bench/results.md and prints the table. Knobs by
# environment: BENCH_CODES=1000,2000,4000 BENCH_DAYS=2500 BENCH_REPEAT=3 BENCH_REPEAT_FULL=1.
# polars is a comparison only, not a project dependency; TA-Lib comes with the test extra.
BENCH_PACKAGES := polars==1.44.2

$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(PY) -m pip install $(PIP_FLAGS) $(BENCH_PACKAGES) 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
	touch $@

bench: $(VENV)/.installed-bench
	$(PY) bench/run_bench.py

# dbt docs: the lineage site. `make docs` writes one self-contained page; `make docs-serve` serves it.
docs: install
	$(VENV)/bin/dbt docs generate --profiles-dir profiles --static && echo "open target/static_index.html"

docs-serve: install
	$(VENV)/bin/dbt docs generate --profiles-dir profiles && $(VENV)/bin/dbt docs serve --profiles-dir profiles --port 8080

status: install
	$(PY) orchestrate.py status --html data/status.html && echo "open data/status.html"

clean:
	rm -rf data target logs
