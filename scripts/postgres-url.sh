#!/usr/bin/env bash
# Prints the URL of the PostgreSQL server the tests may use, or prints why there is none (on stderr) and
# exits 1. TEST_POSTGRES_URL wins; otherwise the local server (postgres://postgres@127.0.0.1:5432/inclusion).
# The role must be allowed to create databases (pytest-django creates test_<name>, one per xdist worker).
set -euo pipefail
cd "$(dirname "$0")/.."

URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/inclusion}"
PYTHON="${PYTHON:-.venv/bin/python}"

if [ -z "${TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null 2>&1; then
    if ! pg_isready -q -h 127.0.0.1 -p 5432 -t 3; then
        echo "Aucun serveur PostgreSQL ne répond sur 127.0.0.1:5432 (pg_isready)." >&2
        exit 1
    fi
fi

"$PYTHON" - "$URL" <<'PY' || exit 1
import sys

import dj_database_url
import psycopg

url = sys.argv[1]
config = dj_database_url.parse(url)
params = {
    "host": config.get("HOST") or None,
    "port": config.get("PORT") or None,
    "user": config.get("USER") or None,
    "password": config.get("PASSWORD") or None,
    "connect_timeout": 5,
}
params = {key: value for key, value in params.items() if value is not None}
try:
    # pytest-django works from the "postgres" maintenance database: the project database itself may not exist.
    with psycopg.connect(dbname="postgres", **params) as connection:
        can_create = connection.execute(
            "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()[0]
except Exception as error:
    print(f"PostgreSQL injoignable ({url}) : {str(error).strip()}", file=sys.stderr)
    sys.exit(1)
if not can_create:
    print(f"Le rôle de {url} n'a pas le droit CREATEDB, nécessaire aux tests.", file=sys.stderr)
    sys.exit(1)
PY
echo "$URL"
