#!/usr/bin/env bash
# The main job on the embedded default: install, fetch models, index the sample corpus, start the backend,
# and answer a question over HTTP with citations (as the user `demo`, who may read public documents only).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export ISA_DATA_DIR="${ISA_DATA_DIR:-./.isa}"
port="${DEMO_PORT:-8080}"
question="${1:-How do we rotate the staging database password?}"

echo "==> isa ingest examples/acme"
node bin/isa.mjs ingest examples/acme

# A throwaway API token for this run; the tokens file stores only its sha256.
token="$(node -e 'process.stdout.write(require("node:crypto").randomBytes(24).toString("hex"))')"
tokens="$ISA_DATA_DIR/demo-tokens.yaml"
printf -- '- token_sha256: %s\n  user: demo\n  groups: [public]\n' \
  "$(printf %s "$token" | sha256sum | cut -d' ' -f1)" > "$tokens"

echo "==> isa serve --port $port"
ISA_TOKENS_FILE="$tokens" ISA_LOG_LEVEL=warn node bin/isa.mjs serve --port "$port" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the backend exited during start-up" >&2; exit 1; }
  sleep 0.5
done

echo "==> POST /v1/ask \"$question\""
curl -sf -N -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d "$(node -e 'process.stdout.write(JSON.stringify({question: process.argv[1]}))' "$question")" \
  "http://127.0.0.1:$port/v1/ask" | node scripts/print-sse-answer.mjs
