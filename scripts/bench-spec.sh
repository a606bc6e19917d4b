#!/usr/bin/env bash
# How long reading a 1 MB handoff.yaml takes, in the validator and the CLI
# (test/bench). Prints the figures and writes test-results/benchmarks/spec-file.json.
set -euo pipefail
source "$(dirname "$0")/env.sh"
node "$repo_root/packages/handoff-cli/bundle.js"
cd "$repo_root/test/bench"
CI=true yarn backstage-cli package test --testMatch '**/specFile.bench.ts' --runInBand --testTimeout 600000 --verbose=false
