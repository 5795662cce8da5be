#!/usr/bin/env bash
# Installs Debian's chromium for evidence captures when it is missing (as root, or through sudo).
set -euo pipefail
if [ -n "${VIGIE_CHROMIUM_PATH:-}" ] && [ -x "${VIGIE_CHROMIUM_PATH}" ]; then
    exit 0
fi
if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "Chromium est absent : installez le paquet Debian « chromium » (apt-get install chromium)," >&2
    echo "ou indiquez un navigateur avec VIGIE_CHROMIUM_PATH." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium
