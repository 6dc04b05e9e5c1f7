#!/usr/bin/env bash
# Every test: install, build, lint, typecheck, models, then the vitest suite (unit + end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "==> lint (biome)"
npx biome check .

echo "==> typecheck (tests included)"
npx tsc -p tsconfig.check.json

# The persistence tests start a throwaway PostgreSQL server themselves (backend/src/testkit/postgres.ts).
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then
  echo "==> installing PostgreSQL (for the persistence tests)"
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql \
      || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; }
  else
    echo "PostgreSQL server binaries are missing and cannot be installed here; the persistence tests will fail." >&2
  fi
fi

# The VS Code extension: its webview script typechecks against the DOM (kept out of tsconfig.check.json), then the
# .vsix is bundled and packaged; the webview tests drive Debian's Chromium.
echo "==> vscode-extension (.vsix)"
npm run package -w vscode-extension --silent
ls -l vscode-extension/dist/innersource-assistant.vsix | awk '{printf "vsix size: %d bytes\n", $5}'
if [ ! -x /usr/bin/chromium ]; then
  echo "==> installing Chromium (for the webview tests)"
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-noto-color-emoji \
      || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-noto-color-emoji; }
  else
    echo "/usr/bin/chromium is missing and cannot be installed here; the webview tests will fail." >&2
  fi
fi
# Emoji in the screenshots (📖, 👍) need a colour emoji font; without it they render as boxes (tests still pass).
if ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-color-emoji >/dev/null 2>&1 ||
    echo "fonts-noto-color-emoji could not be installed; screenshots show boxes for emoji." >&2
fi

# The VS Code end-to-end test (vscode-extension/e2e) runs the .vsix in code-server, a real VS Code 1.139. The first
# install on a machine builds its native modules (minutes); later runs find it in ~/.cache/isa-code-server.
echo "==> code-server (for the VS Code end-to-end test)"
bash vscode-extension/e2e/install-code-server.sh >/dev/null ||
  echo "code-server could not be installed; the VS Code end-to-end test will fail." >&2

echo "==> helm, kubeconform, hadolint (for the deploy tests)"
bash scripts/install-k8s-tools.sh >/dev/null || echo "the Kubernetes tools could not be installed; the deploy tests will fail." >&2

echo "==> Kafka, MLflow (for the bus and tracking tests)"
bash scripts/install-kafka.sh >/dev/null || echo "Kafka could not be installed; the Kafka tests will fail." >&2
bash scripts/install-mlflow.sh >/dev/null || echo "MLflow could not be installed; the MLflow tests will fail." >&2

# The official A2A conformance kit (../shared/a2a-tck) in a cached venv, for test/a2a-tck.e2e.test.ts.
echo "==> A2A TCK (venv)"
bash scripts/install-a2a-tck.sh >/dev/null || echo "the A2A TCK could not be installed; its test will fail." >&2

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
