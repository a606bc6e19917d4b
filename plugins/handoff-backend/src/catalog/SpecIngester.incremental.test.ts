import { UrlReaderService } from '@backstage/backend-plugin-api';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { NotModifiedError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'fs';
import { Knex } from 'knex';
import os from 'os';
import path from 'path';
import { DatabaseHandoffStore } from '../database/DatabaseHandoffStore';
import { HandoffStore } from '../database/HandoffStore';
import { readySpec } from '../__testUtils__/fixtures';
import { HostCircuits } from './HostCircuits';
import { SpecIngester } from './SpecIngester';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** A git-hosted capability: its spec is read through the URL reader. */
const urlEntity = (name: string, etag = 'e1', host = 'github.com') => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    etag,
    annotations: {
      'backstage.io/managed-by-location': `url:https://${host}/acme/${name}/blob/main/catalog-info.yaml`,
      'handoff.dev/spec': './handoff.yaml',
    },
  },
  spec: { owner: 'group:default/data-science' },
});

/** A git host that answers ETags and counts what it is asked, optionally slowly. */
function gitHost(options: { delayMs?: number } = {}) {
  const files = new Map<string, string>();
  const stats = {
    requests: 0,
    conditional: 0,
    notModified: 0,
    maxInFlight: 0,
    urls: [] as string[],
  };
  let inFlight = 0;
  const etagOf = (text: string) => `"${text.length}-${text.slice(-8)}"`;
  const reader: UrlReaderService = {
    async readUrl(url: string, opts?: { etag?: string }) {
      stats.requests += 1;
      stats.urls.push(url);
      if (opts?.etag) stats.conditional += 1;
      inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      try {
        if (options.delayMs) {
          await new Promise(r => setTimeout(r, options.delayMs));
        }
        const text = files.get(url) ?? readySpec;
        if (opts?.etag === etagOf(text)) {
          stats.notModified += 1;
          throw new NotModifiedError();
        }
        return {
          buffer: async () => Buffer.from(text),
          etag: etagOf(text),
        };
      } finally {
        inFlight -= 1;
      }
    },
    readTree: jest.fn(),
    search: jest.fn(),
  } as unknown as UrlReaderService;
  return { reader, files, stats };
}

/** Counts the statements that write. */
function countWrites(knex: Knex) {
  const counter = { writes: 0 };
  knex.on('query', (q: { sql: string }) => {
    if (
      !/^\s*(select|pragma|begin|commit|rollback|savepoint|release)/i.test(
        q.sql,
      )
    ) {
      counter.writes += 1;
    }
  });
  return counter;
}

describe.each(databases.eachSupportedId())(
  'incremental spec reads on %s',
  databaseId => {
    let store: HandoffStore;
    let knex: Knex;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseHandoffStore.create({
        database: mockServices.database({ knex }),
      });
    });

    const ingester = (
      entities: any[],
      reader: UrlReaderService,
      extra: object = {},
    ) =>
      new SpecIngester({
        store,
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        urlReader: reader,
        integrations: ScmIntegrations.fromConfig(mockServices.rootConfig()),
        logger: mockServices.logger.mock(),
        ...extra,
      });

    it('asks the git host with the previous ETag and writes nothing for a spec that has not changed', async () => {
      const host = gitHost();
      const entities = ['a', 'b', 'c'].map(n => urlEntity(n));
      const pass = ingester(entities, host.reader);
      expect(await pass.ingestAll()).toMatchObject({ read: 3, created: 3 });
      expect(host.stats).toMatchObject({ requests: 3, conditional: 0 });

      const counter = countWrites(knex);
      expect(await pass.ingestAll()).toMatchObject({
        read: 3,
        notModified: 3,
        created: 0,
      });
      expect(host.stats).toMatchObject({
        requests: 6,
        conditional: 3,
        notModified: 3,
      });
      expect(counter.writes).toBe(0);

      // One spec changes at its source: only it is read in full and stored.
      host.files.set(
        'https://github.com/acme/b/tree/main/handoff.yaml',
        readySpec.replace('A forecast every Monday', 'A forecast every day'),
      );
      expect(await pass.ingestAll()).toMatchObject({
        notModified: 2,
        created: 1,
      });
      expect((await store.latestSpec('component:default/b'))?.version).toBe(2);
    });

    it('skips a file whose size and time have not changed, and reads it again when they have', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-stamp-'));
      try {
        const file = path.join(dir, 'handoff.yaml');
        fs.writeFileSync(file, readySpec);
        const entity = {
          ...urlEntity('local'),
          metadata: {
            ...urlEntity('local').metadata,
            annotations: {
              'backstage.io/managed-by-location': `file:${dir}/catalog-info.yaml`,
              'handoff.dev/spec': './handoff.yaml',
            },
          },
        };
        const pass = ingester([entity], gitHost().reader);
        expect(await pass.ingestAll()).toMatchObject({ created: 1 });
        const counter = countWrites(knex);
        expect(await pass.ingestAll()).toMatchObject({ notModified: 1 });
        expect(counter.writes).toBe(0);
        fs.writeFileSync(file, `${readySpec}# reviewed\n`);
        expect(await pass.ingestAll()).toMatchObject({ created: 1 });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reads a few specs at a time, and a host that never answers holds up nobody', async () => {
      const host = gitHost({ delayMs: 30 });
      const entities = Array.from({ length: 12 }, (_, i) =>
        urlEntity(`svc-${String(i).padStart(2, '0')}`),
      );
      await ingester(entities, host.reader, { concurrency: 3 }).ingestAll();
      expect(host.stats.maxInFlight).toBe(3);
      expect(host.stats.requests).toBe(12);

      // One host hangs for ever: its read times out, the others are read.
      const hanging: UrlReaderService = {
        ...host.reader,
        readUrl: (url, opts) =>
          url.includes('/svc-00/')
            ? new Promise(() => {})
            : host.reader.readUrl(url, opts),
      } as UrlReaderService;
      const fresh = await databases.init(databaseId);
      store = await DatabaseHandoffStore.create({
        database: mockServices.database({ knex: fresh }),
      });
      const started = Date.now();
      const totals = await ingester(entities, hanging, {
        readTimeoutMs: 300,
      }).ingestAll();
      expect(totals).toMatchObject({ read: 12, created: 11, unreadable: 1 });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(
        (await store.getReadStatus('component:default/svc-00'))?.readError,
      ).toBe('the host github.com did not answer');
      // The delta pass does not hammer the hanging host every interval: it
      // waits for the entity to change (the full pass retries on its schedule).
      expect(
        await ingester(entities, hanging, {
          readTimeoutMs: 300,
        }).ingestChanged(),
      ).toMatchObject({ read: 0 });
    });

    it('holds back a host that does not answer: a few reads wait for it, its other specs keep their last version, and the next pass asks it nothing', async () => {
      const host = gitHost();
      const entities = Array.from({ length: 40 }, (_, i) =>
        urlEntity(
          `svc-${i}`,
          'e1',
          i % 4 === 0 ? 'git.hanging.example' : 'github.com',
        ),
      );
      // A first pass while both hosts answer, so the spec has a last version.
      await ingester(entities, host.reader, { pageSize: 40 }).ingestAll();
      let askedHanging = 0;
      const hanging = {
        ...host.reader,
        readUrl: (url: string, opts: any) => {
          if (!url.includes('git.hanging.example')) {
            return host.reader.readUrl(url, opts);
          }
          askedHanging += 1;
          return new Promise(() => {});
        },
      } as UrlReaderService;
      const logger = mockServices.logger.mock();
      const hosts = new HostCircuits();
      const pass = ingester(entities, hanging, {
        readTimeoutMs: 300,
        pageSize: 40,
        logger,
        hosts,
      });
      const totals = await pass.ingestAll();
      expect(totals).toMatchObject({
        read: 40,
        notModified: 30,
        finished: true,
      });
      // Two reads in a row time out and the circuit opens; reads already
      // under way when it opened may still wait (at most the concurrency).
      expect(askedHanging).toBeGreaterThanOrEqual(2);
      expect(askedHanging).toBeLessThanOrEqual(2 + 3);
      expect(totals.unreadable).toBe(askedHanging);
      expect(totals.heldBack).toBe(10 - askedHanging);
      expect(hosts.states()).toEqual([
        expect.objectContaining({ host: 'git.hanging.example', state: 'open' }),
      ]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^The handoff spec host git\.hanging\.example did not answer: \d+ specs were not read this run and keep their last version; it is tried again after /,
        ),
      );
      // Every spec on it says since when it has not been read; its version stays.
      const today = new Date().toISOString().slice(0, 10);
      for (const i of [0, 36]) {
        const ref = `component:default/svc-${i}`;
        expect((await store.getReadStatus(ref))?.readError).toBe(
          `the host git.hanging.example did not answer; the version shown was read on ${today} and not since`,
        );
        expect(await store.latestSpec(ref)).toBeDefined();
      }
      // The next pass asks the held-back host nothing and writes nothing for it.
      const counter = countWrites(knex);
      const again = await pass.ingestAll();
      expect(again).toMatchObject({ heldBack: 10, notModified: 30 });
      expect(counter.writes).toBe(0);
      expect(askedHanging).toBeLessThanOrEqual(5);
    });

    it('picks up an entity whose catalog record changed without a full pass, and leaves the others alone', async () => {
      const host = gitHost();
      await ingester([urlEntity('a'), urlEntity('b')], host.reader).ingestAll();
      const before = host.stats.requests;
      // b's catalog record changed (a new etag), and c is new.
      const delta = ingester(
        [urlEntity('a'), urlEntity('b', 'e2'), urlEntity('c')],
        host.reader,
      );
      expect(await delta.ingestChanged()).toMatchObject({
        read: 2,
        created: 1,
      });
      expect(host.stats.requests - before).toBe(2);
      expect(
        (await store.getReadStatus('component:default/b'))?.entityEtag,
      ).toBe('e2');
      // Nothing changed since: the delta pass reads nothing.
      expect(await delta.ingestChanged()).toMatchObject({ read: 0 });
    });

    it('cuts a long pass into runs: a stopped run saves where it got to and the next run, on another replica, goes on from there', async () => {
      const host = gitHost();
      const entities = ['a', 'b', 'c', 'd', 'e'].map(n => urlEntity(n));
      // The first replica's task is stopped once its first page is read.
      const controller = new AbortController();
      const catalog = catalogServiceMock({ entities });
      const query = catalog.queryEntities.bind(catalog);
      let queries = 0;
      catalog.queryEntities = async (...args) => {
        const page = await query(...args);
        if (++queries === 2) controller.abort();
        return page;
      };
      const first = await ingester(entities, host.reader, {
        pageSize: 2,
        catalog,
      }).ingestAll(controller.signal);
      expect(first).toMatchObject({ read: 2, created: 2, finished: false });
      expect(await store.passProgress('spec-ingestion')).toBeDefined();

      const second = await ingester(entities, host.reader, {
        pageSize: 2,
      }).ingestAll();
      expect(second).toMatchObject({ read: 3, created: 3, finished: true });
      // Every spec read once across the two runs, and the pass is over.
      expect([...new Set(host.stats.urls)]).toHaveLength(5);
      expect(host.stats.requests).toBe(5);
      expect(await store.passProgress('spec-ingestion')).toBeUndefined();
      // The next pass starts from the top.
      expect(
        await ingester(entities, host.reader, { pageSize: 2 }).ingestAll(),
      ).toMatchObject({ read: 5, notModified: 5, finished: true });
    });

    it('pauses a run at its time budget after at least one spec, keeps its place within the page (the first page too), and starts over when the saved cursor is refused', async () => {
      const host = gitHost({ delayMs: 30 });
      const entities = ['a', 'b', 'c', 'd'].map(n => urlEntity(n));
      // One read at a time, so the first read (30 ms) always outlasts the
      // 1 ms budget; with several in flight, two could start in the same ms.
      const run = () =>
        ingester(entities, host.reader, {
          pageSize: 2,
          concurrency: 1,
        }).ingestAll(undefined, { budgetMs: 1 });
      const first = await run();
      expect(first).toMatchObject({ read: 1, finished: false });
      // Stopped on the first page: saved with no cursor and the spec it read.
      expect(await store.passProgress('spec-ingestion')).toMatchObject({
        cursor: undefined,
        done: ['component:default/a'],
      });
      const rest = [await run(), await run(), await run()];
      expect(rest.map(r => [r.read, r.finished])).toEqual([
        [1, false],
        [1, false],
        [1, true],
      ]);
      // Each spec read once, none again.
      expect(host.stats.requests).toBe(4);
      expect(new Set(host.stats.urls).size).toBe(4);

      await store.savePassProgress('spec-ingestion', {
        cursor: 'not-a-cursor',
        startedAt: new Date(),
      });
      const logger = mockServices.logger.mock();
      expect(
        await ingester(entities, host.reader, {
          pageSize: 10,
          logger,
        }).ingestAll(),
      ).toMatchObject({ read: 4, finished: true });
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/could not go on, starting over/),
      );
      expect(await store.passProgress('spec-ingestion')).toBeUndefined();
    });

    it('keeps the delta pass to its time budget; what it did not reach is read at the next run', async () => {
      const host = gitHost({ delayMs: 20 });
      const entities = Array.from({ length: 6 }, (_, i) => urlEntity(`n${i}`));
      const delta = ingester(entities, host.reader, { pageSize: 2 });
      const first = await delta.ingestChanged(undefined, { budgetMs: 1 });
      expect(first.finished).toBe(false);
      expect(first.read).toBeLessThan(6);
      let read = first.read;
      for (let run = 0; run < 6 && read < 6; run++) {
        read += (await delta.ingestChanged(undefined, { budgetMs: 1 })).read;
      }
      expect(read).toBe(6);
      expect(await delta.ingestChanged()).toMatchObject({
        read: 0,
        finished: true,
      });
    });
  },
);
