#!/usr/bin/env bash
# Installs the Debian packages Vigie needs when they are missing (as root, or through sudo).
#   --run  (make run):  what captures need, chromium and fonts that render French text and
#                       emoji (DejaVu, Noto Color Emoji, each checked on its own). When
#                       they cannot be installed here, says so in ONE line and exits 0, so that
#                       Vigie starts anyway (captures off until a browser is found).
#   (none) (make test): the same plus openssl for the test TLS certificate; any failure is fatal.
# Nothing is installed when everything is already there: a second run is silent and instant.
set -euo pipefail
MODE=test
if [ "${1:-}" = "--run" ]; then MODE=run; fi
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
EMOJI_FONT="${EMOJI_FONT:-/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf}"  # tests override

configured_browser() {
    local value="${VIGIE_CHROMIUM_PATH:-}" line
    if [ -z "$value" ] && [ -f .env ]; then
        while IFS= read -r line || [ -n "$line" ]; do
            case "$line" in VIGIE_CHROMIUM_PATH=*) value="${line#VIGIE_CHROMIUM_PATH=}" ;; esac
        done < .env
        value="${value%\"}"; value="${value#\"}"
    fi
    printf '%s' "$value"
}

have_browser() {
    local configured
    configured="$(configured_browser)"
    if [ -n "$configured" ]; then
        [ -x "$configured" ]
        return
    fi
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
}

missing=()
have_browser || missing+=(chromium)
[ -f "$FONT" ] || missing+=(fonts-dejavu-core)
[ -f "$EMOJI_FONT" ] || missing+=(fonts-noto-color-emoji)
if [ "$MODE" = test ] && ! command -v openssl >/dev/null 2>&1; then missing+=(openssl); fi
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

give_up() {
    if [ "$MODE" = run ]; then
        echo "Captures désactivées : ${missing[*]} manquant(s) et $1 ; installez-les (sudo apt-get install ${missing[*]}), ou indiquez un navigateur avec VIGIE_CHROMIUM_PATH, ou, sur une machine reliée à Internet, lancez « .venv/bin/python -m playwright install chromium » — Vigie démarre quand même." >&2
        exit 0
    fi
    echo "Paquets manquants pour les tests : ${missing[*]} ($1). Installez-les (sudo apt-get install ${missing[*]}) ou indiquez un navigateur avec VIGIE_CHROMIUM_PATH." >&2
    exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
    give_up "ce système n'a pas apt-get (pas Debian/Ubuntu)"
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
elif [ "$MODE" = test ] && command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)  # make test may ask for the password
else
    give_up "ni root ni sudo sans mot de passe pour les installer"
fi
echo "Installation de ${missing[*]} (apt-get)…" >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get update -qq ||
    ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    give_up "apt-get n'a pas pu les installer (réseau, dépôts ?)"
fi
