#!/usr/bin/env bash
# The flow benchmark (test/bench): 50,000 capabilities with about 500,000
# decisions on SQLite and PostgreSQL. Prints the figures and writes
# test-results/benchmarks/flow.json. BENCH_CAPABILITIES, BENCH_RUNS,
# BENCH_RAW_RUNS and BENCH_DATABASES (SQLITE_3,POSTGRES_15) change the run.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$repo_root/scripts/postgres.sh"
start_test_postgres
cd "$repo_root/test/bench"
CI=true NODE_OPTIONS="${NODE_OPTIONS:-} --expose-gc --max-old-space-size=8192" \
  yarn backstage-cli package test --testMatch '**/flow.bench.ts' --runInBand --testTimeout 14400000 --verbose=false
