#!/usr/bin/env bash
# Runs the author view keystroke benchmark (needs a built client: pnpm --filter @chorus/client build).
set -euo pipefail
cd "$(dirname "$0")/.."
exec npx playwright test --config bench/playwright.bench.config.ts "$@"
