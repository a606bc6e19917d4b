#!/usr/bin/env node
/*
 * Another company's first day with Handoff, on each release and frontend
 * system the packages claim to support: a fresh Backstage app from
 * @backstage/create-app, moved to the release under test, then the README's
 * "Installing Handoff into your own Backstage app" section followed word for
 * word — the tarballs copied to handoff-packages/, its resolutions block
 * merged into the root package.json, its `yarn --cwd … add` commands run as
 * written, its backend lines, its template location, and on the legacy leg
 * its legacy snippets placed where each says — then checked for Backstage
 * packages installed twice (Handoff may bring none), type-checked and
 * built. The Playwright spec next to this file starts each app and uses it
 * in chromium.
 *
 *   node test/adoption/adopt.js <leg> [folder]   (default test-results/adoption-<leg>)
 *
 * Legs: new-1.57 (the current release, new frontend system), legacy-1.57
 * (the current release, legacy frontend system), new-1.55 (the oldest
 * release supported).
 */
const { execSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const LEGS = {
  'new-1.57': { release: '1.57', legacy: false },
  'legacy-1.57': { release: '1.57', legacy: true },
  'new-1.55': { release: '1.55', legacy: false },
};
const root = path.resolve(__dirname, '../..');
const CREATE_APP = '0.9.2';
const legName = process.argv[2];
const leg = LEGS[legName];
if (!leg) {
  console.error(`usage: adopt.js <${Object.keys(LEGS).join('|')}> [folder]`);
  process.exit(2);
}
const dir = path.resolve(
  process.argv[3] ?? path.join(root, `test-results/adoption-${legName}`),
);
const app = path.join(dir, 'app');
const packs = path.join(root, 'dist-packages');

const started = Date.now();
const say = text =>
  console.log(
    `[adoption ${legName} ${Math.round(
      (Date.now() - started) / 1000,
    )}s] ${text}`,
  );
function step(what, command, cwd = app) {
  say(`${what}: ${command}`);
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
const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, json) =>
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);

/** The README's install section, cut into what a person does. */
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
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(
    ([, lang, body]) => ({ lang, body }),
  );
  const resolutions = blocks
    .filter(b => b.lang === 'json' && b.body.includes('"resolutions"'))
    .map(b => JSON.parse(b.body).resolutions)[0];
  const adds = blocks
    .filter(b => b.lang === 'sh')
    .flatMap(b => b.body.split('\n'))
    .filter(line => /^yarn --cwd \S+ add /.test(line));
  // Whole statements, however a formatter wrapped them.
  const backendLines = blocks
    .filter(b => b.lang === 'ts' && b.body.includes('backend.add('))
    .flatMap(b => b.body.match(/backend\.add\([\s\S]*?\);/g) ?? []);
  const locations = blocks
    .filter(b => b.lang === 'yaml' && b.body.includes('locations:'))
    .flatMap(b => YAML.parse(b.body).catalog.locations);
  const legacy = blocks
    .filter(b => b.lang === 'tsx' && b.body.startsWith('// packages/app/'))
    .map(b => {
      const [first, ...rest] = b.body.split('\n');
      const [, file, where] = first.match(/^\/\/ (\S+), (.+)$/) ?? [];
      return { file, where, code: rest.join('\n') };
    });
  const discovered =
    /With `app\.packages: all` the plugin is discovered automatically/.test(
      section,
    );
  if (
    !resolutions ||
    adds.length === 0 ||
    backendLines.length === 0 ||
    locations.length === 0 ||
    legacy.length === 0 ||
    !discovered
  ) {
    throw new Error(
      'README: the install section no longer says where the packages come from, how to add and wire them, or how to register the template',
    );
  }
  return { resolutions, adds, backendLines, locations, legacy };
}

/**
 * Places a README snippet where its first line says; each place is found in
 * create-app's legacy template or the leg fails, naming the snippet.
 */
function placeSnippet({ file, where, code }) {
  const target = path.join(
    app,
    file.replace(/^packages\/app\//, 'packages/app/'),
  );
  let source = fs.readFileSync(target, 'utf8');
  const fail = () => {
    throw new Error(`README snippet for ${file} (${where}): place not found`);
  };
  const insertAt = (index, text) =>
    `${source.slice(0, index)}${text}${source.slice(index)}`;
  let match;
  if (where === 'with the imports') {
    source = `${code}\n${source}`;
  } else if ((match = where.match(/^replacing (.+)$/))) {
    if (!source.includes(match[1])) fail();
    source = source.replace(match[1], code.trim());
  } else if ((match = where.match(/^inside (<.+>)$/))) {
    const at = source.indexOf(match[1]);
    if (at < 0) fail();
    source = insertAt(at + match[1].length, `\n${code}`);
  } else if ((match = where.match(/^in (\w+)'s grid, after (.+)$/))) {
    const from = source.indexOf(`const ${match[1]} =`);
    const at = source.indexOf(match[2], from);
    if (from < 0 || at < 0) fail();
    source = insertAt(at + match[2].length, `\n${code}`);
  } else if (
    /^in each entity page's <EntityLayout>, as its last route$/.test(where)
  ) {
    if (!source.includes('</EntityLayout>')) fail();
    source = source.split('</EntityLayout>').join(`${code}\n</EntityLayout>`);
  } else if (
    (match = where.match(/^in the Menu sidebar group, after the (.+) item$/))
  ) {
    const at = source.indexOf(`text="${match[1]}"`);
    if (at < 0) fail();
    source = insertAt(source.indexOf('/>', at) + 2, `\n${code}`);
  } else if ((match = where.match(/^first among (<[\w.]+>)'s types$/))) {
    const from = source.indexOf(match[1].slice(0, -1));
    const at = source.indexOf('types={[', from);
    if (from < 0 || at < 0) fail();
    source = insertAt(at + 'types={['.length, `\n${code}`);
  } else {
    throw new Error(`README snippet for ${file}: no rule for "${where}"`);
  }
  fs.writeFileSync(target, source);
  say(`README: placed the snippet for ${file}, ${where}`);
}

/** Every @backstage/* package installed in more than one version. */
function duplicateBackstagePackages() {
  const versions = new Map();
  const walk = modules => {
    if (!fs.existsSync(modules)) return;
    for (const entry of fs.readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@');
      const names = scoped
        ? fs.readdirSync(path.join(modules, entry)).map(n => `${entry}/${n}`)
        : [entry];
      for (const name of names) {
        const pkgDir = path.join(modules, name);
        const manifest = path.join(pkgDir, 'package.json');
        if (name.startsWith('@backstage/') && fs.existsSync(manifest)) {
          const set = versions.get(name) ?? new Set();
          set.add(readJson(manifest).version);
          versions.set(name, set);
        }
        walk(path.join(pkgDir, 'node_modules'));
      }
    }
  };
  walk(path.join(app, 'node_modules'));
  for (const workspace of fs.readdirSync(path.join(app, 'packages'))) {
    walk(path.join(app, 'packages', workspace, 'node_modules'));
  }
  return [...versions]
    .filter(([, set]) => set.size > 1)
    .map(([name, set]) => `${name} (${[...set].join(', ')})`);
}

const install = readInstallSection();
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
step(
  `Create a fresh Backstage app${
    leg.legacy ? ' on the legacy frontend system' : ''
  }`,
  `npx -y @backstage/create-app@${CREATE_APP}${
    leg.legacy ? ' --legacy' : ''
  } --path app --skip-install`,
  dir,
);

// CI's own steps, said in the README: a lock file as a head start (another
// leg's of the same release if it ran, else this repository's; yarn drops what
// is unused), no install scripts (better-sqlite3 is built below), and the
// release under test.
const headStart = Object.keys(LEGS)
  .filter(other => other !== legName && LEGS[other].release === leg.release)
  .map(other => path.join(root, `test-results/adoption-${other}/app/yarn.lock`))
  .find(file => fs.existsSync(file));
fs.copyFileSync(
  headStart ?? path.join(root, 'yarn.lock'),
  path.join(app, 'yarn.lock'),
);
fs.appendFileSync(path.join(app, '.yarnrc.yml'), 'enableScripts: false\n');
const pin = path.join(root, 'scripts/pin-backstage-release.sh');
if (leg.release === '1.55') {
  // An app made in the days of 1.55: its lock file holds that release.
  step('Install the fresh app', 'yarn install');
  step('Pin the Backstage 1.55 release', `${pin} 1.55`);
  step('Install the pinned release', 'yarn install');
} else {
  step(
    `Move the app to Backstage ${leg.release} (versions:bump)`,
    `${pin} ${leg.release} --ranges-only`,
  );
  step('Install the app', 'yarn install');
}
const ours = path.join(root, 'node_modules/better-sqlite3');
const theirs = path.join(app, 'node_modules/better-sqlite3');
const version = d => readJson(path.join(d, 'package.json')).version;
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

// What the app had twice before Handoff came (a registry that lacks part of a
// release, e.g. @backstage/app-defaults asking for an older
// frontend-plugin-api): listed, and Handoff may add none.
const before = new Set(duplicateBackstagePackages());
if (before.size > 0) {
  say(`before Handoff, the app already had twice: ${[...before].join('; ')}`);
}

// The README, as written.
fs.cpSync(packs, path.join(app, 'handoff-packages'), { recursive: true });
say('README: copied dist-packages/ to handoff-packages/');
const manifestFile = path.join(app, 'package.json');
const manifest = readJson(manifestFile);
manifest.resolutions = { ...manifest.resolutions, ...install.resolutions };
writeJson(manifestFile, manifest);
say('README: added the resolutions for the @handoff packages');
for (const command of install.adds) step('README', command);

const backendIndex = path.join(app, 'packages/backend/src/index.ts');
const source = fs.readFileSync(backendIndex, 'utf8');
fs.writeFileSync(
  backendIndex,
  source.replace(
    'backend.start();',
    `${install.backendLines.join('\n')}\n\nbackend.start();`,
  ),
);
say('README: added the backend lines to packages/backend/src/index.ts');

const appConfigFile = path.join(app, 'app-config.yaml');
const appConfig = YAML.parseDocument(fs.readFileSync(appConfigFile, 'utf8'));
for (const location of install.locations) {
  appConfig.addIn(['catalog', 'locations'], location);
}
fs.writeFileSync(appConfigFile, appConfig.toString());
say('README: registered the New capability template in app-config.yaml');

if (leg.legacy) for (const snippet of install.legacy) placeSnippet(snippet);

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

const added = duplicateBackstagePackages().filter(d => !before.has(d));
if (added.length > 0) {
  throw new Error(
    `Handoff made ${
      added.length
    } Backstage packages be installed twice: ${added.join('; ')}`,
  );
}
say('Handoff added no second copy of any @backstage package');

step('Type-check the app', 'yarn tsc');
step('Build the frontend', 'yarn workspace app build');
say(`ready in ${Math.round((Date.now() - started) / 1000)} s`);
