#!/usr/bin/env bash
# Installs what the tests need (Debian's chromium, postgresql and prometheus, Node 22, the yarn
# dependencies) and runs every suite: type check, lint, unit and integration tests on
# SQLite and PostgreSQL, the end-to-end tests in a real browser, the fault suite
# (backends killed mid-write, PostgreSQL stopped, a replica killed mid-sweep), and
# shipping: packed packages checked and installed into a fresh Backstage app, and the
# production bundle run as two replicas on PostgreSQL. The last line is
# "N passed, N failed", counted from the runners' own results.
set -uo pipefail
source "$(dirname "$0")/env.sh"
source "$repo_root/scripts/postgres.sh"
results="$repo_root/test-results"
rm -rf "$results" && mkdir -p "$results"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/prometheus ] || missing+=(prometheus)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} from Debian ..."
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "Could not install ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

yarn install --immutable || { echo "0 passed, 1 failed"; exit 1; }
start_test_postgres || { echo "0 passed, 1 failed"; exit 1; }

# Each step records its exit code; the runners' JSON reports give the test counts.
step() {
  local name=$1; shift
  echo "::: $name"
  "$@"; echo $? > "$results/$name.exit"
}
step tsc yarn tsc
step api-reports ./scripts/api-reports.sh --ci
step lint yarn backstage-cli repo lint
step unit yarn backstage-cli repo test --ci --json --outputFile="$results/jest.json"
step build-app yarn workspace app build
step e2e yarn playwright test
# The audit and an independent answer from the catalog API, entity by entity.
step audit-crosscheck ./scripts/audit-crosscheck.sh --json --outputFile="$results/audit-crosscheck-jest.json"
step faults ./scripts/faults.sh --json --outputFile="$results/faults-jest.json"
# Shipping: the packages packed as npm would publish them and checked; installed
# from the tarballs into a fresh Backstage app as the README says, type-checked,
# built, started and used in chromium; the production bundle as two replicas on
# one PostgreSQL.
step pack ./scripts/pack.sh
step packs bash -c "cd test/adoption && CI=true yarn backstage-cli package test --testMatch '**/*.adoption.ts' --json --outputFile='$results/packs-jest.json'"
# The adoption matrix: the current release with either frontend system, and the
# oldest release supported (test/adoption/adopt.js says what each leg proves).
for leg in new-1.57 legacy-1.57 new-1.55; do
  step "adopt-$leg" node test/adoption/adopt.js "$leg"
  if [ "$(cat "$results/adopt-$leg.exit")" = 0 ]; then
    step "adoption-$leg" env ADOPTION_LEG="$leg" yarn playwright test -c test/adoption/playwright.config.ts
  fi
  # Each app's node_modules is a gigabyte: keep its lock file (the next leg's
  # head start) and the log, not the install.
  rm -rf "$results/adoption-$leg/app/node_modules" "$results/adoption-$leg/app/packages"/*/node_modules
done
step production ./scripts/production.sh

node "$repo_root/scripts/summarize-tests.js" "$results"
