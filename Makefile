# Tatara — the two commands a new user needs:  make demo   and   make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test lint check-deploy clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --only-binary=:all: -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The screening matcher compiled by mypyc (decision 0022); Python runs the source without it
MATCHER  := $(wildcard src/tatara/screening/matching/*.py)
COMPILED := build/mypyc/.compiled-stamp
$(COMPILED): $(STAMP) $(MATCHER) scripts/compile_matcher.py
	$(BIN)/python scripts/compile_matcher.py
	mkdir -p build/mypyc && touch $(COMPILED)

install: $(STAMP) $(COMPILED)

## Build the demo database (SQLite under var/), print the demo users, serve http://127.0.0.1:8000
demo: install
	mkdir -p var && printf '# written by make demo: development settings for .venv/bin/tatara\nTATARA_DEBUG=1\n' > var/development.env
	TATARA_DEBUG=1 $(BIN)/tatara demo

## Lint, type-check, Django checks, then the whole suite on SQLite and on PostgreSQL, with browser tests
test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	TATARA_TESTING=1 $(BIN)/mypy src
	$(BIN)/lint-imports --no-cache

## Production settings must pass Django's deployment checks
check-deploy: install
	TATARA_SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-0123456789abcdef \
	TATARA_ALLOWED_HOSTS=tatara.example.com $(BIN)/tatara check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var build *.egg-info src/*.egg-info
	$(PYTHON) scripts/compile_matcher.py --clean
