# The two commands a newcomer needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres lint venv bench browser-deps axe clean i18n scan

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

run: venv
	$(BIN)/marketplace migrate
	$(BIN)/marketplace demo --if-empty
	$(BIN)/marketplace serve

# ruff, then the import contracts of pyproject.toml (README "Architecture").
lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The whole suite on SQLite, then again on PostgreSQL (installed and started in CI), then
# the scanner against the served demo.
test: venv lint browser-deps axe
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory scan

test-sqlite: venv
	@echo "== test suite on SQLite =="
	@echo "(tests of PostgreSQL's own pool and locks run in the PostgreSQL run)"
	$(BIN)/pytest -m "not postgres_only" $(PYTEST_ARGS)

test-postgres: venv
	@url=$$(bash scripts/postgres.sh) ; \
	if [ -z "$$url" ]; then \
	  if [ "$$CI" = "true" ]; then echo "PostgreSQL could not be started in CI" >&2; exit 1; fi ; \
	  echo "SKIPPED: the PostgreSQL run (no server could be started here; see scripts/postgres.sh)" ; \
	else \
	  echo "== test suite on PostgreSQL ==" ; \
	  echo "(layout tests — screenshots, accessibility — ran on SQLite: they do not depend on the database)" ; \
	  echo "(tests of the SQLite engine's own pool and connections ran on SQLite)" ; \
	  DATABASE_URL=$$url $(BIN)/pytest -m "not layout and not sqlite_only" $(PYTEST_ARGS) ; \
	fi

# Chromium from Debian for the browser tests; in CI it must be there.
browser-deps:
	@bash scripts/chromium.sh
	@bash scripts/cjk-font.sh

# axe-core (pinned, sha256-checked) from the npm registry for the accessibility tests.
axe:
	@bash scripts/axe.sh

# wapiti (Debian's package) against the demo, signed in as a resident and as staff: fails on
# any vulnerability or server error it reports. SCAN_SECONDS bounds each scan's crawl.
scan: venv
	@bash scripts/wapiti.sh
	$(BIN)/python -m tests.scan

bench: venv
	$(BIN)/python -m tests.bench

i18n: venv
	$(BIN)/python -m marketplace.i18n_tools update

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
