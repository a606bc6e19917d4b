#!/usr/bin/env bash
# The public API of every published package, as API Extractor reports it
# (report*.api.md next to each package.json, cli-report.md for the CLI).
#   scripts/api-reports.sh        # update the reports after changing an API
#   scripts/api-reports.sh --ci   # fail when an API changed without its report
# Type declarations are built afresh first: an incremental `yarn tsc` can
# print the members of a union in another order, which is not an API change.
# Documentation warnings are not reported; the frontend
# plugin (its lazily loaded components' types) and the backend's testUtils entry
# (internal stores for the benchmarks) keep their remaining warnings in the report.
set -euo pipefail
source "$(dirname "$0")/env.sh"
rm -rf "$repo_root/dist-types" && yarn tsc
yarn backstage-repo-tools api-reports "$@" \
  --omit-messages ae-undocumented,ae-wrong-input-file-type \
  --allow-warnings plugins/handoff,plugins/handoff-backend \
  $(node "$repo_root/scripts/publishable.js")
