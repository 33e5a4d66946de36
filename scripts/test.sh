#!/usr/bin/env bash
# Runs every test: typecheck, unit (vitest), build, e2e (Playwright in Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "Chromium not found at $CHROMIUM." >&2
  echo "Install it with:  sudo apt-get update && sudo apt-get install -y chromium" >&2
  echo "or point CHROMIUM_PATH at a Chromium binary." >&2
  exit 1
fi
[ -d node_modules ] || npm ci

npm run typecheck
npx vitest run
npx vite build --logLevel warn
npx playwright test "$@"
