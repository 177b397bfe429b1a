# govsurvey — two commands do all the set-up on a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PARAMS ?= params/default.yaml

.PHONY: all venv report test lint format lab bench data clean

all: test

# Set-up: a virtual environment with the project, its dev extras and a Jupyter kernel for it.
# Idempotent: re-run only when pyproject.toml changes or the venv is missing.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name govsurvey --display-name "Python (govsurvey)"
	touch $(STAMP)

venv: $(STAMP)

# Run every notebook on $(PARAMS) and write the HTML reports to reports/<run>/.
report: venv
	$(BIN)/govsurvey run $(PARAMS)

# The whole suite, in one pytest run: lint, docstring examples, unit and oracle tests,
# statistical checks, and nbval on the committed notebooks.
test: venv
	$(BIN)/ruff check govsurvey tests bench
	$(BIN)/ruff format --check govsurvey tests bench
	$(BIN)/python -m pytest -q -p no:cacheprovider --doctest-modules govsurvey tests \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks/

lint: venv
	$(BIN)/ruff check govsurvey tests bench

format: venv
	$(BIN)/ruff format govsurvey tests bench

lab: venv
	$(BIN)/jupyter lab notebooks/

# Every benchmark in bench/, each timing govsurvey against its peer (svy, pandas) in the same run.
bench: venv
	@set -e; for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b; done

# Regenerate the embedded synthetic data (byte-identical to the committed files).
data: venv
	$(BIN)/python -m govsurvey.synth --out data/synthetic

clean:
	rm -rf $(VENV) reports .pytest_cache
