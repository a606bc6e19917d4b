#!/usr/bin/env bash
# What another user waits for while someone loads the backend (test/bench):
# user B's readiness GET p50/p95/max alone and under costly "Read now", an
# alias amplifier, 10,000 check posts from one credential and deeply nested
# JSON. Prints the figures and writes test-results/benchmarks/fairness.json.
# BENCH_LOAD_SECONDS sets how long each load runs (default 20).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$repo_root/test/bench"
CI=true yarn backstage-cli package test --testMatch '**/fairness.bench.ts' --runInBand --testTimeout 1800000 --verbose=false
