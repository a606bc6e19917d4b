#!/usr/bin/env bash
# Installs everything and starts the Handoff portal (frontend on :3000, backend on :7007)
# with the example organisation and capabilities, on the embedded SQLite in ./data.
set -euo pipefail
source "$(dirname "$0")/env.sh"
yarn install --immutable
echo "Starting the portal: open http://localhost:3000 and sign in as guest."
exec yarn start
