# The commands people type. `make run` and `make test` are the README's two commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PYTHON    := $(VENV)/bin/python
INSPECTOR := $(VENV)/bin/inspector
PG_MAJOR  := $(or $(shell ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1),15)
APT_PACKAGES := postgresql-$(PG_MAJOR) postgresql-$(PG_MAJOR)-postgis-3 chromium
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
THREADS ?= 4

.PHONY: messages help install system-packages python-env pwa translations db run test lint format bench clean

help:
	@echo "make run    set everything up and serve the demo city on http://$(HOST):$(PORT)"
	@echo "make test   set everything up and run the whole test suite"
	@echo "make install | lint | format | bench | clean"

install: system-packages python-env translations pwa

# Debian packages: PostgreSQL + PostGIS for the embedded database, Chromium for browser tests.
system-packages:
	@missing=""; \
	for package in $(APT_PACKAGES); do \
	  dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "missing system packages:$$missing; run: sudo apt-get install -y$$missing" >&2; exit 1; \
	  fi; \
	  echo "installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

python-env: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -e '.[dev]'
	touch $@

translations: python-env
	$(VENV)/bin/pybabel compile -d inspector/translations >/dev/null

pwa: pwa/dist/index.html

pwa/dist/index.html: pwa/package.json pwa/package-lock.json $(shell find pwa/src pwa/public pwa/index.html pwa/vite.config.* -type f 2>/dev/null)
	cd pwa && npm ci --no-audit --no-fund --loglevel=error && npm run build

# The embedded PostgreSQL + PostGIS (skipped when DATABASE_URL points elsewhere).
db: install
	@if [ -z "$$DATABASE_URL" ]; then $(INSPECTOR) db up; fi
	$(INSPECTOR) db upgrade

run: db
	$(INSPECTOR) demo load
	@echo "serving on http://$(HOST):$(PORT)  (stop with Ctrl-C; the database keeps running: inspector db down)"
	exec $(VENV)/bin/gunicorn --workers $(WORKERS) --worker-class gthread --threads $(THREADS) --bind $(HOST):$(PORT) --access-logfile - app:app

test: install
	@if [ -z "$$DATABASE_URL$$TEST_DATABASE_URL" ]; then $(INSPECTOR) db up; fi
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: db
	$(PYTHON) benchmarks/routing.py

clean:
	rm -rf pwa/dist pwa/node_modules $(VENV)

# After adding translatable strings: refresh the catalogs, then fill in the zh msgstr values.
messages: python-env
	$(VENV)/bin/pybabel extract -F inspector/translations/babel.cfg -o inspector/translations/messages.pot --no-location --sort-output inspector
	$(VENV)/bin/pybabel update -i inspector/translations/messages.pot -d inspector/translations --no-fuzzy-matching
