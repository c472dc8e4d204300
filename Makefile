# Two commands for a fresh machine: `make run` (the app on demo data) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint chromium postgresql bench clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.address 127.0.0.1

# The end-to-end tests and the board pack's charts drive Debian's Chromium, and the board pack test reads
# its PDF with poppler's pdftotext and pdftoppm; install them when missing (needs root, as in CI).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium and chromium-driver for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }
	@command -v pdftotext >/dev/null 2>&1 || { \
		echo "Installing Debian's poppler-utils for the board pack test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; }

# The team tests (tests/test_team_*.py) start a throw-away PostgreSQL cluster of their own on a free local
# port, as an unprivileged user (tests/team.py); they need Debian's server binaries, installed when missing.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		echo "Installing Debian's postgresql for the team tests (DuckLake's catalogue)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

test: $(VENV)/.dev chromium postgresql
	$(PY) -m ruff check .
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not alone"
	$(PY) -m pytest -q -m alone

bench: $(VENV)/.dev
	$(PY) bench/ingest.py
	$(PY) bench/kpis.py

clean:
	rm -rf $(VENV) .pytest_cache
