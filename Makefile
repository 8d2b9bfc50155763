# Two commands on a fresh machine: `make demo` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := .demo

.PHONY: demo test test-fast docs bench dist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[build,plot,test,bench]'
	touch $(STAMP)

# The main job end to end on the fixtures: validate, build, export, count, publish v1.0.0 to a
# local release store, publish again (no change), and load the version back.
demo: $(STAMP)
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN)/claims validate fixtures/
	$(BIN)/claims build fixtures/ --out $(DEMO)/build
	$(BIN)/claims export fixtures/ --format csv --out $(DEMO)/claims.csv
	$(BIN)/claims export fixtures/ --format parquet --out $(DEMO)/claims.parquet
	$(BIN)/claims export fixtures/ --format claimreview --out $(DEMO)/claimreview.json
	$(BIN)/claims stats fixtures/ --plot $(DEMO)/stats.png
	$(BIN)/claims publish fixtures/ --repo ./$(DEMO)/releases
	$(BIN)/claims publish fixtures/ --repo ./$(DEMO)/releases
	$(BIN)/claims pull ./$(DEMO)/releases --revision v1.0.0 --out $(DEMO)/v1.0.0.csv
	$(BIN)/python -c "import toolkit; t = toolkit.load('./$(DEMO)/releases', revision='v1.0.0'); print(t.select('id', 'speaker', 'date', 'status'))"

test: $(STAMP)
	$(BIN)/ruff check toolkit
	$(BIN)/ruff format --check toolkit
	$(BIN)/mypy
	HF_HUB_OFFLINE=0 $(BIN)/python -m pytest -q

# The inner loop: the suite without the tests marked `slow` (wheel builds, fresh venvs, Hub
# servers, big publishes, long hypothesis runs); `make test` still runs everything.
test-fast: $(STAMP)
	HF_HUB_OFFLINE=0 $(BIN)/python -m pytest -q -m "not slow"

# The parts of docs/ the code says (the rule catalogue, every command's --help); a test fails when stale.
docs: $(STAMP)
	$(BIN)/python -m toolkit.docs

# The release files: an sdist and a wheel in dist/, checked as PyPI will check them. The release
# workflow (.github/workflows/release.yml) runs the same two commands on a `v*` tag.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

# Bytecode compiled first: this machine sets PYTHONDONTWRITEBYTECODE, so every `claims` run
# would compile the toolkit again (30 ms), which `pip install` of a release does once.
bench: $(STAMP)
	$(BIN)/python -m compileall -q toolkit
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(DEMO) bench/out build dist *.egg-info
