#!/usr/bin/env bash
# Pins every @backstage/* package in yarn.lock, through root "resolutions", to its newest
# stable version published before a cut-off date. The npm registry reachable here holds the
# whole Backstage 1.55 release but only part of the next one, so floating caret ranges mix two
# releases; a cut-off reproduces the 1.55 set that `@backstage/create-app@0.9.2` generates.
# Usage: scripts/pin-backstage-release.sh [cutoff-iso-date]   (then run yarn install)
set -euo pipefail
cutoff=${1:-2026-11-01T00:00:00Z}
names=$(grep -oE '^"?@backstage/[a-z0-9-]+@' yarn.lock | sed 's/^"//; s/@$//' | sort -u)
echo "$names" | xargs -P 8 -I{} sh -c 'npm view "{}" time --json > "/tmp/bs-time-$(echo {} | tr / _).json" 2>/dev/null || true'
node - "$cutoff" $names <<'JS'
const fs = require('fs');
const [cutoff, ...names] = process.argv.slice(2);
const cmp = (a, b) => { const x = a.split('.').map(Number), y = b.split('.').map(Number); for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i]; return 0; };
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
pkg.resolutions = pkg.resolutions || {};
for (const name of names) {
  const file = `/tmp/bs-time-${name.replace('/', '_')}.json`;
  if (!fs.existsSync(file)) continue;
  const times = JSON.parse(fs.readFileSync(file, 'utf8'));
  const versions = Object.keys(times).filter(v => /^\d+\.\d+\.\d+$/.test(v) && times[v] < cutoff).sort(cmp);
  if (versions.length) pkg.resolutions[name] = versions[versions.length - 1];
}
pkg.resolutions = Object.fromEntries(Object.entries(pkg.resolutions).sort());
fs.writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');
console.log(`pinned ${names.length} @backstage packages released before ${cutoff}`);
JS
