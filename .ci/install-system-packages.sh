#!/usr/bin/env bash
# Installs the Debian packages the tests use when missing (as root, or through sudo):
# chromium for evidence captures, openssl for the test TLS certificate.
set -euo pipefail
have_browser() {
    { [ -n "${VIGIE_CHROMIUM_PATH:-}" ] && [ -x "${VIGIE_CHROMIUM_PATH}" ]; } ||
        [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1
}
if have_browser && command -v openssl >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "Paquets manquants : installez « chromium » et « openssl » (apt-get install chromium" >&2
    echo "openssl), ou indiquez un navigateur avec VIGIE_CHROMIUM_PATH." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core openssl >/dev/null
command -v chromium openssl
