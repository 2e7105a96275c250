# `make demo` and `make test` work on a fresh machine: they find a Python 3.12+,
# create .venv, install the kit with its test extras, and run.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# First interpreter of 3.13/3.12 found on PATH or through pyenv.
PYTHON ?= $(shell for c in python3.13 python3.12 python3; do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; exit; fi; \
	done; \
	for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[2-9]' | sort -rV); do \
	  p=$$(pyenv root)/versions/$$v/bin/python3; [ -x $$p ] && { echo $$p; exit; }; \
	done)

.PHONY: demo test venv clean docs bench-sample bench-verify bench-runtime-suites ecosystem bench-bugfix fuzz

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.12+ not found (install it or pass PYTHON=...)" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	@echo "== 1/3  Which legacy views are worth converting (triage of sample_project/shop/views_legacy.py)"
	$(VENV)/bin/django-async-kit triage sample_project/shop/views_legacy.py
	@echo
	@echo "== 2/3  AI drafts (sample_project/ai_drafts): the tutorial's own conversions and other typical mistakes"
	$(VENV)/bin/django-async-kit verify sample_project/ai_drafts --exit-zero
	@echo
	@echo "== 3/3  Reviewed conversions (sample_project/shop/views_async.py): the same views, done right"
	$(VENV)/bin/django-async-kit verify sample_project/shop/views_async.py --exit-zero

test: $(STAMP)
	$(PY) -m pytest

# Generated and mutated Django code through verify, triage and init, in-process, randomized, for
# FUZZ_SECONDS (default 180): any exception but the documented errors fails (tests/robustness/fuzz.py).
# `make test` runs a short derandomized pass of the same target.
FUZZ_SECONDS ?= 180
fuzz: $(STAMP)
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(PY) -m pytest tests/robustness/test_fuzz.py -q -p no:cacheprovider

# Load benchmark of the sample project, legacy views on gunicorn against async views on uvicorn,
# SQLite and PostgreSQL, 127.0.0.1 only, 5 rounds per case, about 10 minutes on 2 cores:
# bench/results/sample.json and sample.png, then the tables of docs/benchmarks.md (make docs).
bench-sample: $(STAMP)
	$(PY) bench/bench_sample.py
	$(PY) -m verify.docgen

# The runtime plugin on public async test suites (django-ninja, adrf, django-ninja-extra at pinned
# commits, each in a virtualenv cached outside the repository): plain and with --async-verify, then
# three planted bugs each; bench/results/runtime_suites.json, then the README and docs/runtime.md tables (make docs).
bench-runtime-suites: $(STAMP)
	$(PY) bench/bench_runtime_suites.py

# Verifier speed against ruff (and flake8-async, recorded once: `make bench-verify FLAKE8=1`),
# installed in a separate environment: bench/results/verify.json.
bench-verify: $(STAMP)
	test -x bench/.tools-venv/bin/ruff || { $(PYTHON) -m venv bench/.tools-venv && bench/.tools-venv/bin/pip install --quiet "ruff>=0.15" "flake8>=7" "flake8-async>=25.0"; }
	$(PY) bench/bench_verify.py $(if $(FLAKE8),--flake8,)
	$(PY) -m verify.docgen

# The verifier with its default configuration on real public Django projects (pinned PyPI sdists,
# cached outside the repository), every finding matched against bench/ecosystem/expected.json;
# refreshes the tables in README.md and docs/ecosystem.md. One project: make ecosystem ARGS="--project channels".
ecosystem: $(STAMP)
	$(PY) bench/ecosystem/run.py --write-docs $(ARGS)

# Recall on real async bugs that public Django projects released and later fixed (pinned PyPI
# sdists, cached outside the repository): bench/results/bugfix.json and the table of docs/bugfix.md.
bench-bugfix: $(STAMP)
	$(PY) bench/bugfix/run.py --write-docs $(ARGS)
	$(PY) -m verify.docgen

# docs/rules.md and the README's generated blocks (rule table, snippets from docs/snippets/).
docs: $(STAMP)
	$(PY) -m verify.docgen

clean:
	rm -rf $(VENV) .pytest_cache
