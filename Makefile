# make run  — set up, migrate, load the demo world, start the portal (SQLite, tasks in-process)
# make test — set up and run the whole suite (ruff, checks, migrations, pytest)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8000
BANK_PORT ?= 8765
SMS_PORT ?= 8766

.PHONY: stack makemessages makemessages-project install system-deps messages run test lint check ci worker beat up bench bench-dashboard bench-selfie bench-selfie-load bench-load bench-payout bench-insights bench-api evaluate-faces evaluate-liveness

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 'setuptools<81' wheel
	$(PY) -m pip install -q -r requirements.txt
	# face_recognition's own dependency list would compile dlib; dlib-bin provides it.
	$(PY) -m pip install -q --no-deps face_recognition==1.3.0
	touch $(STAMP)

# Debian packages: Chromium for the browser tests and tutorial recording, gettext
# for the translation catalogues, ffmpeg for checking the tutorial videos.
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v ffprobe >/dev/null || missing="$$missing ffmpeg"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

install: $(STAMP) system-deps messages

# Test and lint tools, for `make test` only; Debian's docker-compose validates the
# compose file (its `config` needs no Docker engine).
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	@command -v docker-compose >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; }
	touch $(DEV_STAMP)

messages: $(STAMP)
	@cd $(CURDIR) && $(PY) manage.py compilemessages -v 0 --ignore='.venv*'

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py record_tutorials --if-missing || echo "tutorial videos not recorded (see README)"
	@$(PY) manage.py run_bank_simulator --port $(BANK_PORT) --store var/bank.sqlite3 > var/bank.log 2>&1 & \
	echo "bank simulator on http://127.0.0.1:$(BANK_PORT) (log: var/bank.log)"
	@$(PY) manage.py demo_logins --url http://127.0.0.1:$(PORT)/
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

check: $(DEV_STAMP)
	DJANGO_SETTINGS_MODULE=jmo_portal.settings_test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=jmo_portal.settings_test $(PY) manage.py makemigrations --check --dry-run

test: install $(DEV_STAMP) lint check
	$(VENV)/bin/pytest tests

ci:
	REQUIRE_SERVICES=1 $(MAKE) test

worker: install
	$(VENV)/bin/celery -A jmo_portal worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A jmo_portal beat --loglevel=INFO

up:
	docker compose up --build

# The deployed shape without Docker: gunicorn, worker, beat, the bank and SMS simulators
# under supervisord (restarts whatever exits) on PostgreSQL and Redis.
STACK_DIR ?= $(CURDIR)/var/stack
stack: install
	mkdir -p $(STACK_DIR) && rm -rf $(STACK_DIR)/prometheus && mkdir $(STACK_DIR)/prometheus
	export DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/jmo}" \
	  CELERY_BROKER_URL="$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}" \
	  CACHE_URL="$${CACHE_URL:-redis://127.0.0.1:6379/1}" \
	  BANK_API_URL=http://127.0.0.1:$(BANK_PORT) SITE_URL=http://127.0.0.1:$(PORT) \
	  SMS_BACKEND=jmo_portal.sms.HttpSmsBackend SMS_API_URL=http://127.0.0.1:$(SMS_PORT) \
	  PROMETHEUS_MULTIPROC_DIR=$(STACK_DIR)/prometheus LOG_JSON=1 \
	  STACK_DIR=$(STACK_DIR) ROOT=$(CURDIR) VENV=$(CURDIR)/$(VENV) \
	  PORT=$(PORT) BANK_PORT=$(BANK_PORT) SMS_PORT=$(SMS_PORT) && \
	$(PY) manage.py migrate --noinput && $(PY) manage.py seed_demo && \
	echo "http://127.0.0.1:$(PORT)/ (health: /health/, metrics: /metrics/); logs in $(STACK_DIR)" && \
	exec $(VENV)/bin/supervisord -c deploy/supervisord.conf

bench: bench-dashboard bench-selfie bench-selfie-load bench-payout bench-insights bench-api

bench-dashboard: install
	$(PY) manage.py bench_dashboard

bench-selfie: install
	$(PY) manage.py bench_selfie

# 10 selfies/s offered for 60 s to one worker process per core (PostgreSQL, Redis).
bench-selfie-load: install
	$(PY) manage.py bench_selfie_load

# Locust against `make stack`'s processes: 300 members and 2 desk officers.
bench-load: install
	test -x .venv-bench/bin/locust || { $(PYTHON) -m venv .venv-bench && \
	  .venv-bench/bin/pip install -q -r requirements-bench.txt; }
	$(PY) manage.py bench_load

bench-payout: install
	$(PY) manage.py bench_payout

# 1M selfie attempts and 200k claims in a scratch PostgreSQL database.
bench-insights: install
	$(PY) manage.py bench_insights

# The API read mix against a Django hello-world: gunicorn (3 workers) on
# PostgreSQL and Redis, measured with wrk (Debian's, installed here if missing).
bench-api: install
	@command -v wrk >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) manage.py bench_api

# Stores the run as the calibration the policy page's trade-off preview reads.
evaluate-faces: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py evaluate_faces ../shared/faces/dev

# Stores the counts as the liveness figures the same preview reads.
evaluate-liveness: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py evaluate_liveness ../shared/faces/dev

# Refresh one app's catalogue (its Python files and templates/<app>/):
#   make makemessages APP=claims   then translate <app>/locale/id/LC_MESSAGES/django.po
makemessages: $(STAMP)
	mkdir -p $(APP)/locale && cd $(APP) && ln -sfn ../templates/$(APP) _templates && \
	DJANGO_SETTINGS_MODULE=jmo_portal.settings PYTHONPATH=$(CURDIR) ../$(VENV)/bin/django-admin makemessages -l id --symlinks --no-obsolete; \
	rm -f _templates

# Refresh the project-wide catalogue (jmo_portal/ and the templates at the top of
# templates/), kept in locale/ (LOCALE_PATHS).
makemessages-project: $(STAMP)
	PYTHONPATH=$(CURDIR) DJANGO_SETTINGS_MODULE=jmo_portal.settings $(VENV)/bin/django-admin \
	  makemessages -l id --no-obsolete --ignore=manage.py \
	  $(foreach d,.venv tests demo static var media $(wildcard */apps.py),--ignore=$(patsubst %/apps.py,%,$(d))) \
	  $(foreach d,$(wildcard templates/*/),--ignore=$(patsubst %/,%,$(d)))
