#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: npm packages, the build, and the models (verified by sha256).
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# onnxruntime-node's installer would try to download CUDA files (no network for that here; CPU needs none).
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"

need_install=1
if [ -f node_modules/.isa-lock-sha ] && [ "$(sha256sum package-lock.json | cut -d' ' -f1)" = "$(cat node_modules/.isa-lock-sha)" ]; then
  need_install=0
fi
if [ "$need_install" = 1 ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json | cut -d' ' -f1 > node_modules/.isa-lock-sha
fi

echo "==> build"
npx tsc -b

echo "==> models"
if [ "${ISA_SKIP_LLM:-0}" = 1 ]; then node bin/isa.mjs setup --no-llm; else node bin/isa.mjs setup; fi
