#!/usr/bin/env bash
# Runs the whole test suite on SQLite, then on PostgreSQL when one is reachable (see scripts/postgres-url.sh).
# REQUIRE_POSTGRES=1 (set by .ci/run) turns an unreachable PostgreSQL into a failure.
# Extra arguments go to pytest: scripts/run-tests.sh tests/geo -x
# PYTEST_WORKERS sets the number of pytest-xdist workers (default: auto, one per core; 0 disables xdist).
set -uo pipefail
cd "$(dirname "$0")/.."

PYTHON=".venv/bin/python"
WORKERS="${PYTEST_WORKERS:-auto}"
REPORTS="$(mktemp -d)"
trap 'rm -rf "$REPORTS"' EXIT

XDIST_ARGS=()
if [ "$WORKERS" != "0" ]; then
    XDIST_ARGS=(-n "$WORKERS")
fi

declare -A RESULT
failed=0

run_suite() {
    # run_suite LABEL DATABASE_URL [pytest args…]
    local label="$1" database_url="$2"
    shift 2
    echo
    echo "=== Tests sur $label ==="
    local start=$SECONDS status
    DATABASE_URL="$database_url" "$PYTHON" -m pytest "${XDIST_ARGS[@]}" --junitxml="$REPORTS/$label.xml" "$@"
    status=$?
    local elapsed=$((SECONDS - start))
    case "$status" in
        0) RESULT[$label]="réussis ($elapsed s)" ;;
        5) RESULT[$label]="ÉCHEC : aucun test collecté"; failed=1 ;;
        *) RESULT[$label]="ÉCHEC (code $status, $elapsed s)"; failed=1 ;;
    esac
}

run_suite SQLite "sqlite:///:memory:" "$@"

if PG_URL="$(scripts/postgres-url.sh 2>"$REPORTS/pg-error")"; then
    # --create-db: never reuse a test database left by an earlier run.
    run_suite PostgreSQL "$PG_URL" --create-db "$@"
else
    reason="$(tr -s "\n\t" "  " <"$REPORTS/pg-error")"
    if [ "${REQUIRE_POSTGRES:-0}" = "1" ]; then
        RESULT[PostgreSQL]="ÉCHEC : PostgreSQL est exigé (REQUIRE_POSTGRES=1) mais injoignable. $reason"
        failed=1
    else
        RESULT[PostgreSQL]="non lancés : $reason (définissez TEST_POSTGRES_URL pour en utiliser un autre)"
    fi
fi

echo
echo "=== Résumé ==="
for label in SQLite PostgreSQL; do
    printf '  %-11s : %s\n' "$label" "${RESULT[$label]:-non lancés}"
done
# One closing line counting every run: "Total: N passed, N failed, N skipped".
"$PYTHON" - "$REPORTS" <<'PY'
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

tests = failures = skipped = 0
for report in Path(sys.argv[1]).glob("*.xml"):
    for suite in ET.parse(report).getroot().iter("testsuite"):
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
print(f"Total: {tests - failures - skipped} passed, {failures} failed, {skipped} skipped")
PY
exit "$failed"
