#!/usr/bin/env bash
# Installs everything and starts the Handoff portal (frontend on :3000, backend on :7007)
# with the example organisation and capabilities, on the embedded SQLite in ./data.
# Once the backend answers, the example history is added through its API
# (examples/history/seedHistory.ts; a restart adds nothing).
set -euo pipefail
source "$(dirname "$0")/env.sh"
yarn install --immutable
echo "Starting the portal: open http://localhost:3000 and sign in as the guest or one of the example people."
yarn start &
portal=$!
trap 'kill "$portal" 2>/dev/null || true' INT TERM
node "$repo_root/examples/history/seedHistory.ts" --base-url http://localhost:7007 \
  || echo "The example history was not added; the portal runs without it."
wait "$portal"
