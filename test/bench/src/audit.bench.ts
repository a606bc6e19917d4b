/*
 * The portfolio audit at the scale of a large company: 50,000 catalog
 * entities in a real catalog backend, on SQLite and on PostgreSQL.
 * Prints the figures and writes them to test-results/benchmarks/audit.json.
 *
 *   yarn bench:audit                      # 50,000 entities, both databases
 *   BENCH_ENTITIES=5000 BENCH_DATABASES=SQLITE_3 yarn bench:audit
 */
import { AuthService } from '@backstage/backend-plugin-api';
import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { portfolioQuerySchema } from '@handoff/backstage-plugin-handoff-common';
// The benchmark measures the plugin's internal parts directly.
import {
  DatabaseHandoffStore,
  DatabaseProjectionStore,
  EntityProjection,
  PortfolioAudit,
} from '@handoff/backstage-plugin-handoff-backend/testUtils';
import { Knex } from 'knex';
import { capability, capabilityState, organisation } from './generate';
import {
  Timing,
  measure,
  startCatalog,
  waitForCatalog,
  withPeakMemory,
  deferred,
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

const lowerRef = (e: Entity) =>
  stringifyEntityRef(e).toLocaleLowerCase('en-US');

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

/**
 * The same ownership question answered without the projection: page the
 * whole catalog (owners first), and look each page's review dates up.
 */
async function answerThroughCatalogApi(
  catalog: CatalogService,
  auth: AuthService,
  handoffKnex: Knex,
  now: Date,
) {
  const credentials = await auth.getOwnServiceCredentials();
  async function* pages(kind: string[], fields: string[]) {
    let cursor: string | undefined;
    do {
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit: 500, fields }
          : { filter: { kind }, limit: 500, fields },
        { credentials },
      );
      yield page.items;
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
  }
  const owners = new Set<string>();
  for await (const items of pages(
    ['group', 'user'],
    ['kind', 'metadata.name', 'metadata.namespace'],
  )) {
    for (const e of items) {
      owners.add(lowerRef(e));
    }
  }
  const found = new Set<string>();
  for await (const items of pages(
    ['component'],
    [
      'kind',
      'metadata.name',
      'metadata.namespace',
      'metadata.annotations',
      'relations',
    ],
  )) {
    const refs = items.map(lowerRef);
    items.forEach((e, i) => {
      const owner = e.relations?.find(r => r.type === RELATION_OWNED_BY);
      if (!owner || !owners.has(owner.targetRef)) found.add(refs[i]);
    });
    const overdue = await handoffKnex('handoff_capability_state')
      .whereIn('entity_ref', refs)
      .where('next_review_at', '<', now)
      .select('entity_ref', 'decided_stage');
    for (const row of overdue) {
      const entity = items[refs.indexOf(row.entity_ref)];
      const stage =
        row.decided_stage ??
        entity.metadata.annotations?.['handoff.dev/stage'] ??
        'proposed';
      if (stage !== 'stopped') found.add(row.entity_ref);
    }
  }
  return found.size;
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
  const database = mockServices.database({ knex });
  await DatabaseHandoffStore.create({ database });
  // Handoff state for every capability with a spec, as the store writes it.
  const states = [];
  for (let i = 0; i < ENTITIES; i++) {
    const state = capabilityState(i, now.getTime());
    if (state) states.push(state);
  }
  await knex.batchInsert('handoff_capability_state', states, 500);
  return {
    databaseId,
    knex,
    store: await DatabaseProjectionStore.create({ database }),
    results: { sync: {} as Record<string, unknown> } as Record<string, any>,
  };
}

it(`answers audit questions over ${ENTITIES} entities`, async () => {
  const now = new Date();
  const audits = [];
  for (const id of DATABASES) audits.push(await auditDatabase(id, now));
  // One real catalog (on the embedded database) serves both audit databases.
  const { backend, provider, catalog, auth } = await startCatalog(
    await databases.init(DATABASES[0]),
  );
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
      const added = [];
      for (let i = loaded; i < size; i++) added.push(deferred(capability(i)));
      if (loaded === 0) {
        added.push(...organisation().map(deferred));
        await provider.connection!.applyMutation({
          type: 'full',
          entities: added,
        });
      } else {
        await provider.connection!.applyMutation({
          type: 'delta',
          added,
          removed: [],
        });
      }
      const processingMs = await waitForCatalog(catalog, auth, size);
      loaded = size;
      log(
        `catalog holds ${size} components (+2,275 groups and users), processed in ${Math.round(
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

      // The same question through the catalog API; both must give the same answer.
      const question = pages['owner missing or review overdue, by next review'];
      const { totalCount } = await audit.page(question);
      const viaCatalog = await retryOnReset(() =>
        answerThroughCatalogApi(catalog, auth, knex, now),
      );
      expect(viaCatalog).toBe(totalCount);
      const catalogPath = await measure(CATALOG_RUNS, () =>
        retryOnReset(() => answerThroughCatalogApi(catalog, auth, knex, now)),
      );
      const auditPath = results.pages[Object.keys(pages)[0]] as Timing;
      results.catalogApiPath = { ...catalogPath, answer: viaCatalog };
      results.speedup = {
        p50: Math.round((catalogPath.p50 / auditPath.p50) * 10) / 10,
        p95: Math.round((catalogPath.p95 / auditPath.p95) * 10) / 10,
      };
      log(
        `  same question through the catalog API (${viaCatalog} entities): p50 ${catalogPath.p50} ms, p95 ${catalogPath.p95} ms; the audit answers ${results.speedup.p50}x faster at p50, ${results.speedup.p95}x at p95`,
      );
      allResults[databaseId] = results;
    }
  } finally {
    await backend.stop();
  }
});
