#!/usr/bin/env node
/*
 * Another company's first day with Handoff: a fresh Backstage app from
 * @backstage/create-app (the release this repository pins), the packed
 * tarballs from dist-packages/ (never workspace links), wired exactly as the
 * README's "Installing Handoff into your own Backstage app" section says —
 * its `yarn --cwd <dir> add <packages>` commands run as written, with each
 * package name pointed at its tarball, and its `backend.add(import(...))`
 * lines added to the backend — then type-checked and built. The Playwright
 * spec next to this file starts it and uses it in chromium.
 *
 *   node test/adoption/adopt.js [folder]     (default test-results/adoption)
 */
const { execSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const CREATE_APP = '0.9.2'; // generates Backstage 1.55, as backstage.json pins
const dir = path.resolve(
  process.argv[2] ?? path.join(root, 'test-results/adoption'),
);
const app = path.join(dir, 'app');
const packs = path.join(root, 'dist-packages');

const started = Date.now();
function step(what, command, cwd = app) {
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`[adoption ${seconds}s] ${what}: ${command}`);
  execSync(command, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      CI: 'true',
      BACKSTAGE_APP_NAME: 'app',
      // A new app has no lock file of its own to keep.
      YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
    },
  });
}

/** The README's install section: its add commands and backend lines. */
function readInstallSection() {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(
    '## Installing Handoff into your own Backstage app',
  );
  if (start < 0)
    throw new Error(
      'README: no "Installing Handoff into your own Backstage app" section',
    );
  const end = readme.indexOf('\n## ', start + 3);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)];
  const adds = blocks
    .filter(([, lang]) => lang === 'sh')
    .flatMap(([, , body]) => body.split('\n'))
    .map(line => line.match(/^yarn --cwd (\S+) add (.+)$/))
    .filter(Boolean)
    .map(([, cwd, names]) => ({ cwd, names: names.trim().split(/\s+/) }));
  const backendImports = blocks
    .filter(([, lang, body]) => lang === 'ts' && body.includes('backend.add('))
    .flatMap(([, , body]) => [
      ...body.matchAll(/import\('(@handoff\/[^']+)'\)/g),
    ])
    .map(([, name]) => name);
  const discovered =
    /With `app\.packages: all` the plugin is discovered automatically/.test(
      section,
    );
  if (adds.length === 0 || backendImports.length === 0 || !discovered) {
    throw new Error(
      'README: the install section no longer says how to add and wire the packages',
    );
  }
  return { adds, backendImports };
}

/** Every packed tarball by package name. */
function tarballs() {
  const byName = {};
  for (const file of fs.readdirSync(packs)) {
    const manifest = JSON.parse(
      execSync(
        `tar xzf ${JSON.stringify(
          path.join(packs, file),
        )} -O package/package.json`,
      ).toString(),
    );
    byName[manifest.name] = `file:${path.join(packs, file)}`;
  }
  return byName;
}

const { adds, backendImports } = readInstallSection();
const packed = tarballs();
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
step(
  'Create a fresh Backstage app',
  `npx -y @backstage/create-app@${CREATE_APP} --path app --skip-install`,
  dir,
);

// This machine's registry lacks some newest versions: the same pins as this
// repository, and its lock file as a head start (yarn drops what is unused).
// Every @handoff/* package resolves to its tarball, including the ones the
// others depend on.
const manifestFile = path.join(app, 'package.json');
const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
manifest.resolutions = {
  ...require(path.join(root, 'package.json')).resolutions,
  ...packed,
};
fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
fs.copyFileSync(path.join(root, 'yarn.lock'), path.join(app, 'yarn.lock'));
// Install scripts build native modules nobody here runs (tree-sitter, ssh2,
// keytar): skipped, and better-sqlite3 built on its own below.
fs.appendFileSync(path.join(app, '.yarnrc.yml'), 'enableScripts: false\n');

step('Install the fresh app', 'yarn install');
// The registry here also holds part of the next Backstage release: pin every
// @backstage/* package the app uses to the 1.55 set, as this repository does.
step(
  'Pin the Backstage 1.55 release',
  path.join(root, 'scripts/pin-backstage-release.sh'),
);
step('Install the pinned release', 'yarn install');
const ours = path.join(root, 'node_modules/better-sqlite3');
const theirs = path.join(app, 'node_modules/better-sqlite3');
const version = d => require(path.join(d, 'package.json')).version;
if (
  fs.existsSync(path.join(ours, 'build/Release/better_sqlite3.node')) &&
  version(ours) === version(theirs)
) {
  // The same version, built from source for the same Node by this repository's install.
  fs.cpSync(path.join(ours, 'build'), path.join(theirs, 'build'), {
    recursive: true,
  });
} else {
  step(
    'Build better-sqlite3 from source',
    'npx --yes node-gyp rebuild --release',
    theirs,
  );
}

for (const { cwd, names } of adds) {
  const specs = names.map(name => {
    if (!packed[name])
      throw new Error(`README names ${name}, which is not packed`);
    return `${name}@${packed[name]}`;
  });
  step(
    `README: add ${names.join(', ')}`,
    `yarn --cwd ${cwd} add ${specs.join(' ')}`,
  );
}

const backendIndex = path.join(app, 'packages/backend/src/index.ts');
const source = fs.readFileSync(backendIndex, 'utf8');
fs.writeFileSync(
  backendIndex,
  source.replace(
    'backend.start();',
    `${backendImports
      .map(name => `backend.add(import('${name}'));`)
      .join('\n')}\n\nbackend.start();`,
  ),
);
console.log(
  `[adoption] README: added ${backendImports.join(
    ', ',
  )} to packages/backend/src/index.ts`,
);

// An entity that carries a handoff spec, next to the app's example entities.
fs.copyFileSync(
  path.join(__dirname, 'fixtures/handoff.yaml'),
  path.join(app, 'examples/handoff.yaml'),
);
fs.appendFileSync(
  path.join(app, 'examples/entities.yaml'),
  fs.readFileSync(path.join(__dirname, 'fixtures/entity.yaml'), 'utf8'),
);
fs.copyFileSync(
  path.join(__dirname, 'fixtures/app-config.adoption.yaml'),
  path.join(app, 'app-config.adoption.yaml'),
);

step('Type-check the app', 'yarn tsc');
step('Build the frontend', 'yarn workspace app build');
console.log(
  `[adoption] ready in ${Math.round((Date.now() - started) / 1000)} s`,
);
