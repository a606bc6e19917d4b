/*
 * The tarballs `scripts/pack.sh` writes to dist-packages/, read as npm would
 * install them: every file a package needs is in it, its entry points exist,
 * and every module its code or types import is a declared dependency (a
 * workspace link hides both). A failure names the package.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import { builtinModules } from 'module';
import os from 'os';
import path from 'path';
import semver from 'semver';

const root = path.resolve(__dirname, '../../..');
const packs = path.join(root, 'dist-packages');

/** What each package must ship besides its compiled code and types. */
const MUST_SHIP: Record<string, string[]> = {
  '@handoff/backstage-plugin-handoff-common': [
    'handoff.schema.json',
    'gate-policy.schema.json',
    'default-gate-policy.yaml',
  ],
  // config.d.ts is shipped as the JSON Schema prepack makes of it.
  '@handoff/backstage-plugin-handoff-backend': [
    'config.schema.json',
    'migrations',
  ],
  // The New capability template, registered from node_modules (README).
  '@handoff/backstage-plugin-scaffolder-backend-module-handoff': [
    'templates/new-capability/template.yaml',
    'templates/new-capability/skeleton/handoff.yaml',
  ],
  '@handoff/backstage-plugin-search-backend-module-handoff': [
    'config.schema.json',
  ],
  '@handoff/backstage-plugin-handoff-backend-module-github': [
    'config.schema.json',
  ],
  '@handoff/backstage-plugin-handoff-backend-module-jira': [
    'config.schema.json',
  ],
  // The command runs its one-file build (bundle.js).
  '@handoff/handoff-cli': ['bin/handoff-spec', 'dist/handoff-spec.cjs.js'],
};

const publishable = execFileSync('node', [
  path.join(root, 'scripts/publishable.js'),
])
  .toString()
  .trim()
  .split('\n')
  .map(
    dir =>
      JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'))
        .name as string,
  );

function unpack(name: string) {
  const file = fs
    .readdirSync(packs)
    .find(
      f => f.startsWith(`${name.replace('/', '-')}-`) && f.endsWith('.tgz'),
    );
  if (!file)
    throw new Error(
      `${name}: no tarball in dist-packages (run scripts/pack.sh)`,
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-pack-'));
  execFileSync('tar', ['xzf', path.join(packs, file), '-C', dir]);
  return path.join(dir, 'package');
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(e =>
      e.isDirectory()
        ? filesUnder(path.join(dir, e.name))
        : [path.join(dir, e.name)],
    );
}

/** The package a bare specifier names: `@scope/name/deep` → `@scope/name`. */
const packageOf = (specifier: string) =>
  specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0];

const builtins = new Set(builtinModules);

/** Every bare module a compiled file or declaration imports. */
function importsOf(text: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
  ];
  for (const pattern of patterns) {
    for (const [, specifier] of text.matchAll(pattern)) {
      if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
      const name = packageOf(specifier);
      if (!builtins.has(name)) found.add(name);
    }
  }
  return [...found];
}

describe.each(publishable)('the packed %s', name => {
  let dir: string;
  let manifest: any;
  beforeAll(() => {
    dir = unpack(name);
    manifest = JSON.parse(
      fs.readFileSync(path.join(dir, 'package.json'), 'utf8'),
    );
  });

  it('is publishable and points at files it ships', () => {
    expect(manifest.private).toBeUndefined();
    expect(JSON.stringify(manifest)).not.toMatch(/workspace:/);
    expect(manifest.license).toBeTruthy();
    expect(manifest.repository?.url).toMatch(/^https:\/\//);
    expect(manifest.backstage?.role).toBeTruthy();
    const entries = [manifest.main, manifest.types, manifest.module].filter(
      Boolean,
    );
    for (const target of Object.values<any>(manifest.exports ?? {})) {
      if (typeof target === 'string') entries.push(target);
      // "backstage" names the export's kind, not a file.
      else {
        entries.push(
          ...Object.entries<string>(target)
            .filter(([condition]) => condition !== 'backstage')
            .map(([, file]) => file),
        );
      }
    }
    expect(entries.length).toBeGreaterThan(0);
    const absent = entries.filter(e => !fs.existsSync(path.join(dir, e)));
    expect({ name, absent }).toEqual({ name, absent: [] });
    expect(entries.join(' ')).not.toMatch(/src\//);
  });

  it('ships what it needs besides its code', () => {
    const absent = [
      'README.md',
      'CHANGELOG.md',
      ...(MUST_SHIP[name] ?? []),
    ].filter(f => !fs.existsSync(path.join(dir, f)));
    expect({ name, absent }).toEqual({ name, absent: [] });
    if (name.endsWith('handoff-backend')) {
      expect(
        fs.readdirSync(path.join(dir, 'migrations')).length,
      ).toBeGreaterThan(3);
    }
    // No tests, sources or local data.
    const shipped = filesUnder(dir).map(f => path.relative(dir, f));
    expect(shipped.filter(f => /(^src\/|\.test\.|\.sqlite$)/.test(f))).toEqual(
      [],
    );
  });

  it('shares the Backstage libraries an app has as peer dependencies spanning 1.55 to 1.57, so the app keeps one copy', () => {
    // What the app's release decides: plugin APIs, extension points, React
    // contexts. Both ends of the supported window must satisfy the range.
    const shared =
      /^@backstage\/(core-plugin-api|frontend-plugin-api|core-components|core-compat-api|backend-plugin-api|plugin-(catalog|scaffolder)-(react|node)|plugin-scaffolder-backend|plugin-search-(react|backend-node)|plugin-permission-(react|node)|plugin-notifications-node)$/;
    const window: Record<string, [string, string]> = {
      '@backstage/frontend-plugin-api': ['0.18.1', '1.0.0'],
      '@backstage/plugin-catalog-react': ['3.2.3', '4.0.0'],
      '@backstage/plugin-catalog-node': ['2.2.5', '3.0.0'],
      '@backstage/plugin-scaffolder-node': ['0.13.7', '1.0.0'],
      '@backstage/plugin-scaffolder-react': ['2.1.0', '3.0.0'],
      '@backstage/plugin-scaffolder-backend': ['4.2.0', '4.3.0'],
      '@backstage/core-compat-api': ['0.5.15', '0.6.0'],
    };
    const asDependency = Object.keys(manifest.dependencies ?? {}).filter(d =>
      shared.test(d),
    );
    expect({ name, asDependency }).toEqual({ name, asDependency: [] });
    for (const [dep, range] of Object.entries<string>(
      manifest.peerDependencies ?? {},
    )) {
      for (const version of window[dep] ?? []) {
        expect({
          dep,
          range,
          version,
          ok: semver.satisfies(version, range),
        }).toMatchObject({ ok: true });
      }
    }
  });

  it('declares every module its code and types import', () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const undeclared = new Map<string, string>();
    for (const file of filesUnder(dir)) {
      if (!/\.(c?js|mjs|d\.ts)$/.test(file) || file.endsWith('.map')) continue;
      for (const used of importsOf(fs.readFileSync(file, 'utf8'))) {
        if (used !== name && !declared.has(used)) {
          undeclared.set(used, path.relative(dir, file));
        }
      }
    }
    expect({ name, undeclared: Object.fromEntries(undeclared) }).toEqual({
      name,
      undeclared: {},
    });
  });
});

describe('the packed handoff-spec command', () => {
  const examples = path.join(root, 'examples/capabilities');
  it('runs from its tarball alone, with the reader and schema it was tested with', () => {
    const dir = unpack('@handoff/handoff-cli');
    // Nothing installed beside it: the one-file build carries what it needs.
    expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false);
    const run = (...args: string[]) => {
      try {
        const stdout = execFileSync(
          process.execPath,
          [path.join(dir, 'bin/handoff-spec'), ...args],
          { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
        );
        return { code: 0, stdout };
      } catch (error: any) {
        return {
          code: error.status,
          stdout: String(error.stdout),
          stderr: String(error.stderr),
        };
      }
    };
    const valid = path.join(examples, 'invoice-export/handoff.yaml');
    expect(run('validate', valid)).toEqual({
      code: 0,
      stdout: expect.stringContaining(`${valid}: valid`),
    });
    const odd = path.join(os.tmpdir(), `handoff-odd-${process.pid}.yaml`);
    fs.writeFileSync(odd, `${fs.readFileSync(valid, 'utf8')}\n? [a]\n: 1\n`);
    const refused = run('validate', odd);
    expect(refused).toEqual({
      code: 1,
      stdout: expect.stringContaining('YAML syntax error'),
      stderr: '',
    });
    expect(run('gates', valid, odd, '--decision', 'hand-off').code).toBe(1);
    fs.rmSync(odd);
  });
});
