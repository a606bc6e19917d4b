#!/usr/bin/env bash
# The quick checks before a commit: type check, lint, prettier and the Jest suites (no browser).
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$repo_root/scripts/postgres.sh"
start_test_postgres
yarn tsc
yarn backstage-cli repo lint
yarn prettier --check . >/dev/null || { yarn prettier --list-different .; exit 1; }
CI=true yarn backstage-cli repo test "$@"
