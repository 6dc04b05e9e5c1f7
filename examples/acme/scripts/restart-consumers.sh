#!/usr/bin/env bash
# Restart every deployment that reads the staging database, after a password rotation.
set -euo pipefail

restart_consumers() {
  local ns="${1:-staging}"
  kubectl -n "$ns" rollout restart deploy/billing-api deploy/orders-api
  kubectl -n "$ns" rollout status deploy/billing-api --timeout=120s
}

restart_consumers "$@"
