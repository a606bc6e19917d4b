/*
 * Paging GET /api/handoff/capabilities over a catalog of 100,000 entities:
 * a real catalog backend (on the embedded SQLite) with Handoff in the same
 * backend, called over HTTP as the frontend calls it. Walks every page with
 * the default page size and the largest, times the first page of a text
 * search, and records the heap. Prints the figures and writes
 * test-results/benchmarks/capabilities.json.
 *
 *   yarn bench:capabilities                         # 100,000 entities
 *   BENCH_ENTITIES=5000 yarn bench:capabilities
 */
import { TestDatabases, mockCredentials } from '@backstage/backend-test-utils';
import handoffPlugin from '@handoff/backstage-plugin-handoff-backend';
import request from 'supertest';
import { capability, organisation } from './generate';
import {
  Timing,
  measure,
  startCatalog,
  summarize,
  waitForCatalog,
  withPeakMemory,
  deferred,
  log,
  writeFigures,
} from './harness';

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Handoff's own passes wait a day: the benchmark measures paging alone. */
const idle = {
  frequency: { hours: 24 },
  timeout: { minutes: 10 },
  initialDelay: { hours: 24 },
};

it(`pages the capabilities of ${ENTITIES} entities`, async () => {
  const { backend, server, provider, catalog, auth } = await startCatalog(
    await databases.init('SQLITE_3'),
    {
      features: [handoffPlugin],
      databases: { handoff: await databases.init('SQLITE_3') },
      config: {
        handoff: {
          projection: { schedule: idle, changedSchedule: idle },
          reviews: { schedule: idle },
          specs: { schedule: idle, changedSchedule: idle },
        },
      },
    },
  );
  const get = async (query: Record<string, string | number>) => {
    const res = await request(server)
      .get('/api/handoff/capabilities')
      .query(query)
      .set('Authorization', mockCredentials.user.header());
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    return res.body as {
      items: { entityRef: string }[];
      totalItems: number;
      nextCursor?: string;
    };
  };
  const results: Record<string, unknown> = {};
  try {
    const entities = Array.from({ length: ENTITIES }, (_, i) => capability(i));
    const capabilities = entities.filter(
      e => e.metadata.annotations?.['handoff.dev/spec'],
    ).length;
    await provider.connection!.applyMutation({
      type: 'full',
      entities: [...entities, ...organisation()].map(deferred),
    });
    const processingMs = await waitForCatalog(catalog, auth, ENTITIES);
    log(
      `catalog holds ${ENTITIES} components, ${capabilities} of them capabilities (processed in ${Math.round(
        processingMs / 1000,
      )} s)`,
    );

    for (const limit of [100, 500]) {
      const times: number[] = [];
      const seen = new Set<string>();
      let cursor: string | undefined;
      let totalItems = 0;
      const run = await withPeakMemory(async () => {
        do {
          const start = process.hrtime.bigint();
          const page = await get(cursor ? { limit, cursor } : { limit });
          times.push(Number(process.hrtime.bigint() - start) / 1e6);
          page.items.forEach(item => seen.add(item.entityRef));
          totalItems = page.totalItems;
          cursor = page.nextCursor;
        } while (cursor);
      });
      // Every capability once, none twice, none missing.
      expect(seen.size).toBe(capabilities);
      expect(totalItems).toBe(capabilities);
      const tenth = Math.max(1, Math.floor(times.length / 10));
      const figures = {
        pages: times.length,
        seconds: Math.round(run.ms / 100) / 10,
        perPage: summarize(times),
        firstTenthOfPages: summarize(times.slice(0, tenth)),
        lastTenthOfPages: summarize(times.slice(-tenth)),
        peakHeapAboveStartMb: run.peakHeapAboveStartMb,
        retainedHeapAfterGcMb: run.retainedHeapAfterGcMb,
      };
      results[`walk${limit}`] = figures;
      log(
        `  every page of ${limit}: ${figures.pages} pages in ${figures.seconds} s; per page p50 ${figures.perPage.p50} ms, p95 ${figures.perPage.p95} ms (first tenth p50 ${figures.firstTenthOfPages.p50} ms, last tenth p50 ${figures.lastTenthOfPages.p50} ms); peak heap +${figures.peakHeapAboveStartMb} MB`,
      );
    }

    const firstPage: Timing = await measure(RUNS, () => get({}));
    results.firstPage = firstPage;
    log(`  first page: p50 ${firstPage.p50} ms, p95 ${firstPage.p95} ms`);
    // A capability about two fifths into the catalog, by its title.
    const term = entities
      .slice(Math.floor(ENTITIES * 0.42))
      .find(e => e.metadata.annotations?.['handoff.dev/spec'])!.metadata.title!;
    let found = 0;
    const search: Timing = await measure(RUNS, async () => {
      found = (await get({ q: term })).totalItems;
    });
    expect(found).toBeGreaterThan(0);
    results.textSearchFirstPage = { ...search, term, found };
    log(
      `  text search "${term}" (${found} found), first page: p50 ${search.p50} ms, p95 ${search.p95} ms`,
    );
  } finally {
    await backend.stop();
  }

  writeFigures('capabilities', {
    entities: ENTITIES,
    catalogDatabase: 'SQLITE_3',
    results,
  });
});
