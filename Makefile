# meddoc: one entry point. `make run` and `make test` set everything up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
DOCS ?=
DATA ?= ../shared/data
# sam build needs the Lambda runtime's Python (3.12) on PATH; pyenv provides it here.
SAM_PYENV ?= 3.11.7:3.12.1

.PHONY: help venv run test lint format bench bench-aws build coldstart deploy checkov clean

help:
	@echo "make run    - process the sample documents offline, then serve the review site"
	@echo "make test   - lint and run every test"
	@echo "make lint   - ruff, mypy, cfn-lint"
	@echo "make bench  - accuracy and speed figures (needs $(DATA))"
	@echo "make bench-aws - admission control: 1,000 uploads in moto, 10,000 simulated"
	@echo "make build  - sam build;  make deploy - sam deploy"
	@echo "make coldstart - layer sizes and handler import times (x86 stand-in)"
	@echo "make checkov - checkov on the SAM-transformed template (installs it into .venv-checkov)"

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -e '.[local,dev]'
	touch $@

venv: $(BIN)/.installed

run: venv
	$(BIN)/meddoc run samples/documents $(DOCS)

test: lint $(SAM)
	$(BIN)/pytest -n 2 --dist loadgroup

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/cfn-lint template.yaml

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Five yardsticks (OCR vs Textract; offline structure - fields, table cells, checkboxes -
# vs Textract AnalyzeDocument; medical NLP on the labelled notes and the genuine
# Comprehend Medical responses; end to end from rendered and real page images; fresh
# generated documents through `meddoc process`: document type, fields, lab rows, FHIR
# statements) plus speed;
# every figure is printed, the JSON reports and their summary go to bench-results/.
PHI_SETS = $(addprefix tests/local/language/,phi_dev.txt phi_holdout.txt phi_fresh.txt phi_ocr.txt)

bench: venv
	mkdir -p bench-results
	$(BIN)/python -m meddoc.bench.ocr --data $(DATA)/textract --workers 2 --json bench-results/ocr.json
	$(BIN)/python -m meddoc.bench.structure --data $(DATA)/textract --workers 2 \
		--json bench-results/structure.json
	$(BIN)/python -m meddoc.bench.medical --shared $(DATA)/comprehend-medical --json bench-results/medical.json
	$(BIN)/python -m meddoc.local.language --bench $(PHI_SETS) --languages tests/local/language/language_samples.tsv \
		--json bench-results/phi.json
	$(BIN)/python -m meddoc.bench.end_to_end --shared $(DATA) --corpus tests/fixtures/medical_notes \
		--corpus tests/local/medical/dev_notes --json bench-results/end_to_end.json
	$(BIN)/python -m meddoc.bench.generated --count 200 --json bench-results/generated.json
	$(BIN)/python -m meddoc.bench.report bench-results

$(SAM):
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet aws-sam-cli==1.170.0

build: $(SAM)
	PYENV_VERSION=$(SAM_PYENV) $(SAM) build

# The layers built as sam build builds them (src/Makefile, for x86_64 here), their zipped
# sizes and each handler's import time under the runtime's Python, best of 5.
# COLDSTART_ARGS=--compare also times the old single layer without bytecode.
coldstart: venv
	PYENV_VERSION=$(SAM_PYENV) $(BIN)/python -m meddoc.bench.coldstart $(COLDSTART_ARGS)

# STACK=<name> picks the stack (default meddoc, as in samconfig.toml); the site's
# config.json is written from that stack's outputs.
deploy: build venv
	$(SAM) deploy --stack-name $(or $(STACK),meddoc)
	$(BIN)/python -m meddoc.aws.deploy_site --stack $(or $(STACK),meddoc) --site site

# checkov reads CloudFormation: the template goes through the SAM transform first (offline,
# tests/aws/sam_transform.py). Its own venv: its pins clash with the project's.
CHECKOV_VENV := .venv-checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov

$(CHECKOV):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet checkov==3.3.30

checkov: $(SAM) $(CHECKOV)
	mkdir -p .aws-sam
	AWS_DEFAULT_REGION=us-east-1 $(SAM_VENV)/bin/python tests/aws/sam_transform.py template.yaml \
		> .aws-sam/template.transformed.json
	$(CHECKOV) -f .aws-sam/template.transformed.json --framework cloudformation --compact --quiet

clean:
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache

# Admission control at scale: moto (real ASL, real handlers, quota-enforcing fake AI
# services, compressed waits) and a 10,000-upload simulation read from the ASL and template.
bench-aws: venv
	mkdir -p bench-results
	$(BIN)/python -m meddoc.bench.aws_load --json bench-results/aws_load.json
