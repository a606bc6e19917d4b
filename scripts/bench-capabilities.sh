#!/usr/bin/env bash
# Paging GET /api/handoff/capabilities (test/bench): a real catalog of 100,000 entities
# on the embedded SQLite, Handoff in the same backend, called over HTTP. Prints the
# figures and writes test-results/benchmarks/capabilities.json. BENCH_ENTITIES and
# BENCH_RUNS change the run.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$repo_root/test/bench"
CI=true NODE_OPTIONS="${NODE_OPTIONS:-} --expose-gc --max-old-space-size=8192" \
  yarn backstage-cli package test --testMatch '**/capabilities.bench.ts' --runInBand --testTimeout 14400000 --verbose=false
