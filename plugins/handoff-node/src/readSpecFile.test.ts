import { mockServices } from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { execFileSync } from 'child_process';
import fs from 'fs';
import http from 'http';
import { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import {
  MAX_SPEC_BYTES,
  SpecHostUnavailableError,
  readSpecFile,
  resolveSpecLocation,
} from './readSpecFile';

/** The attack under test: a link that runs script. */
// eslint-disable-next-line no-script-url
const SCRIPT_URL = 'javascript:alert(1)';

const integrations = ScmIntegrations.fromConfig(mockServices.rootConfig());

const entityAt = (location: string, spec = './handoff.yaml') => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'churn',
    annotations: {
      'backstage.io/managed-by-location': location,
      'handoff.dev/spec': spec,
    },
  },
});

const github =
  'url:https://github.com/acme/churn/blob/main/service/catalog-info.yaml';

describe('resolveSpecLocation', () => {
  it('resolves the spec next to a url: location through the SCM integrations, anywhere in the same repository', () => {
    expect(resolveSpecLocation(entityAt(github), integrations)).toEqual({
      type: 'url',
      target: 'https://github.com/acme/churn/tree/main/service/handoff.yaml',
      root: 'https://github.com/acme/churn/',
    });
    expect(
      resolveSpecLocation(entityAt(github, '../specs/h.yaml'), integrations)
        .target,
    ).toBe('https://github.com/acme/churn/tree/main/specs/h.yaml');
    expect(
      resolveSpecLocation(
        entityAt(
          github,
          'https://github.com/acme/churn/blob/main/service/other.yaml',
        ),
        integrations,
      ).target,
    ).toBe('https://github.com/acme/churn/blob/main/service/other.yaml');
  });

  it('resolves the spec next to a file: location on disk', () => {
    expect(
      resolveSpecLocation(
        entityAt('file:/repo/caps/churn/catalog-info.yaml'),
        integrations,
      ),
    ).toEqual({
      type: 'file',
      target: '/repo/caps/churn/handoff.yaml',
      root: '/repo/caps/churn',
    });
  });

  it.each([
    [
      'a parent folder',
      '../../../../etc/passwd',
      /outside the entity's folder/,
    ],
    ['an absolute path', '/etc/passwd', /outside the entity's folder/],
    ['the folder itself', '.', /outside the entity's folder/],
    ['a file: URL', 'file:///etc/passwd', /only point at a file next to it/],
    ['an http URL', 'https://evil.example.com/h.yaml', /file next to it/],
    ['a NUL byte', './handoff.yaml\0.txt', /NUL byte/],
  ])('refuses %s next to a file: entity', (_what, spec, message) => {
    expect(() =>
      resolveSpecLocation(
        entityAt('file:/repo/caps/churn/catalog-info.yaml', spec),
        integrations,
      ),
    ).toThrow(message);
  });

  it.each([
    ['another host', 'https://evil.example.com/h.yaml'],
    ['another repository', 'https://github.com/acme/other/blob/main/h.yaml'],
    ['a path out of the repository', '../../../../other/blob/main/h.yaml'],
    ['an encoded path out', '%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/other/h.yaml'],
  ])('refuses %s next to a url: entity', (_what, spec) => {
    expect(() =>
      resolveSpecLocation(entityAt(github, spec), integrations),
    ).toThrow(/outside the entity's repository/);
  });

  it.each([SCRIPT_URL, 'data:text/plain,x', 'file:///etc/passwd'])(
    'refuses the scheme of %s',
    spec => {
      expect(() =>
        resolveSpecLocation(entityAt(github, spec), integrations),
      ).toThrow(/only http and https URLs are read/);
    },
  );

  it('explains what it cannot resolve', () => {
    expect(() =>
      resolveSpecLocation(entityAt('bitbucket-discovery:x'), integrations),
    ).toThrow('Cannot read a spec next to a bitbucket-discovery: location');
  });
});

describe('readSpecFile from disk', () => {
  let dir: string;
  const location = (spec: string) =>
    resolveSpecLocation(
      entityAt(`file:${path.join(dir, 'catalog-info.yaml')}`, spec),
      integrations,
    );
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-read-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file next to the catalog file', async () => {
    fs.writeFileSync(path.join(dir, 'handoff.yaml'), 'intent: x\n');
    await expect(
      readSpecFile(location('./handoff.yaml'), mockServices.urlReader.mock()),
    ).resolves.toBe('intent: x\n');
  });

  const none = (file: string) =>
    `No spec file ${file} in the entity's folder (a link out of the folder counts as none)`;

  it('refuses a symlink that leads out of the folder, and reads nothing, saying what it says of a missing file', async () => {
    fs.symlinkSync('/etc/passwd', path.join(dir, 'handoff.yaml'));
    const outside = await readSpecFile(
      location('./handoff.yaml'),
      mockServices.urlReader.mock(),
    ).catch(e => e);
    expect(outside).toMatchObject({
      name: 'NotFoundError',
      message: none('./handoff.yaml'),
    });
    fs.rmSync(path.join(dir, 'handoff.yaml'));
    const missing = await readSpecFile(
      location('./handoff.yaml'),
      mockServices.urlReader.mock(),
    ).catch(e => e);
    expect(missing).toMatchObject({
      name: 'NotFoundError',
      message: none('./handoff.yaml'),
    });
    // No server path in either.
    expect(`${outside.message}${missing.message}`).not.toContain(dir);
  });

  it('refuses a hard link to a file elsewhere, planted in the folder', async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-else-'));
    try {
      fs.writeFileSync(path.join(elsewhere, 'secret.yaml'), 'token: hunter2\n');
      fs.linkSync(
        path.join(elsewhere, 'secret.yaml'),
        path.join(dir, 'handoff.yaml'),
      );
      await expect(
        readSpecFile(location('./handoff.yaml'), mockServices.urlReader.mock()),
      ).rejects.toThrow(none('./handoff.yaml'));
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses a folder symlinked to /proc', async () => {
    fs.symlinkSync('/proc/self', path.join(dir, 'proc'));
    await expect(
      readSpecFile(location('./proc/environ'), mockServices.urlReader.mock()),
    ).rejects.toThrow(none('./proc/environ'));
  });

  it('refuses a device and a FIFO inside the folder without blocking', async () => {
    // A device node cannot be made without privileges; a FIFO can, and a
    // plain open() of one would wait for a writer forever.
    execFileSync('mkfifo', [path.join(dir, 'fifo.yaml')]);
    await expect(
      readSpecFile(location('./fifo.yaml'), mockServices.urlReader.mock(), {
        timeoutMs: 60_000,
      }),
    ).rejects.toThrow(none('./fifo.yaml'));
    fs.mkdirSync(path.join(dir, 'sub'));
    await expect(
      readSpecFile(location('./sub'), mockServices.urlReader.mock()),
    ).rejects.toThrow(none('./sub'));
  }, 5_000);

  it('counts the 1 MB while reading, not from the size the file claims', async () => {
    fs.writeFileSync(
      path.join(dir, 'handoff.yaml'),
      Buffer.alloc(MAX_SPEC_BYTES + 1, 'a'),
    );
    await expect(
      readSpecFile(location('./handoff.yaml'), mockServices.urlReader.mock()),
    ).rejects.toThrow(/is larger than 1 MB/);
  });
});

describe('readSpecFile through the URL reader', () => {
  it('reads url: specs as a stream, with a signal', async () => {
    const urlReader = mockServices.urlReader.mock({
      readUrl: jest.fn().mockResolvedValue({
        buffer: async () => Buffer.from('apiVersion: handoff.dev/v1alpha1\n'),
      }),
    });
    const target = 'https://github.com/acme/churn/blob/main/handoff.yaml';
    const text = await readSpecFile(
      { type: 'url', target, root: 'https://github.com/acme/churn/' },
      urlReader,
    );
    expect(text).toBe('apiVersion: handoff.dev/v1alpha1\n');
    expect(urlReader.readUrl).toHaveBeenCalledWith(target, {
      signal: expect.any(AbortSignal),
    });
  });

  describe('from a real HTTP server', () => {
    let server: http.Server;
    let base: string;
    const served = { bytes: 0 };
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        if (req.url === '/never') return; // never answers
        if (req.url === '/huge') {
          // Streams far more than 1 MB; the reader must stop early.
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          const chunk = Buffer.alloc(64 * 1024, 'a');
          const write = () => {
            while (served.bytes < 50 * MAX_SPEC_BYTES) {
              served.bytes += chunk.length;
              if (!res.write(chunk)) {
                res.once('drain', write);
                return;
              }
            }
            res.end();
          };
          res.on('close', () => {});
          write();
          return;
        }
        res.end('intent: ok\n');
      });
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
      base = `http://localhost:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    });
    const reader = () =>
      UrlReaders.default({
        config: new ConfigReader({
          backend: {
            reading: { allow: [{ host: new URL(base).host }] },
          },
        }),
        logger: mockServices.logger.mock(),
      });
    const at = (p: string) => ({
      type: 'url' as const,
      target: `${base}${p}`,
      root: `${base}/`,
    });

    it('reads a spec', async () => {
      await expect(readSpecFile(at('/ok'), reader())).resolves.toBe(
        'intent: ok\n',
      );
    });

    it('gives up on a host that never answers after the timeout', async () => {
      const started = Date.now();
      await expect(
        readSpecFile(at('/never'), reader(), { timeoutMs: 300 }),
      ).rejects.toThrow(/took longer than 0 s|took longer than/);
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('says the host did not answer when it hangs or refuses to connect, and not when it answers with an error', async () => {
      const hung = await readSpecFile(at('/never'), reader(), {
        timeoutMs: 300,
      }).catch(e => e);
      expect(hung).toBeInstanceOf(SpecHostUnavailableError);
      expect(hung.host).toBe(new URL(base).host);
      // A port nobody listens on.
      const closed = http.createServer();
      await new Promise<void>(r => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise(r => closed.close(r));
      const refused = await readSpecFile(
        {
          type: 'url',
          target: `http://localhost:${port}/x`,
          root: `http://localhost:${port}/`,
        },
        UrlReaders.default({
          config: new ConfigReader({
            backend: { reading: { allow: [{ host: `localhost:${port}` }] } },
          }),
          logger: mockServices.logger.mock(),
        }),
        { timeoutMs: 5_000 },
      ).catch(e => e);
      expect(refused).toBeInstanceOf(SpecHostUnavailableError);
      expect(refused.host).toBe(`localhost:${port}`);
      // Too big is the spec's fault, not the host's.
      const huge = await readSpecFile(at('/huge'), reader()).catch(e => e);
      expect(huge).not.toBeInstanceOf(SpecHostUnavailableError);
    });

    it('stops when the pass is cancelled', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await expect(
        readSpecFile(at('/never'), reader(), {
          signal: controller.signal,
          timeoutMs: 60_000,
        }),
      ).rejects.toThrow(/was cancelled/);
    });

    it('keeps nothing of a finished read while the pass goes on', async () => {
      // A pass reads tens of thousands of specs under one signal; each read's
      // timer and listeners must go when it ends, not when its timeout would
      // have fired. Seen through a finalizer on what the read was given.
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const pass = new AbortController();
      const released: string[] = [];
      const registry = new FinalizationRegistry<string>(held =>
        released.push(held),
      );
      const readOnce = async (n: number) => {
        const location = at('/ok');
        registry.register(location, `read ${n}`);
        await readSpecFile(location, reader(), {
          signal: pass.signal,
          timeoutMs: 60_000,
        });
      };
      for (let n = 0; n < 5; n++) await readOnce(n);
      for (let i = 0; i < 20 && released.length < 5; i++) {
        gc();
        await new Promise(r => setTimeout(r, 10));
      }
      expect(released.sort()).toEqual([0, 1, 2, 3, 4].map(n => `read ${n}`));
      expect(pass.signal.aborted).toBe(false);
    });

    it('stops downloading past 1 MB', async () => {
      await expect(readSpecFile(at('/huge'), reader())).rejects.toThrow(
        /is larger than 1 MB/,
      );
      expect(served.bytes).toBeLessThan(20 * MAX_SPEC_BYTES);
    });
  });
});
