#!/usr/bin/env bash
# Installs everything Chorus needs on a fresh Debian machine with Node.js 20+.
#   scripts/install.sh                 dependencies for running the app
#   scripts/install.sh --with-browser  also Debian's Chromium and Firefox ESR, for the end-to-end tests
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root to run: $*. Run this script as root or install sudo." >&2; exit 1
  fi
}

if ! command -v node >/dev/null; then
  echo "Node.js 20 or newer is needed: install it first (for example: apt-get install nodejs npm)." >&2
  exit 1
fi

# corepack cannot verify pnpm's signature here, so install the pinned pnpm with npm.
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "Installing pnpm $PNPM_VERSION..."
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
fi

# better-sqlite3 compiles from source when its prebuilt download is unreachable; pnpm
# does not pass npm's nodedir to node-gyp, so point it at the installed Node headers.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

echo "Installing dependencies (the first run compiles SQLite, about a minute)..."
pnpm install --frozen-lockfile

if [ "${1:-}" = "--with-browser" ]; then
  # Playwright drives Chromium; puppeteer-core drives Firefox ESR (e2e/fixtures/firefox.ts).
  browsers=()
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || browsers+=(chromium)
  [ -x "${FIREFOX_PATH:-/usr/bin/firefox-esr}" ] || browsers+=(firefox-esr)
  if [ "${#browsers[@]}" -gt 0 ]; then
    echo "Installing Debian's ${browsers[*]} for the end-to-end tests..."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${browsers[@]}" >/dev/null
  fi
fi
