# Two commands are the contract: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DEBUG=True
PG_URL ?= postgres://postgres@127.0.0.1:5432/essex_anchors
DEMO_PASSWORD ?= essex-anchors-demo
# Two workers: the machines this runs on have two cores (pytest-xdist; each worker gets its own test database).
PYTEST := $(BIN)/pytest -n $(or $(PYTEST_WORKERS),2)

.PHONY: run serve test venv venv-dev lint test-sqlite test-postgres test-browser postgres chromium screenshots clean

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

run: venv
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py load_reference_data
	$(DEV_ENV) $(BIN)/python manage.py create_demo_users --password "$(DEMO_PASSWORD)"
	$(DEV_ENV) $(BIN)/python manage.py load_register spend/data/registers/charity-company-numbers.csv --kind charity_company
	$(DEV_ENV) $(BIN)/python manage.py load_register spend/data/registers/mutual-companies.csv --kind mutuals
	$(DEV_ENV) $(BIN)/python manage.py load_demo_spend
	@echo "Demo sign-ins (password: $(DEMO_PASSWORD)): anchor.demo (Essex County Council), anchor2.demo (Basildon Borough Council), secretariat.demo (admin)"
	@# The task worker imports uploaded spend files in the background; it stops with the web server.
	$(DEV_ENV) sh -c '$(BIN)/python manage.py db_worker --no-startup-delay --interval 0.5 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; $(BIN)/python manage.py runserver 127.0.0.1:8000'

# Production serving on this machine: gunicorn (static files by WhiteNoise) on PostgreSQL with production
# settings, and the task worker beside it. Needs SECRET_KEY and ALLOWED_HOSTS in the environment
# (README: Running in production); behind a TLS proxy, or set SECURE_SSL_REDIRECT=False to try it on loopback.
SERVE_URL ?= $(PG_URL)
WEB_WORKERS ?= 4
PROD_ENV := DJANGO_ENV=production DATABASE_URL=$(SERVE_URL)
serve: venv postgres
	@test -n "$$SECRET_KEY" -a -n "$$ALLOWED_HOSTS" || { echo "make serve: set SECRET_KEY and ALLOWED_HOSTS first (README: Running in production)." >&2; exit 2; }
	$(PROD_ENV) $(BIN)/python manage.py migrate --noinput
	$(PROD_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(PROD_ENV) sh -c '$(BIN)/python manage.py db_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; $(BIN)/gunicorn essex_anchors.wsgi --workers $(WEB_WORKERS) --bind 127.0.0.1:8000 --access-logfile -'

lint: venv-dev
	$(BIN)/ruff check .
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# The whole suite, browser tests included, on SQLite and then on PostgreSQL.
test: lint test-sqlite test-postgres

test-sqlite: venv-dev chromium
	env -u DATABASE_URL $(PYTEST)

test-postgres: venv-dev postgres chromium
	DATABASE_URL=$(PG_URL) $(PYTEST)

test-browser: venv-dev chromium
	env -u DATABASE_URL $(PYTEST) -m browser

postgres:
	scripts/ensure-postgres

chromium:
	scripts/ensure-chromium

# Screenshots of every page tested in the browser, for a person to look at.
screenshots: venv-dev chromium
	SCREENSHOT_DIR=screenshots env -u DATABASE_URL $(BIN)/pytest -m browser -q

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles screenshots
