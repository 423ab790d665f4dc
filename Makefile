# Set-up is part of the two commands: a fresh machine needs nothing but python3 and make.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint chromium sandbox clean compile

$(STAMP): requirements.txt requirements-core.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian chromium (browser tests need /usr/bin/chromium)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The app's own modules, byte-compiled ahead of a start. Python writes these files itself on a first
# import, unless PYTHONDONTWRITEBYTECODE is set (as on these machines): then every start compiled its 88
# modules again, on the cold start's path (benchmarks/cold_start.py). Only changed files are redone.
APP_SOURCES := app.py studio.py local_sandbox.py app_pages components profile_block profiles_sandbox studio_files

compile: $(STAMP)
	$(PY) -m compileall -q $(APP_SOURCES)

run: compile
	$(VENV)/bin/streamlit run app.py

sandbox: compile
	$(PY) -m profiles_sandbox --port 4599

test: compile chromium
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .data
