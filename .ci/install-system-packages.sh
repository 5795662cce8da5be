#!/usr/bin/env bash
# Installs the Debian packages captures and tests use when missing (as root, or through sudo):
# chromium for evidence captures, DejaVu and Noto Color Emoji fonts so French text and emoji
# render in captures, openssl for the test TLS certificate. Idempotent: each package is checked
# on its own, so a machine that has chromium but not the emoji font still gets the font.
set -euo pipefail
have_browser() {
    { [ -n "${VIGIE_CHROMIUM_PATH:-}" ] && [ -x "${VIGIE_CHROMIUM_PATH}" ]; } ||
        [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1
}
have_package() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}
missing=()
have_browser || missing+=(chromium)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if command -v dpkg-query >/dev/null 2>&1; then
    have_package fonts-dejavu-core || missing+=(fonts-dejavu-core)
    have_package fonts-noto-color-emoji || missing+=(fonts-noto-color-emoji)
fi
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "Paquets manquants : ${missing[*]} (apt-get install ${missing[*]}), ou indiquez un" >&2
    echo "navigateur avec VIGIE_CHROMIUM_PATH." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installé : ${missing[*]}"
