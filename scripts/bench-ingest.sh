#!/usr/bin/env bash
# The spec ingestion benchmark (test/bench): a real catalog of 50,000 entities, 35,000
# specs served over HTTP with ETags, on SQLite and PostgreSQL. Prints the figures and
# writes test-results/benchmarks/ingest.json. BENCH_ENTITIES, BENCH_WRITES and
# BENCH_DATABASES (SQLITE_3,POSTGRES_15) change the run.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$repo_root/scripts/postgres.sh"
start_test_postgres
cd "$repo_root/test/bench"
CI=true NODE_OPTIONS="${NODE_OPTIONS:-} --expose-gc --max-old-space-size=8192" \
  yarn backstage-cli package test --testMatch '**/ingest.bench.ts' --runInBand --testTimeout 7200000 --verbose=false
