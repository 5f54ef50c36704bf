# The two commands of the README: `make serve` and `make test`. Each one sets up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml sitekit/pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
ADDRESS ?= 127.0.0.1:8000
# Portable floating point (see tests/conftest.py): the site's figures and the tests compute the same numbers.
export ATEN_CPU_CAPABILITY ?= default
export MKL_CBWR ?= COMPATIBLE
export ONEDNN_MAX_CPU_ISA ?= SSE41

.PHONY: serve test outputs build chromium new-page

$(STAMP): pyproject.toml sitekit/pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-compile -c constraints.txt -e ".[docs,test,plots,yolo]" -e sitekit
	rm -f $(VENV)/.installed-* && touch $@

serve: $(STAMP)  ## build the site and serve it on http://127.0.0.1:8000
	$(BIN)/mkdocs serve --strict --dirty --dev-addr $(ADDRESS)  # a saved page shows in ~3 s (hooks/dirty_serve.py)

build: $(STAMP)  ## build the site into site/
	$(BIN)/mkdocs build --strict

test: $(STAMP) chromium  ## run the whole test suite
	$(BIN)/python -m pytest -n 2

chromium:  ## the real browser of the browser tests, from Debian's packages
	@command -v chromium >/dev/null || command -v google-chrome >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

outputs: $(STAMP)  ## rewrite the checked-in outputs of snippets/ (and the YOLO figure's data) from fresh runs
	$(BIN)/python -m pytest tests/test_snippets.py --update-outputs
	$(BIN)/python -m pytest tests/test_yolo.py -k figure_data --update-outputs

new-page: $(STAMP)  ## scaffold a glossary page and everything named after it: make new-page SLUG=layer-norm
	$(BIN)/python -m sitekit new-page $(SLUG)
