#!/usr/bin/env bash
# Usage: production-smoke.sh [jest arguments…]
# The production smoke test (plugins/mesh-backend/src/__smoke__): the bundle that
# `yarn build:backend` (or `yarn build:all`) left in packages/backend/dist, started as the
# Backstage Helm chart starts it from deploy/helm/values.yaml, two replicas on a real
# PostgreSQL, GitHub faked on loopback. Build first; ./scripts/test does.
# MESHPORT_SMOKE_KEEP_LOGS=1 keeps the replicas' logs (the path is printed).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root/plugins/mesh-backend" || exit 1
exec yarn backstage-cli package test --watchAll=false \
  --testMatch '**/src/__smoke__/*.test.smoke.ts' "$@"
