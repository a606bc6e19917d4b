#!/usr/bin/env bash
# The fault suite (test/faults): the example backend as real processes killed with
# SIGKILL mid-write, its PostgreSQL stopped for 20 s, two replicas with one killed
# mid-sweep. Asserts what must survive, prints the figures and writes
# test-results/faults-figures.json (docs/benchmarks/faults.json with FAULTS_RECORD=1).
# Runs its own PostgreSQL server (it stops it on purpose); takes about 5 minutes.
set -euo pipefail
source "$(dirname "$0")/env.sh"
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
yarn install --immutable >/dev/null
cd "$repo_root/test/faults"
CI=true yarn backstage-cli package test --testMatch '**/*.faults.ts' --runInBand --testTimeout 3600000 "$@"
