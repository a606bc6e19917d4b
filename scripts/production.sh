#!/usr/bin/env bash
# The production deployment, run as packages/backend/Dockerfile runs it (this
# machine has no container runtime, so the same steps run on the host): the
# backend bundle from `yarn build:backend` unpacked into a folder of its own,
# production dependencies only, NODE_ENV=production, PostgreSQL. Then two
# replicas on one database and a short end-to-end run against them
# (test/production). Needs `yarn tsc`, the built app and the plugins' dist
# (scripts/pack.sh) first, as scripts/test.sh runs them.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$repo_root/scripts/postgres.sh"
deploy="$repo_root/test-results/production/app"

echo "production: yarn build:backend"
yarn build:backend >/dev/null
rm -rf "$deploy" && mkdir -p "$deploy"
cd "$deploy"
echo "production: the Dockerfile's steps in $deploy (no container runtime here)"
cp -r "$repo_root/.yarn" ./.yarn
rm -rf ./.yarn/cache ./.yarn/install-state.gz
cp "$repo_root"/{.yarnrc.yml,backstage.json,yarn.lock,package.json} .
tar xzf "$repo_root/packages/backend/dist/skeleton.tar.gz"
# Workspaces the image does not carry (tests, benchmarks) are left out.
node -e '
const fs = require("fs");
const p = JSON.parse(fs.readFileSync("package.json"));
p.workspaces = p.workspaces.filter(w => !w.startsWith("test/"));
fs.writeFileSync("package.json", JSON.stringify(p, null, 2));'
YARN_ENABLE_IMMUTABLE_INSTALLS=false YARN_ENABLE_SCRIPTS=false \
  yarn workspaces focus --all --production >/dev/null
# better-sqlite3 is still a dependency: the Dockerfile builds it from source;
# here the repository's own build of the same version is copied.
cp -r "$repo_root/node_modules/better-sqlite3/build" node_modules/better-sqlite3/
tar xzf "$repo_root/packages/backend/dist/bundle.tar.gz"
cp "$repo_root"/app-config*.yaml .
cp "$repo_root/test/production/app-config.replica.yaml" .
cp -r "$repo_root/examples" .
mkdir -p plugins/scaffolder-backend-module-handoff
cp -r "$repo_root/plugins/scaffolder-backend-module-handoff/templates" plugins/scaffolder-backend-module-handoff/
du -sh node_modules | sed 's/^/production: production dependencies /'

# Databases of its own (a fresh prefix) on the test server.
start_test_postgres
pg_url=${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING#*@}
export POSTGRES_HOST=${pg_url%%:*} POSTGRES_PORT=${pg_url##*:} POSTGRES_USER=postgres POSTGRES_PASSWORD=unused
export DATABASE_PREFIX="handoff_production_$(date +%s)_"
export HANDOFF_CI_TOKEN=production-run-ci-token NODE_ENV=production
cd "$repo_root"
yarn playwright test -c test/production/playwright.config.ts "$@"
