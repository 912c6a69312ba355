# Two commands: `make run` serves the app with demo data; `make test` runs every test.
# Both install what they need first. See README.md.

SHELL := /bin/bash
PY := .venv/bin/python
# The suite runs in this many processes (pytest-xdist), each with its own database and Redis; 0 runs it in one.
TEST_PROCESSES ?= 2
# uv lives outside the checkout (a small venv of its own in the user's cache),
# so `uv sync` never removes it and nothing of it lands in the tree.
TOOLS := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/mentorprogram-tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
export UV_LINK_MODE := copy
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test bench lint format install shell dbshell migrations-check messages clean schema

run: install
	@scripts/run.sh

test: install
	@scripts/with-services.sh .venv/bin/pytest --numprocesses=$(TEST_PROCESSES) --dist=worksteal $(ARGS)

bench: install
	@scripts/with-services.sh $(PY) bench/run.py $(ARGS)

# The API's OpenAPI schema, committed: a test fails when the API changes and this file does not.
schema: install
	DATABASE_URL=postgres://schema@localhost/schema SECRET_KEY=schema DEBUG=1 MENTORPROGRAM_READ_ENV_FILES=0 \
		$(PY) manage.py spectacular --lang en --validate --fail-on-warn --file docs/openapi-v1.yaml

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

install: .venv/.installed node_modules/.installed $(MO_FILES)

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

# Extract new strings into the catalogues (then translate the nb ones).
messages: install
	$(PY) manage.py makemessages --locale nb --locale en --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'staticfiles/*' --no-obsolete

# While `make run` runs, these reach its database (they read var/local.env).
shell: install
	$(PY) manage.py shell

dbshell: install
	$(PY) manage.py dbshell

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf .venv node_modules staticfiles var
