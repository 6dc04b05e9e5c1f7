#!/usr/bin/env bash
# The main job on the embedded default: install, fetch models, index the sample corpus, answer a question with citations.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export ISA_DATA_DIR="${ISA_DATA_DIR:-./.isa}"
echo "==> isa ingest examples/acme"
node bin/isa.mjs ingest examples/acme

question="${1:-How do we rotate the staging database password?}"
echo "==> isa ask \"$question\""
node bin/isa.mjs ask "$question"
