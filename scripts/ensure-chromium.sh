#!/usr/bin/env bash
# Makes sure Debian's chromium is installed (the browser tests drive it through Playwright).
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi

echo "Chromium absent ($CHROMIUM) : installation du paquet Debian « chromium »…"
if [ "$(id -u)" = "0" ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "Impossible d'installer chromium : il faut être root ou disposer de sudo." >&2
    echo "Installez-le vous-même : apt-get install chromium (en root), puis relancez « make test »." >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "apt-get introuvable : installez Chromium vous-même et indiquez son chemin avec CHROMIUM_PATH=…" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
if [ ! -x "$CHROMIUM" ]; then
    echo "Chromium n'est toujours pas disponible en $CHROMIUM après l'installation." >&2
    exit 1
fi
echo "Chromium installé : $("$CHROMIUM" --version 2>/dev/null | grep -i chromium || true)"
