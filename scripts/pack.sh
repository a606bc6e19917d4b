#!/usr/bin/env bash
# Builds every package another company installs and packs it as npm would
# publish it (yarn pack: prepack rewrites the entry points to dist, workspace:
# ranges become versions). The tarballs land in dist-packages/.
# Needs `yarn tsc` first (the type declarations come from dist-types).
set -euo pipefail
source "$(dirname "$0")/env.sh"
out="$repo_root/dist-packages"
rm -rf "$out" && mkdir -p "$out"
for dir in $(node "$repo_root/scripts/publishable.js"); do
  echo "Packing $dir ..."
  (cd "$repo_root/$dir" && yarn run build >/dev/null &&
    yarn pack --out "$out/%s-%v.tgz" >/dev/null) ||
    { echo "Could not build or pack $dir"; exit 1; }
done
ls "$out"
