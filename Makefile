# Interpreter: `make run` serves the app with the local engine; `make test` runs every check.
# Each setup step leaves a stamp, so running a target twice repeats no work.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/interpreter
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

export DEBUG ?= true
export HF_HUB_OFFLINE := 1

# The tests that put frames through a real daphne (and a few that drive the consumer), run a
# second time with interpreter.server_tuning off: correctness must never depend on it.
UNTUNED_TESTS := tests/server_tuning/test_frames_through_daphne.py tests/security/test_oversized_frames.py \
	tests/e2e/test_interpreting_in_a_browser.py \
	tests/e2e/test_firefox.py::test_english_speech_becomes_spanish_captions_and_speech_in_firefox \
	tests/e2e/test_resuming_a_session.py::test_a_live_session_carries_on_through_a_restart_of_daphne \
	tests/live/test_a_session_relays_and_saves.py tests/faults/test_the_service_drops_mid_utterance.py

.PHONY: run test bench setup setup-dev system-run system-test lint clean

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_login
	scripts/serve.sh

setup: system-run $(VENV)/.run-installed

setup-dev: system-test $(VENV)/.dev-installed node_modules/.installed

system-run:
	@scripts/system-packages.sh run

system-test:
	@scripts/system-packages.sh test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.run-installed $@

# puppeteer-core drives Debian's Firefox in the browser tests; it downloads no browser.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	@if ls tests/js/*.test.mjs >/dev/null 2>&1; then node --test tests/js/; \
	else echo "No JavaScript tests under tests/js/."; fi
	$(VENV)/bin/pytest
	@echo "Again with SERVER_TUNING=false (daphne as shipped):"
	SERVER_TUNING=false $(VENV)/bin/pytest -q $(UNTUNED_TESTS)
	@if $(PY) scripts/service_up.py 127.0.0.1 5432; then \
	  echo "PostgreSQL answers on 127.0.0.1:5432: running the PostgreSQL tests against it."; \
	  DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -m postgres; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ]; \
	else \
	  echo "PostgreSQL does not answer on 127.0.0.1:5432: PostgreSQL tests skipped."; \
	fi
	@if $(PY) scripts/service_up.py 127.0.0.1 6379; then \
	  echo "Redis answered on 127.0.0.1:6379: the tests marked redis ran against it."; \
	else \
	  echo "Redis does not answer on 127.0.0.1:6379: Redis channel-layer tests were skipped."; \
	fi

bench: setup-dev
	@for script in bench/*.py; do \
	  case $$script in */__init__.py) continue;; esac; \
	  echo "== $$script"; $(PY) $$script || exit 1; \
	done

clean:
	rm -rf $(VENV) node_modules var/staticfiles .pytest_cache .ruff_cache
