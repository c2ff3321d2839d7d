# Smart Economy Balikpapan. Two commands do all the set-up on a machine with Python 3.11+:
#   make run    install, migrate, load demo data and users, start the web server and the task worker
#   make test   install the test tools and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-browser install install-dev migrate lint messages clean \
	run-prod prod-release prod-web prod-worker prod-beat backup restore backup-check check-deploy fault-checks

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py seed_demo
	@bash scripts/run.sh "$(BIN)" "$(HOST)" "$(PORT)"

# Browser tests need Debian's Chromium (/usr/bin/chromium; .ci/run installs it). Without it they are
# deselected, and this says so: they are never counted as passed.
test: install-dev
	@if [ -x /usr/bin/chromium ]; then \
		$(BIN)/python -m pytest $(PYTEST_ARGS); \
	else \
		echo "*** /usr/bin/chromium not found: browser tests NOT run (apt-get install chromium, or see .ci/run) ***"; \
		$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS); \
	fi

lint: install-dev
	$(BIN)/ruff check .

messages: install-dev
	$(BIN)/python manage.py makemessages -l id --no-obsolete --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages -l id --ignore=.venv

# --- Production (README "Running in production"). The environment comes from /etc/smarteconomy/env or
# .env.production (deploy/env.example), or from the calling shell.
run-prod: install
	@bash scripts/run-prod.sh
prod-release: install
	@bash scripts/prod-release.sh
prod-web: install
	@bash scripts/prod-web.sh
prod-worker: install
	@bash scripts/prod-worker.sh
prod-beat: install
	@bash scripts/prod-beat.sh
# Django's deployment checks on the production settings, with example values for the required variables.
check-deploy: install
	DJANGO_SETTINGS_MODULE=smarteconomy.settings.production \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))')} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-smarteconomy.balikpapan.go.id} \
	$(BIN)/python manage.py check --deploy --fail-level WARNING
# pg_dump / pg_restore of DATABASE_URL (scripts/backup.sh, scripts/restore.sh).
backup:
	@bash scripts/backup.sh
restore:
	@bash scripts/restore.sh $(FILE)
# Dump a PostgreSQL database, restore it into a fresh one and compare the row counts of every table.
backup-check: install
	$(BIN)/python scripts/backup_check.py
# A Celery worker killed with SIGKILL mid-recompute, and two recomputes at once (scripts/fault_checks.py).
fault-checks: install
	$(BIN)/python scripts/fault_checks.py

clean:
	rm -rf var staticfiles artifacts .pytest_cache
