#!/usr/bin/env bash
# Fetches the corpora of the eval sets in test/eval/ that are not committed (a published npm package's docs and
# source), verifies each tarball against a pinned sha512 (the registry's `dist.integrity`) and extracts it to a stable
# path. Idempotent: a verified extraction is reused; a cached tarball is re-verified before it is extracted again.
#
#   bash scripts/fetch-eval-corpora.sh            # prints the corpus directory of each set
#   ISA_EVAL_CORPORA_DIR=/some/dir bash scripts/fetch-eval-corpora.sh
#
# Result: $ISA_EVAL_CORPORA_DIR/pino-10.4.0/package (default: <repo>/.cache/eval-corpora/…, git-ignored).
# Needs npm (the registry) only for the first fetch; later runs work offline from the cached tarball.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${ISA_EVAL_CORPORA_DIR:-$repo/.cache/eval-corpora}"
mkdir -p "$cache/tarballs"

# name version sha512-integrity (from `npm view <name>@<version> dist.integrity`, checked 2026-12-04)
CORPORA=(
  "pino 10.4.0 sha512-bk1ZMTwG/Vymx+zPoa28MhNzucFvXJWp3csrSuxuHPSMeUettaCoQ5Jvg07mtC4JGNpcfTwz41oVCnNgBK9+vA=="
)

integrity_of() { # file -> sha512-<base64>
  printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
}

fetch_one() {
  local name="$1" version="$2" want="$3"
  local tgz="$cache/tarballs/$name-$version.tgz"
  local dest="$cache/$name-$version"
  local marker="$dest/.verified"

  if [[ -f "$marker" && "$(cat "$marker")" == "$want" && -d "$dest/package" ]]; then
    echo "$dest/package"
    return 0
  fi

  if [[ ! -f "$tgz" ]] || [[ "$(integrity_of "$tgz")" != "$want" ]]; then
    rm -f "$tgz"
    local tmp
    tmp="$(mktemp -d "$cache/tarballs/.fetch.XXXXXX")"
    # npm pack of a registry spec downloads the published tarball; it runs no package scripts.
    (cd "$tmp" && npm pack "$name@$version" --ignore-scripts --silent >/dev/null)
    local got
    got="$(find "$tmp" -maxdepth 1 -name '*.tgz' | head -n 1)"
    if [[ -z "$got" ]]; then
      rm -rf "$tmp"
      echo "fetch-eval-corpora: npm pack $name@$version produced no tarball" >&2
      return 1
    fi
    mv "$got" "$tgz"
    rm -rf "$tmp"
  fi

  local have
  have="$(integrity_of "$tgz")"
  if [[ "$have" != "$want" ]]; then
    echo "fetch-eval-corpora: $name@$version integrity mismatch" >&2
    echo "  expected $want" >&2
    echo "  got      $have" >&2
    rm -f "$tgz"
    return 1
  fi

  rm -rf "$dest"
  mkdir -p "$dest"
  tar -xzf "$tgz" -C "$dest" --no-same-owner --no-same-permissions
  if [[ ! -d "$dest/package" ]]; then
    echo "fetch-eval-corpora: $tgz has no package/ folder" >&2
    return 1
  fi
  printf '%s' "$want" >"$marker"
  echo "$dest/package"
}

for entry in "${CORPORA[@]}"; do
  # shellcheck disable=SC2086
  fetch_one $entry
done
