#!/usr/bin/env bash
# Every test: install, build, lint, typecheck, models, then the vitest suite (unit + end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "==> lint (biome)"
npx biome check .

echo "==> typecheck (tests included)"
npx tsc -p tsconfig.check.json

echo "==> vitest"
mkdir -p .cache
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest.json || status=$?
# One plain closing line that any CI reader understands.
node -e '
  const r = require("./.cache/vitest.json");
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' || true
exit "$status"
