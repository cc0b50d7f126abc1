#!/usr/bin/env bash
# Prints the path of the newest Python >= 3.12 that actually runs on this machine.
# Each candidate is executed: pyenv shims exist for versions that are not active and then fail.
set -u

MIN_MINOR=12

works() {
    # Prints "minor path" when the interpreter runs and is >= 3.MIN_MINOR.
    local candidate="$1" out
    out="$("$candidate" -c 'import sys, venv; print(sys.version_info[0], sys.version_info[1], sys.executable)' 2>/dev/null)" || return 1
    set -- $out
    [ "${1:-0}" = "3" ] && [ "${2:-0}" -ge "$MIN_MINOR" ] || return 1
    echo "$2 $3"
}

candidates=()
for name in python3.14 python3.13 python3.12 python3; do
    if path="$(command -v "$name" 2>/dev/null)"; then
        candidates+=("$path")
    fi
done
if command -v pyenv >/dev/null 2>&1; then
    root="$(pyenv root 2>/dev/null)"
    for path in "$root"/versions/3.1[2-9]*/bin/python3; do
        [ -x "$path" ] && candidates+=("$path")
    done
fi
for path in /usr/bin/python3.1[2-9] /usr/local/bin/python3.1[2-9]; do
    [ -x "$path" ] && candidates+=("$path")
done

best_minor=-1
best_path=""
for candidate in "${candidates[@]+"${candidates[@]}"}"; do
    if result="$(works "$candidate")"; then
        minor="${result%% *}"
        path="${result#* }"
        if [ "$minor" -gt "$best_minor" ]; then
            best_minor="$minor"
            best_path="$path"
        fi
    fi
done

if [ -z "$best_path" ]; then
    cat >&2 <<'MSG'
Aucun Python 3.12 ou plus récent n'a été trouvé sur cette machine (Django 6 en a besoin).
Installez-en un, puis relancez la commande :
  - Debian ou Ubuntu : sudo apt install python3.12 python3.12-venv
  - avec pyenv :       pyenv install 3.13
MSG
    exit 1
fi
echo "$best_path"
