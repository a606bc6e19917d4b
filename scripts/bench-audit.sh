#!/usr/bin/env bash
# The portfolio audit benchmark (test/bench): a real catalog of 50,000 entities on
# SQLite and PostgreSQL. Prints the figures and writes test-results/benchmarks/audit.json.
# BENCH_ENTITIES, BENCH_RUNS and BENCH_DATABASES (SQLITE_3,POSTGRES_15) change the run.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$repo_root/scripts/postgres.sh"
start_test_postgres
cd "$repo_root/test/bench"
CI=true NODE_OPTIONS="${NODE_OPTIONS:-} --expose-gc --max-old-space-size=8192" \
  yarn backstage-cli package test --testMatch '**/audit.bench.ts' --runInBand --testTimeout 7200000 --verbose=false
