# The two commands of the README: `make run` (the platform with demo data on http://127.0.0.1:8000) and
# `make test` (the whole suite, on SQLite and on PostgreSQL when one is reachable). Every target works from a
# fresh clone and can be run again safely.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PYTHON := $(VENV)/bin/python
SETTINGS ?= config.settings.dev
PORT ?= 8000
MANAGE := DJANGO_SETTINGS_MODULE=$(SETTINGS) $(PYTHON) manage.py

.PHONY: help venv venv-test run test quality fix bench worker resetdb totp chromium clean

help:
	@echo "make run      installe, prépare la base (territoire, données de démonstration) et lance le serveur"
	@echo "make test     lance tous les tests (SQLite, puis PostgreSQL s'il est joignable)"
	@echo "make quality  formatage, lint Python et gabarits, migrations manquantes, check --deploy"
	@echo "make fix      reformate et corrige ce que ruff sait corriger"
	@echo "make bench    mesures de performance (JSON dans bench/results/latest.json)"
	@echo "make worker   lance le traitement des tâches en arrière-plan"
	@echo "make resetdb  efface la base de développement et la recrée"
	@echo "make totp     code de double authentification du moment pour les comptes de démonstration"

venv:
	@scripts/ensure-venv.sh base

venv-test:
	@scripts/ensure-venv.sh test

chromium:
	@scripts/ensure-chromium.sh

run: venv
	@mkdir -p "$${DATA_DIR:-data}"
	$(MANAGE) migrate --noinput
	$(MANAGE) load_territory
	$(MANAGE) seed_demo --if-empty
	@echo
	@echo "La plateforme démarre sur http://127.0.0.1:$(PORT) (Ctrl+C pour l'arrêter)."
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Extra pytest arguments: make test ARGS="tests/geo -x"
test: venv-test chromium
	@scripts/run-tests.sh $(ARGS)

quality: venv-test
	@scripts/quality.sh

fix: venv-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv-test
	@$(PYTHON) bench/run.py

worker: venv
	@mkdir -p "$${DATA_DIR:-data}"
	$(MANAGE) db_worker

resetdb: venv
	@DB="$$( $(MANAGE) shell --no-imports -c "from django.db import connection; print(connection.settings_dict['NAME'] if connection.vendor == 'sqlite' else '')" )"; \
	if [ -z "$$DB" ]; then echo "resetdb ne sait effacer qu'une base SQLite (DATABASE_URL pointe ailleurs)."; exit 1; fi; \
	echo "Suppression de $$DB"; rm -f "$$DB" "$$DB-wal" "$$DB-shm"; mkdir -p "$$(dirname "$$DB")"
	$(MANAGE) migrate --noinput
	$(MANAGE) load_territory
	$(MANAGE) seed_demo

totp: venv
	@$(MANAGE) demo_totp_code

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
