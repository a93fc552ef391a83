#!/usr/bin/env bash
# Installs everything Chorus needs on a fresh Debian machine with Node.js 20+.
#   scripts/install.sh              dependencies for running the app (SQLite: nothing else)
#   scripts/install.sh --for-tests  also what the whole test suite starts for real: Debian's
#                                   Chromium and Firefox ESR (end-to-end tests), PostgreSQL
#                                   and Redis (storage and several-process tests).
#                                   --with-browser is the same (its earlier name).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2

mode="${1:-}"
case "$mode" in
  "" | --for-tests | --with-browser) ;;
  *)
    echo "Unknown option: $mode. Use no option (to run the app) or --for-tests (to run the tests)." >&2
    exit 2
    ;;
esac

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

case "$mode" in
  --for-tests | --with-browser)
    # Playwright drives Chromium; puppeteer-core drives Firefox ESR (e2e/fixtures/firefox.ts).
    # The tests start their own PostgreSQL cluster and Redis server on free loopback ports
    # (server/src/test/postgres.ts, redis.ts): only the programs are needed, no service.
    packages=()
    [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || packages+=(chromium)
    [ -x "${FIREFOX_PATH:-/usr/bin/firefox-esr}" ] || packages+=(firefox-esr)
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || packages+=(postgresql)
    command -v redis-server >/dev/null || packages+=(redis-server)
    if [ "${#packages[@]}" -gt 0 ]; then
      echo "Installing Debian's ${packages[*]} for the tests..."
      as_root apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
    fi
    ;;
esac
