#!/usr/bin/env bash
# The official A2A TCK (../shared/a2a-tck, not on PyPI) in a cached virtualenv: ~/.cache/isa-a2a-tck/<commit>/ holds a
# copy of the kit and its .venv (uv sync --frozen from PyPI, seconds). Idempotent; prints the kit's directory.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src="${ISA_A2A_TCK_DIR:-$here/../shared/a2a-tck}"
[ -f "$src/run_tck.py" ] || { echo "A2A TCK not found at $src (expected ../shared/a2a-tck)" >&2; exit 1; }
commit=$(grep -oE '[0-9a-f]{40}' "$src/LOCAL.md" | head -1 || true)
dest="${XDG_CACHE_HOME:-$HOME/.cache}/isa-a2a-tck/${commit:-local}"
if [ ! -x "$dest/.venv/bin/python" ] || [ ! -f "$dest/.isa-ready" ]; then
  rm -rf "$dest" && mkdir -p "$dest"
  cp -r "$src/." "$dest/"
  chmod -R u+w "$dest"
  python3 -m venv "$dest/.venv" >&2
  "$dest/.venv/bin/pip" install -q uv >&2
  (cd "$dest" && .venv/bin/uv sync --frozen --python .venv/bin/python -q >&2)
  touch "$dest/.isa-ready"
fi
echo "$dest"
