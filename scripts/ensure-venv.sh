#!/usr/bin/env bash
# Creates or updates the project's virtualenv (.venv) and installs the pinned requirements.
#   scripts/ensure-venv.sh base   # what the platform needs to run
#   scripts/ensure-venv.sh test   # plus the test, lint and browser tools
# The venv is recreated when its Python is missing, broken or older than 3.12. Packages are installed only when
# the requirements files changed since the last install (checksums kept in .venv/.requirements-*.sha256).
set -euo pipefail
cd "$(dirname "$0")/.."

LEVEL="${1:-test}"
VENV="${VENV:-.venv}"
case "$LEVEL" in
    base) FILES=(requirements/base.txt) ;;
    test) FILES=(requirements/base.txt requirements/test.txt) ;;
    *) echo "usage : $0 base|test" >&2; exit 2 ;;
esac

venv_ok() {
    [ -x "$VENV/bin/python" ] &&
        "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null
}

if ! venv_ok; then
    PYTHON="$(scripts/find-python.sh)"
    if [ -e "$VENV" ]; then
        echo "L'environnement $VENV est absent, cassé ou trop ancien : il est recréé avec $PYTHON."
        rm -rf "$VENV"
    else
        echo "Création de l'environnement $VENV avec $PYTHON ($("$PYTHON" --version 2>&1))."
    fi
    "$PYTHON" -m venv "$VENV"
fi

checksum() { cat "$@" | sha256sum | cut -d' ' -f1; }
wanted="$(checksum "${FILES[@]}")"
stamp="$VENV/.requirements-$LEVEL.sha256"
# The test set includes the base set: an up-to-date test install satisfies "base" too.
test_stamp="$VENV/.requirements-test.sha256"
if [ "$LEVEL" = base ] && [ -f "$test_stamp" ] &&
    [ "$(cat "$test_stamp")" = "$(checksum requirements/base.txt requirements/test.txt)" ]; then
    exit 0
fi
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    exit 0
fi

echo "Installation des dépendances ($LEVEL)…"
"$VENV/bin/python" -m pip install --disable-pip-version-check --quiet --requirement "${FILES[-1]}"
echo "$wanted" >"$stamp"
