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

.PHONY: demo test venv clean docs

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.12+ not found (install it or pass PYTHON=...)" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) -m verify sample_project/ai_drafts sample_project/shop --exit-zero

test: $(STAMP)
	$(PY) -m pytest

# docs/rules.md and the README's generated blocks (rule table, snippets from docs/snippets/).
docs: $(STAMP)
	$(PY) -m verify.docgen

clean:
	rm -rf $(VENV) .pytest_cache
