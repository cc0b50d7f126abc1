#!/usr/bin/env bash
# The quality gate (`make quality`, run by CI before the tests): every check runs, then a summary; exits 1 if
# any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=".venv/bin"
failed=()

step() {
    # step "description" command…
    local description="$1"
    shift
    echo
    echo "=== $description ==="
    if "$@"; then
        echo "→ OK"
    else
        echo "→ ÉCHEC"
        failed+=("$description")
    fi
}

deploy_check() {
    # Production settings (config.settings.base) with production-like values; nothing is served with them.
    DJANGO_SETTINGS_MODULE=config.settings.base \
        DJANGO_SECRET_KEY="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" \
        DJANGO_ALLOWED_HOSTS=inclusion-numerique.example.org \
        DJANGO_CSRF_TRUSTED_ORIGINS=https://inclusion-numerique.example.org \
        DATABASE_URL=postgres://inclusion@127.0.0.1:5432/inclusion \
        EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
        EMAIL_HOST=smtp.example.org \
        DATA_DIR="$(mktemp -d)" \
        "$BIN/python" manage.py check --deploy --fail-level WARNING
}

step "ruff format --check" "$BIN/ruff" format --check .
step "ruff check" "$BIN/ruff" check .
shopt -s nullglob
TEMPLATE_DIRS=(templates */templates)
shopt -u nullglob
step "djlint --lint (gabarits : ${TEMPLATE_DIRS[*]})" "$BIN/djlint" "${TEMPLATE_DIRS[@]}" --lint
step "makemigrations --check" env DJANGO_SETTINGS_MODULE=config.settings.test "$BIN/python" manage.py makemigrations --check --dry-run
step "check --deploy (réglages de production)" deploy_check

echo
if [ "${#failed[@]}" -gt 0 ]; then
    echo "Qualité : ${#failed[@]} vérification(s) en échec : ${failed[*]}"
    exit 1
fi
echo "Qualité : toutes les vérifications sont passées."
