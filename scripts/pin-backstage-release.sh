#!/usr/bin/env bash
# Aligns a Backstage monorepo on one Backstage release, as `backstage-cli versions:bump`
# does — which needs versions.backstage.io, not reachable here — from the npm registry:
# every @backstage/* package in yarn.lock is pinned through root "resolutions" to its
# newest stable version published before a cut-off, and the @backstage/* ranges in the
# workspaces' package.json files are moved to those versions (devDependencies everywhere,
# dependencies in private packages; a published package's dependency and peer ranges state
# the supported window and are set by hand).
#
#   scripts/pin-backstage-release.sh [release] [--ranges-only]
#                      then: yarn install, and run it again until it changes nothing
#
# --ranges-only moves the ranges and writes no resolutions: what versions:bump does to
# an app (the adoption test's newest-release legs), where caret ranges then resolve to
# the release's versions.
#
# release: 1.57 (the newest, the default), 1.55 (the oldest Handoff supports), or an ISO
# cut-off date. The registry reachable here holds the whole 1.55 release and most of 1.57
# (released 2026-11-17): @backstage/backend-test-utils has no 1.57 version, so its 1.11.7
# is kept and runs on the 1.57 backend libraries the resolutions give it.
set -euo pipefail
release=${1:-1.57}
mode=${2:-}
case "$release" in
  1.57) cutoff=2026-12-01T00:00:00Z ;;
  1.55) cutoff=2026-11-01T00:00:00Z ;;
  *) cutoff=$release ;;
esac
# Every @backstage package the lock file or a package.json names.
names=$( (grep -ohE '^"?@backstage/[a-z0-9-]+@' yarn.lock 2>/dev/null | sed 's/^"//; s/@$//'
  find . -name package.json -not -path '*/node_modules/*' -not -path './dist*' -not -path './test-results/*' -print0 |
    xargs -0 grep -ohE '"@backstage/[a-z0-9-]+":' | sed 's/^"//; s/":$//') | sort -u)
times=$(mktemp -d)
echo "$names" | xargs -P 8 -I{} sh -c 'npm view "{}" time --json > "'"$times"'/$(echo {} | tr / _).json" 2>/dev/null || true'
node - "$cutoff" "$times" "$mode" $names <<'JS'
const fs = require('fs');
const path = require('path');
const [cutoff, times, mode, ...names] = process.argv.slice(2);
const cmp = (a, b) => { const x = a.split('.').map(Number), y = b.split('.').map(Number); for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i]; return 0; };
const read = f => JSON.parse(fs.readFileSync(f, 'utf8'));
const write = (f, json) => fs.writeFileSync(f, JSON.stringify(json, null, 2) + '\n');
const root = read('package.json');
const pinned = {};
for (const name of names) {
  const file = path.join(times, `${name.replace('/', '_')}.json`);
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) continue;
  const published = read(file);
  const versions = Object.keys(published).filter(v => /^\d+\.\d+\.\d+$/.test(v) && published[v] < cutoff).sort(cmp);
  if (versions.length) pinned[name] = versions[versions.length - 1];
}
if (mode !== '--ranges-only') {
  root.resolutions = Object.fromEntries(Object.entries({ ...root.resolutions, ...pinned }).sort());
}
// The workspaces' own ranges (and the root's), as versions:bump moves them.
const globs = ['.', ...(root.workspaces?.packages ?? root.workspaces ?? [])];
let moved = 0;
const moveRanges = (pkg) => {
  for (const field of pkg.private ? ['dependencies', 'devDependencies'] : ['devDependencies']) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (pinned[name] && /^\^\d/.test(range) && range !== `^${pinned[name]}`) {
        pkg[field][name] = `^${pinned[name]}`;
        moved += 1;
      }
    }
  }
};
moveRanges(root);
write('package.json', root);
for (const glob of globs.slice(1)) {
  const dirs = glob.endsWith('/*')
    ? fs.readdirSync(glob.slice(0, -2), { withFileTypes: true }).filter(d => d.isDirectory()).map(d => path.join(glob.slice(0, -2), d.name))
    : [glob];
  for (const dir of dirs) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = read(file);
    moveRanges(pkg);
    write(file, pkg);
  }
}
console.log(`${mode === '--ranges-only' ? 'found' : 'pinned'} ${Object.keys(pinned).length} @backstage packages released before ${cutoff}; moved ${moved} ranges`);
JS
rm -rf "$times"
