# Two commands: `make run` and `make test`. Each sets up .venv on first use (only Python and pip needed).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_RUN := $(VENV)/.stamp-run
STAMP_TEST := $(VENV)/.stamp-test

.PHONY: run test lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP_RUN): requirements.txt | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(STAMP_TEST): requirements.txt requirements-test.txt | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-test.txt
	touch $(STAMP_RUN) $@

run: $(STAMP_RUN)
	$(PY) -m streamlit run app.py

lint: $(STAMP_TEST)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: lint
	$(PY) -m pytest -q -ra

bench: $(STAMP_TEST)
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts
