#!/usr/bin/env bash
# Runs every test: the check (typecheck, lint, format, unit tests), the build, then e2e in Debian's Chromium.
# Sets itself up on a fresh machine: installs the npm packages if missing, and Debian's chromium when it
# is missing and this user may install packages (root, or sudo without a password).
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable Chromium." >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
  fi
  if [ "$SUDO" = "none" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Chromium not found at $CHROMIUM, and this user cannot install it." >&2
    echo "Install it with:  sudo apt-get update && sudo apt-get install -y chromium" >&2
    echo "or point CHROMIUM_PATH at a Chromium binary." >&2
    exit 1
  fi
  echo "Chromium not found at $CHROMIUM: installing Debian's chromium (apt-get install chromium)…"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  echo "Installed: $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
fi
[ -d node_modules ] || npm ci --no-audit --no-fund

npm run check
npx vite build --logLevel warn
npx playwright test "$@"
