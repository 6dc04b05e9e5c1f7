#!/usr/bin/env bash
# Installs a pinned MLflow tracking server into a cached virtualenv, ~/.cache/isa-mlflow/<version>, once.
# Idempotent: a complete venv (marked by .complete) returns at once. Prints the path of the `mlflow` executable.
# Pinned at 3.17.2: 3.18.0 needs mlflow-tracing==3.18.0, which the package index does not serve (checked 2026-12-04).
# The tracing tests (backend/tracking) start `mlflow server` from it on 127.0.0.1 with a SQLite backend store.
set -euo pipefail
MLFLOW_VERSION="${ISA_MLFLOW_VERSION:-3.17.2}"
CACHE="${ISA_MLFLOW_CACHE:-$HOME/.cache/isa-mlflow}/$MLFLOW_VERSION"
if [ -f "$CACHE/.complete" ]; then echo "$CACHE/bin/mlflow"; exit 0; fi

PY="${PYTHON:-python3}"
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "install-mlflow: python3 (3.10+) is missing" >&2; exit 1
fi
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "install-mlflow: installing Debian's python3-venv" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv >&2; }
  else
    echo "install-mlflow: python3 venv/ensurepip is missing and cannot be installed here" >&2; exit 1
  fi
fi

rm -rf "$CACHE"
mkdir -p "$(dirname "$CACHE")"
"$PY" -m venv "$CACHE" >&2
"$CACHE/bin/pip" install --quiet --disable-pip-version-check "mlflow==$MLFLOW_VERSION" >&2
"$CACHE/bin/mlflow" --version >&2
touch "$CACHE/.complete"
echo "$CACHE/bin/mlflow"
