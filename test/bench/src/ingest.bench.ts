/*
 * Spec ingestion at catalog scale: a real catalog backend with 50,000
 * components, 70% of them annotated with url: specs served by a local HTTP
 * server (reached through the real URL reader, allowed by
 * backend.reading.allow) that answers ETags and counts what it is asked.
 * Measures a first pass, an unchanged pass and a pass with 1% of the specs
 * changed (time, HTTP requests, conditional hits, database writes, peak
 * memory) on SQLite and PostgreSQL, and decision writes through HTTP.
 * Prints the figures and writes test-results/benchmarks/ingest.json.
 * After each pass it records the heap left once garbage is collected:
 * flat from pass to pass when a pass keeps nothing.
 *
 *   yarn bench:ingest                               # 50,000 entities
 *   BENCH_ENTITIES=5000 BENCH_DATABASES=SQLITE_3 yarn bench:ingest
 *   BENCH_UNCHANGED_PASSES=6                        # default 4
 *   BENCH_HEAP_SNAPSHOTS=/tmp/snaps                 # a heap snapshot after each pass
 */
import {
  TestDatabaseId,
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import handoffPlugin from '@handoff/backstage-plugin-handoff-backend';
import {
  DatabaseHandoffStore,
  DatabaseProjectionStore,
  EntityProjection,
  SpecIngester,
} from '@handoff/backstage-plugin-handoff-backend/testUtils';
import { createHash } from 'crypto';
import http from 'http';
import { Knex } from 'knex';
import { AddressInfo } from 'net';
import request from 'supertest';
import v8 from 'v8';
import { capability, organisation } from './generate';
import {
  Timing,
  measure,
  startCatalog,
  waitForCatalog,
  quietLogger,
  withPeakMemory,
  log,
  writeFigures,
} from './harness';

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 50_000);
const UNCHANGED_PASSES = Number(process.env.BENCH_UNCHANGED_PASSES ?? 4);
const SNAPSHOTS = process.env.BENCH_HEAP_SNAPSHOTS;
const WRITES = Number(process.env.BENCH_WRITES ?? 200);
const DATABASES = (process.env.BENCH_DATABASES ?? 'SQLITE_3,POSTGRES_15')
  .split(',')
  .map(s => s.trim()) as TestDatabaseId[];
const databases = TestDatabases.create({ ids: DATABASES });

const spec = (
  name: string,
  revision: number,
) => `apiVersion: handoff.dev/v1alpha1
kind: HandoffSpec
intent: { problem: ${name} revision ${revision} }
risk: { data: low, customerImpact: low, compliance: low, operationalDependency: low }
acceptanceCriteria: [It works]
`;

/** A git host stand-in: serves every spec with an ETag and counts requests. */
async function specServer() {
  const revisions = new Map<string, number>();
  const stats = { requests: 0, conditional: 0, notModified: 0, full: 0 };
  const server = http.createServer((req, res) => {
    stats.requests += 1;
    const name = (req.url ?? '').split('/')[1];
    const text = spec(name, revisions.get(name) ?? 0);
    const etag = `"${createHash('sha1').update(text).digest('hex')}"`;
    if (req.headers['if-none-match']) stats.conditional += 1;
    if (req.headers['if-none-match'] === etag) {
      stats.notModified += 1;
      res.writeHead(304, { etag }).end();
      return;
    }
    stats.full += 1;
    res.writeHead(200, { etag, 'content-type': 'text/yaml' }).end(text);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { server, port, revisions, stats };
}

/** Counts the statements that write to a database. */
function writeCounter(knex: Knex) {
  const counter = { writes: 0 };
  knex.on('query', (q: { sql: string }) => {
    if (
      !/^\s*(select|pragma|begin|commit|rollback|savepoint|release|analyze)/i.test(
        q.sql,
      )
    ) {
      counter.writes += 1;
    }
  });
  return counter;
}

const results: Record<string, unknown> = {};

afterAll(() => writeFigures('ingest', { entities: ENTITIES, results }));

it(`reads the specs of ${ENTITIES} entities incrementally`, async () => {
  const host = await specServer();
  const base = `http://127.0.0.1:${host.port}`;
  const located = (e: Entity): Entity => {
    const annotations = {
      ...e.metadata.annotations,
      'backstage.io/managed-by-location': `url:${base}/${e.metadata.name}/catalog-info.yaml`,
      'backstage.io/managed-by-origin-location': `url:${base}/${e.metadata.name}/catalog-info.yaml`,
    };
    return { ...e, metadata: { ...e.metadata, annotations } };
  };
  const { backend, provider, catalog, auth } = await startCatalog(
    await databases.init(DATABASES[0]),
  );
  const config = new ConfigReader({
    backend: { reading: { allow: [{ host: `127.0.0.1:${host.port}` }] } },
  });
  const urlReader = UrlReaders.default({
    config,
    logger: quietLogger,
  });
  try {
    const components = Array.from({ length: ENTITIES }, (_, i) =>
      located(capability(i)),
    );
    const annotated = components.filter(
      e => e.metadata.annotations?.['handoff.dev/spec'],
    );
    await provider.connection!.applyMutation({
      type: 'full',
      entities: [...components, ...organisation()].map(entity => ({
        entity,
        locationKey: 'bench',
      })),
    });
    const processingMs = await waitForCatalog(catalog, auth, ENTITIES);
    log(
      `catalog holds ${ENTITIES} components, ${
        annotated.length
      } with specs (processed in ${Math.round(processingMs / 1000)} s)`,
    );

    for (const databaseId of DATABASES) {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const store = await DatabaseHandoffStore.create({ database });
      const ingester = new SpecIngester({
        store,
        catalog,
        auth,
        urlReader,
        integrations: ScmIntegrations.fromConfig(config),
        logger: quietLogger,
        projection: new EntityProjection({
          catalog,
          auth,
          store: await DatabaseProjectionStore.create({ database }),
          logger: quietLogger,
        }),
        readTimeoutMs: 30_000,
      });
      const counter = writeCounter(knex);
      const pass = async (name: string) => {
        const before = { ...host.stats };
        counter.writes = 0;
        let totals: Record<string, number | boolean> = {};
        const run = await withPeakMemory(async () => {
          totals = await ingester.ingestAll();
        });
        const figures = {
          seconds: Math.round(run.ms / 100) / 10,
          totals,
          httpRequests: host.stats.requests - before.requests,
          conditionalRequests: host.stats.conditional - before.conditional,
          notModified: host.stats.notModified - before.notModified,
          fullReads: host.stats.full - before.full,
          databaseWrites: counter.writes,
          peakHeapAboveStartMb: run.peakHeapAboveStartMb,
          peakRssAboveStartMb: run.peakRssAboveStartMb,
          retainedHeapAfterGcMb: run.retainedHeapAfterGcMb,
          heapAfterGcMb: run.heapAfterGcMb,
        };
        heapAfterPasses.push(run.heapAfterGcMb);
        log(`  ${databaseId} ${name}: ${JSON.stringify(figures)}`);
        if (SNAPSHOTS) {
          const file = `${SNAPSHOTS}/${databaseId}-${heapAfterPasses.length}.heapsnapshot`;
          v8.writeHeapSnapshot(file);
          // Writing blocks for seconds; let idle keep-alive sockets close
          // before the next pass reuses them.
          await new Promise(r => setTimeout(r, 8000));
          log(`    heap snapshot ${file}`);
        }
        return figures;
      };
      const figures: Record<string, unknown> = {};
      const heapAfterPasses: number[] = [];
      figures.firstPass = await pass('first pass');
      figures.unchangedPass = await pass('unchanged pass');
      // More unchanged passes: the heap left after each, once garbage is
      // collected, shows whether a pass keeps anything (it must not grow).
      for (let i = 2; i <= UNCHANGED_PASSES; i++) {
        await pass(`unchanged pass ${i}`);
      }
      // 1% of the specs change at their source.
      const changed = annotated.filter((_, i) => i % 100 === 0);
      for (const e of changed) {
        host.revisions.set(
          e.metadata.name,
          (host.revisions.get(e.metadata.name) ?? 0) + 1,
        );
      }
      figures.onePercentChanged = await pass('1% changed');
      figures.changedSpecs = changed.length;
      figures.heapAfterGcMbByPass = heapAfterPasses;
      results[databaseId] = figures;
    }
  } finally {
    await backend.stop();
    host.server.close();
  }

  // Decision writes through HTTP, each on its own capability.
  for (const databaseId of DATABASES) {
    const entities = Array.from({ length: WRITES + 1 }, (_, i) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `write-${i}`,
        namespace: 'default',
        annotations: { 'handoff.dev/stage': 'pilot' },
      },
      spec: { owner: 'group:default/bench' },
    }));
    const { server } = await startTestBackend({
      features: [
        handoffPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.database.factory({
          knex: await databases.init(databaseId),
        }),
      ],
    });
    let next = 0;
    const timing: Timing = await measure(WRITES, async () => {
      const res = await request(server)
        .post(`/api/handoff/decisions/component/default/write-${next++}`)
        .set('Authorization', mockCredentials.user.header())
        .send({
          decision: 'reframe',
          rationale: 'benchmark',
          expectedSequence: 0,
        });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    });
    log(
      `  ${databaseId} decision write over HTTP: p50 ${timing.p50} ms, p95 ${timing.p95} ms (${WRITES} writes)`,
    );
    (results[databaseId] as Record<string, unknown>).decisionWrite = timing;
  }
});
