# The case tracker's everyday commands. GNU make; needs python3 >= 3.11 (see README.md).
#
#   make run     set up, migrate, load the demo data, serve on http://127.0.0.1:8000/ with a worker
#   make test    lint, type-check, migrations check, the whole test suite
#   make lint    ruff and mypy only       make e2e    the browser tests only
#   make fuzz    the property and schema fuzz tests with fresh randomness and more examples
#   make bench-quick  the benchmark at a small scale (PostgreSQL)   make bench  at full scale
#   make bench-growth  10 % and 100 % in alternating rounds, each page's ratio
#   make load    gunicorn (3 workers) under 20 simulated users for 2 minutes on the full-scale database
#   make format  rewrite the code in the house style
#   make clean   caches and build output  make distclean  also the virtualenv and var/ (the local database)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Written after a successful install: pip runs again only when a requirements file is newer.
STAMP := $(VENV)/.requirements.stamp
PORT ?= 8000
# Fictional investigations with orders and deadlines around today that make run adds to the
# Clearview case, so that the dashboard and the deadline lists have life (0: none).
DEMO_SYNTHETIC ?= 150
CHROMIUM := /usr/bin/chromium
BROKER_DIRS := var/broker/queue var/broker/processed var/broker/control var/media

.PHONY: help venv run test lint format e2e check chromium clean distclean bench bench-quick bench-growth load fuzz

help:
	@awk '!/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' Makefile

# --- The virtualenv ------------------------------------------------------------------------

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "Python 3.11 or newer is needed; $(PYTHON) is $$($(PYTHON) --version 2>&1)." >&2; exit 1; }
	@# Debian splits venv out of python3; as root we can add it.
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing python3-venv..."; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv && \
	    $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "'$(PYTHON) -m venv' failed: install your distribution's venv package (Debian: python3-venv)." >&2; \
	    exit 1; \
	  fi; }

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	@echo "Installing the requirements into $(VENV)..."
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(STAMP)

# --- Running it ------------------------------------------------------------------------------

# The worker (with the embedded beat), started again whenever it exits, as systemd's
# Restart=always does in production: Celery 5.7's worker exits when the broker goes away while
# it holds a task (docs/operations.md, "Supervision"), and nothing owed is lost meanwhile, since
# the database records it. TERM (or INT, HUP) stops the loop and, through it, the worker.
define SUPERVISED_WORKER
stopping= pid=; trap 'stopping=1; [ -n "$$pid" ] && kill -TERM $$pid 2>/dev/null' TERM INT HUP
while [ -z "$$stopping" ]; do
  $(BIN)/celery -A config worker -B -l info --concurrency 2 </dev/null & pid=$$!
  until wait $$pid; status=$$?; ! kill -0 $$pid 2>/dev/null; do :; done
  pid=; [ -n "$$stopping" ] && break
  echo "The worker stopped (exit $$status); starting it again in 2 s." >&2
  sleep 2 & wait $$!
done
endef

# Development defaults; anything already in the environment wins.
run: export DJANGO_DEBUG ?= true
run: export SUPERVISED_WORKER := $(SUPERVISED_WORKER)

run: venv
	@mkdir -p $(BROKER_DIRS)
	$(PY) manage.py migrate --noinput
	@if compgen -G 'locale/*/LC_MESSAGES/*.po' >/dev/null; then \
	  if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv; \
	  else echo "msgfmt not found (Debian: gettext): pages will be in English only."; fi; fi
	$(PY) manage.py seed_demo --synthetic $(DEMO_SYNTHETIC)
	@# Web server and worker (with the embedded beat, restarted if it exits: SUPERVISED_WORKER)
	@# each in a session of their own: Ctrl-C reaches only this shell, whose trap stops them.
	@# The worker's loop gets TERM and passes it on (a warm shutdown: the worker stops its pool
	@# and beat itself); runserver's group gets it (reloader and child). Whatever is left after
	@# 15 s is killed. The banner waits until the web server answers.
	@web= worker=; \
	alive() { kill -0 -- -$$web 2>/dev/null || kill -0 -- -$$worker 2>/dev/null; }; \
	stop() { trap - INT TERM HUP EXIT; \
	  kill -TERM $$worker 2>/dev/null || true; kill -TERM -- -$$web 2>/dev/null || true; \
	  for _ in $$(seq 75); do alive || break; sleep 0.2; done; \
	  for pid in $$web $$worker; do kill -KILL -- -$$pid 2>/dev/null || true; done; }; \
	trap 'echo; echo "Stopping..."; stop; exit 130' INT TERM HUP; \
	trap stop EXIT; \
	setsid bash -c "$$SUPERVISED_WORKER" </dev/null & worker=$$!; \
	setsid $(PY) manage.py runserver 127.0.0.1:$(PORT) </dev/null & web=$$!; \
	for _ in $$(seq 120); do (exec 3<>/dev/tcp/127.0.0.1/$(PORT)) 2>/dev/null && break; sleep 0.5; done; \
	echo; \
	echo "  Case tracker: http://127.0.0.1:$(PORT)/   (admin site: http://127.0.0.1:$(PORT)/admin/)"; \
	echo "  Sign in as admin, or opc|bc|ab|qc + .investigator|.legal|.manager (e.g. bc.legal),"; \
	echo "  password: $${DEMO_PASSWORD:-demo-password}.   Ctrl-C stops the web server and the worker."; \
	echo; \
	status=0; wait -n $$web $$worker || status=$$?; \
	echo "A process stopped (exit $$status); stopping the other."; \
	exit $$status

# --- Checking it ---------------------------------------------------------------------------

# The test settings; DATABASE_URL, CELERY_BROKER_URL and REDIS_URL from the environment
# point the suite at PostgreSQL and Redis (see README.md).
test lint e2e check: export DJANGO_SETTINGS_MODULE = config.settings_test

chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Chromium for the browser tests..."; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else echo "$(CHROMIUM) not found and not root: the browser tests will skip."; fi

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

check: venv
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Every step runs even when an earlier one failed, so that one run reports every problem;
# the target fails at the end if any did. pytest's exit status 5 (no test collected) is a failure.
test: venv chromium
	@failed=(); \
	step() { echo; echo "== $$*"; "$$@" || { status=$$?; failed+=("$$* (exit $$status)"); \
	  if [ "$$1" = $(BIN)/pytest ] && [ $$status = 5 ]; then echo "pytest collected no tests: that is a failure."; fi; }; }; \
	step $(BIN)/ruff check .; \
	step $(BIN)/ruff format --check .; \
	step $(BIN)/mypy .; \
	step $(PY) manage.py check; \
	step $(PY) manage.py makemigrations --check --dry-run; \
	step $(BIN)/pytest $(PYTEST_ARGS); \
	echo; \
	if [ $${#failed[@]} -gt 0 ]; then echo "make test failed:"; printf '  %s\n' "$${failed[@]}"; exit 1; fi; \
	echo "make test: every step passed."

e2e: venv chromium
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

# The property and schema fuzz tests with fresh randomness and many more examples (the suite draws
# a fixed set on every run, so that CI stays deterministic). Failing examples are printed to replay.
fuzz: export DJANGO_SETTINGS_MODULE = config.settings_test
fuzz: venv
	HYPOTHESIS_PROFILE=random $(BIN)/pytest -p no:cacheprovider -m fuzz tests $(PYTEST_ARGS)

# The benchmark suite (bench/README.md): builds a PostgreSQL database (BENCH_DATABASE_URL or the
# local server) and prints its measurements as JSON, also written under var/bench/.
bench-quick: venv
	@mkdir -p var/bench
	$(PY) bench/run.py --quick --json-out var/bench/quick.json $(BENCH_ARGS)

bench: venv
	@mkdir -p var/bench
	$(PY) bench/run.py --json-out var/bench/full.json $(BENCH_ARGS)

bench-growth: venv
	@mkdir -p var/bench
	$(PY) bench/run.py --growth --json-out var/bench/growth.json $(BENCH_ARGS)

# The load test (bench/load.py) runs Locust from a virtualenv of its own: not an application dependency.
LOAD_VENV := var/load-venv
$(LOAD_VENV)/.stamp: bench/requirements-load.txt | $(PY)
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements-load.txt
	@touch $@

load: venv $(LOAD_VENV)/.stamp
	@mkdir -p var/bench
	$(PY) bench/load.py --json-out var/bench/load.json $(LOAD_ARGS)

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# --- Tidying up --------------------------------------------------------------------------------

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis staticfiles test-results var/test-media
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# Also the local database, the embedded broker's messages, uploaded files and the virtualenv.
distclean: clean
	rm -rf $(VENV) var
