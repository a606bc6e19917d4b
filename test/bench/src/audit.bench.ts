/*
 * The portfolio audit at the scale of a large company: 50,000 catalog
 * entities in a real catalog backend, on SQLite and on PostgreSQL.
 * Prints the figures and writes them to test-results/benchmarks/audit.json.
 *
 *   yarn bench:audit                      # 50,000 entities, both databases
 *   BENCH_ENTITIES=5000 BENCH_DATABASES=SQLITE_3 yarn bench:audit
 */
import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { portfolioQuerySchema } from '@handoff/backstage-plugin-handoff-common';
// The benchmark measures the plugin's internal parts directly.
import {
  DatabaseProjectionStore,
  EntityProjection,
  PortfolioAudit,
} from '@handoff/backstage-plugin-handoff-backend/testUtils';
import { answerThroughCatalogApi, compareWithAudit } from './auditReference';
import { ORGANISATION_SIZE } from './generate';
import { growCatalog, seedAuditDatabase } from './portfolioSetup';
import {
  Timing,
  measure,
  startCatalog,
  withPeakMemory,
  log,
  writeFigures,
} from './harness';

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const CATALOG_RUNS = Number(process.env.BENCH_CATALOG_RUNS ?? 5);
const DATABASES = (process.env.BENCH_DATABASES ?? 'SQLITE_3,POSTGRES_15')
  .split(',')
  .map(s => s.trim()) as TestDatabaseId[];

const databases = TestDatabases.create({ ids: DATABASES });

/**
 * Runs `fn` again once when the catalog's HTTP connection was reset: the
 * client reuses keep-alive sockets the catalog may close between measurements.
 */
async function retryOnReset<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!/ECONNRESET|socket hang up/.test(String(error))) throw error;
    return await fn();
  }
}

const allResults: Record<string, unknown> = {};

afterAll(() =>
  writeFigures('audit', {
    entities: ENTITIES,
    runs: RUNS,
    catalogDatabase: DATABASES[0],
    results: allResults,
  }),
);

/** One audit database: the plugin's tables, its projection, and what was measured on it. */
async function auditDatabase(databaseId: TestDatabaseId, now: Date) {
  const knex = await databases.init(databaseId);
  return {
    databaseId,
    knex,
    store: await seedAuditDatabase(knex, ENTITIES, now),
    results: { sync: {} as Record<string, unknown> } as Record<string, any>,
  };
}

it(`answers audit questions over ${ENTITIES} entities`, async () => {
  const now = new Date();
  const audits = [];
  for (const id of DATABASES) audits.push(await auditDatabase(id, now));
  // One real catalog (on the embedded database) serves both audit databases.
  const started = await startCatalog(await databases.init(DATABASES[0]));
  const { backend, catalog, auth } = started;
  const projectionOf = (store: DatabaseProjectionStore) =>
    new EntityProjection({
      catalog,
      auth,
      store,
      logger: mockServices.logger.mock(),
    });
  try {
    // The catalog grows in three steps; a full sync after each shows whether memory grows with it.
    const sizes = [
      Math.round(ENTITIES / 5),
      Math.round(ENTITIES / 2),
      ENTITIES,
    ];
    let loaded = 0;
    for (const size of sizes) {
      const processingMs = await growCatalog(started, loaded, size);
      loaded = size;
      log(
        `catalog holds ${size} components (+${ORGANISATION_SIZE} groups and users), processed in ${Math.round(
          processingMs / 1000,
        )} s`,
      );
      for (const audit of audits) {
        const run = await withPeakMemory(() =>
          projectionOf(audit.store).syncAll(),
        );
        audit.results.sync[size] = run;
        log(
          `  ${audit.databaseId}: full sync ${run.ms} ms, peak heap +${run.peakHeapAboveStartMb} MB, rss +${run.peakRssAboveStartMb} MB`,
        );
      }
    }

    for (const { databaseId, knex, store, results } of audits) {
      log(`\n== ${databaseId}: ${ENTITIES} entities ==`);
      results.syncAtFullSize = await measure(3, () =>
        retryOnReset(() => projectionOf(store).syncAll()),
      );
      log(
        `  (d) full sync: p50 ${results.syncAtFullSize.p50} ms, p95 ${results.syncAtFullSize.p95} ms`,
      );
      const audit = new PortfolioAudit(knex, () => now);
      const q = (query: Record<string, string>) =>
        portfolioQuerySchema.parse(query);
      const pages = {
        'owner missing or review overdue, by next review': q({
          gap: 'owner-unresolved,overdue',
          sort: 'nextReview',
        }),
        'one department (with child groups), pilots, by risk': q({
          owner: 'group:default/dept-3',
          stage: 'pilot,readiness-review',
          sort: 'risk',
          order: 'desc',
        }),
        'invalid specs, page 20, by owner': q({
          spec: 'invalid',
          sort: 'owner',
          offset: '1000',
        }),
        'text search': q({ q: 'service 4242' }),
        'everything, first page': q({}),
      };
      results.pages = {} as Record<string, Timing>;
      for (const [name, query] of Object.entries(pages)) {
        results.pages[name] = await measure(RUNS, () => audit.page(query));
        log(
          `  (a) page "${name}": p50 ${results.pages[name].p50} ms, p95 ${results.pages[name].p95} ms`,
        );
      }
      results.worstPageP95 = Math.max(
        ...Object.values<Timing>(results.pages).map(t => t.p95),
      );
      log(`  (a) slowest filtered page p95: ${results.worstPageP95} ms`);
      results.facets = {
        oneDepartment: await measure(RUNS, () =>
          audit.facets({ owner: 'group:default/dept-3' }),
        ),
        wholeCatalog: await measure(RUNS, () => audit.facets({})),
      };
      log(
        `  (b) facets: one department p50 ${results.facets.oneDepartment.p50} ms, p95 ${results.facets.oneDepartment.p95} ms; whole catalog p50 ${results.facets.wholeCatalog.p50} ms, p95 ${results.facets.wholeCatalog.p95} ms`,
      );
      results.ownerRollup = await measure(RUNS, () => audit.owners({}));
      log(
        `  (c) per-owner roll-up: p50 ${results.ownerRollup.p50} ms, p95 ${results.ownerRollup.p95} ms`,
      );

      // The same question through the catalog API, in both scopes: both
      // must name the same entities.
      for (const scope of ['capabilities', 'all'] as const) {
        const comparison = await compareWithAudit(
          audit,
          await retryOnReset(() =>
            answerThroughCatalogApi(catalog, auth, knex, now, scope),
          ),
          scope,
          knex,
        );
        log(
          `  cross-check (${scope}): the audit counts ${comparison.auditCount}, the catalog API ${comparison.catalogCount}`,
        );
        expect(comparison).toMatchObject({ onlyCatalog: 0, onlyAudit: 0 });
      }
      const question = pages['owner missing or review overdue, by next review'];
      const { totalCount: viaAudit } = await audit.page(question);
      const catalogPath = await measure(CATALOG_RUNS, () =>
        retryOnReset(() => answerThroughCatalogApi(catalog, auth, knex, now)),
      );
      const auditPath = results.pages[Object.keys(pages)[0]] as Timing;
      results.catalogApiPath = { ...catalogPath, answer: viaAudit };
      results.speedup = {
        p50: Math.round((catalogPath.p50 / auditPath.p50) * 10) / 10,
        p95: Math.round((catalogPath.p95 / auditPath.p95) * 10) / 10,
      };
      log(
        `  same question through the catalog API (${viaAudit} entities): p50 ${catalogPath.p50} ms, p95 ${catalogPath.p95} ms; the audit answers ${results.speedup.p50}x faster at p50, ${results.speedup.p95}x at p95`,
      );
      allResults[databaseId] = results;
    }
  } finally {
    await backend.stop();
  }
});
