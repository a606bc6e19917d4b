#!/usr/bin/env bash
# The audit's cross-check (test/bench/src/audit.crosscheck.ts): the audit and
# an independent answer from the catalog API name the same entities, on SQLite
# and PostgreSQL, at 300 and 2,000 components. Part of scripts/test.sh, which
# starts the test PostgreSQL; extra arguments go to Jest.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$repo_root/scripts/postgres.sh"
start_test_postgres
cd "$repo_root/test/bench"
CI=true yarn backstage-cli package test --testMatch '**/*.crosscheck.ts' --runInBand --testTimeout 900000 "$@"
