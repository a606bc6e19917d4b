/*
 * Flow at the scale of a large company: 50,000 capabilities with about
 * 500,000 decisions over three years, on SQLite and on PostgreSQL. Each
 * question the Flow view asks is timed as the backend answers it (counted in
 * SQL from the stored facts), beside the same figures recomputed from the
 * raw trail in memory, which must agree. Prints the figures and writes them
 * to test-results/benchmarks/flow.json.
 *
 *   yarn bench:flow                                  # 50,000, both databases
 *   BENCH_CAPABILITIES=5000 BENCH_DATABASES=SQLITE_3 yarn bench:flow
 */
import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  DEFAULT_GATE_POLICY,
  FlowWindow,
  PortfolioFilter,
  flowCapabilities,
  flowFigures,
  flowGroups,
  flowWeeks,
} from '@handoff/backstage-plugin-handoff-common';
// The benchmark measures the plugin's internal parts directly.
import {
  DatabaseHandoffStore,
  DatabaseProjectionStore,
  FlowReport,
  PortfolioAudit,
  fillFlowEvents,
  readFlowHistories,
  writePastTrails,
} from '@handoff/backstage-plugin-handoff-backend/testUtils';
import { Knex } from 'knex';
import { Timing, log, measure, writeFigures } from './harness';

const CAPABILITIES = Number(process.env.BENCH_CAPABILITIES ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const RAW_RUNS = Number(process.env.BENCH_RAW_RUNS ?? 2);
const DATABASES = (process.env.BENCH_DATABASES ?? 'SQLITE_3,POSTGRES_15')
  .split(',')
  .map(s => s.trim()) as TestDatabaseId[];
const DAY = 24 * 60 * 60 * 1000;
const TEAMS = 250;
const sla = DEFAULT_GATE_POLICY.sla;

const databases = TestDatabases.create({ ids: DATABASES });
const allResults: Record<string, unknown> = {};

afterAll(() =>
  writeFigures('flow', {
    capabilities: CAPABILITIES,
    runs: RUNS,
    rawRuns: RAW_RUNS,
    results: allResults,
  }),
);

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** The catalog's view of the capabilities: 250 teams in 25 departments. */
async function projectCatalog(knex: Knex, refs: string[], now: Date) {
  const projection = await DatabaseProjectionStore.create({
    database: mockServices.database({ knex, migrations: { skip: true } }),
  });
  const groups = Array.from({ length: TEAMS }, (_, i) => ({
    entityRef: `group:default/team-${i}`,
    kind: 'group',
    title: `Team ${i}`,
    parentRef: `group:default/department-${i % 25}`,
  }));
  const departments = Array.from({ length: 25 }, (_, i) => ({
    entityRef: `group:default/department-${i}`,
    kind: 'group',
  }));
  await projection.upsert([...departments, ...groups], now);
  for (let i = 0; i < refs.length; i += 1000) {
    await projection.upsert(
      refs.slice(i, i + 1000).map((entityRef, j) => ({
        entityRef: entityRef.toLocaleLowerCase('en-US'),
        kind: 'component',
        title: `Capability ${i + j}`,
        // Teams of unequal size: the first teams own the most.
        ownerRef: `group:default/team-${Math.floor(
          TEAMS * Math.pow((i + j) / refs.length, 2),
        )}`,
        specLocation: './handoff.yaml',
      })),
      now,
    );
  }
}

it(`answers Flow over ${CAPABILITIES} capabilities`, async () => {
  for (const databaseId of DATABASES) {
    const knex = await databases.init(databaseId);
    await DatabaseHandoffStore.migrate(knex);
    const now = new Date();
    const results: Record<string, any> = {};
    allResults[databaseId] = results;

    let started = Date.now();
    const { decisions, refs } = await writePastTrails(knex, {
      capabilities: CAPABILITIES,
      now,
      years: 3,
    });
    await projectCatalog(knex, refs, now);
    results.decisions = decisions;
    log(
      `${databaseId}: ${CAPABILITIES} capabilities, ${decisions} decisions written in ${seconds(
        Date.now() - started,
      )} s`,
    );

    // An upgrade's one-time fill of the stored facts from every trail.
    started = Date.now();
    await fillFlowEvents(knex);
    const [{ facts }] = await knex('handoff_flow_events').count({
      facts: '*',
    });
    results.fill = {
      seconds: seconds(Date.now() - started),
      facts: Number(facts),
    };
    log(`  facts filled: ${facts} in ${results.fill.seconds} s`);

    const report = new FlowReport(knex, sla);
    const portfolio = new PortfolioAudit(knex, () => now);
    const titles = (r: string[]) => portfolio.titles(r);
    const windowOf = (days: number): FlowWindow => ({
      from: new Date(now.getTime() - days * DAY),
      to: now,
      now,
    });
    const scopeOf = async (filter: PortfolioFilter) =>
      (await portfolio.selection(filter))?.refs;
    const questions: Array<[string, () => Promise<unknown>]> = [];
    for (const days of [30, 90, 365]) {
      questions.push([
        `GET /flow?days=${days}`,
        async () => report.figures(windowOf(days), undefined, titles),
      ]);
    }
    questions.push(
      [
        'GET /flow?days=90&risk=high',
        async () =>
          report.figures(
            windowOf(90),
            await scopeOf({ risk: ['high'] }),
            titles,
          ),
      ],
      [
        'GET /flow?days=90&owner=department-0 (and its teams)',
        async () =>
          report.figures(
            windowOf(90),
            await scopeOf({ owner: 'group:default/department-0' }),
            titles,
          ),
      ],
      [
        'GET /flow/capabilities?days=90 (first page of 20)',
        async () =>
          report.capabilities(windowOf(90), undefined, {
            offset: 0,
            limit: 20,
          }),
      ],
      [
        'GET /flow/capabilities?days=365&behind=operating (page 10)',
        async () =>
          report.capabilities(windowOf(365), undefined, {
            behind: 'operating',
            offset: 180,
            limit: 20,
          }),
      ],
    );
    // The process's memory as the questions are asked: the SQL count keeps
    // nothing per capability; the raw recompute holds every trail at once.
    const memory: Record<string, { heapUsedMb: number; rssMb: number }> = {};
    const snapshot = (name: string) => {
      const { heapUsed, rss } = process.memoryUsage();
      memory[name] = { heapUsedMb: mb(heapUsed), rssMb: mb(rss) };
    };
    snapshot('before');
    const timings: Record<string, Timing> = {};
    for (const [name, ask] of questions) {
      timings[name] = await measure(RUNS, ask);
      log(
        `  ${name}: p50 ${timings[name].p50} ms, p95 ${timings[name].p95} ms`,
      );
    }
    snapshot('after the SQL counts');
    results.sql = { timings };
    results.memory = memory;

    // The same figures from the raw trail, in memory: read every trail and
    // count it, as GET /flow did before the facts were stored.
    const raw: Record<string, Timing> = {};
    if (RAW_RUNS === 0) continue;
    let agreed = 0;
    {
      for (const days of [30, 90, 365]) {
        const window = { ...windowOf(days), sla };
        raw[`GET /flow?days=${days}`] = await measure(RAW_RUNS, async () => {
          const histories = await readFlowHistories(knex);
          return {
            current: flowFigures(histories, window),
            previous: flowFigures(histories, {
              ...window,
              from: new Date(window.from.getTime() - days * DAY),
              to: window.from,
            }),
            weeks: flowWeeks(histories, window),
            groups: flowGroups(histories, window, () => undefined).filter(
              g => g.by === 'tier',
            ),
            capabilities: flowCapabilities(histories, window).length,
          };
        });
        // They must agree: the stored facts are the trail's.
        const histories = await readFlowHistories(knex);
        const counted = await report.figures(windowOf(days), undefined, titles);
        expect(counted.current).toEqual(flowFigures(histories, window));
        expect(counted.weeks).toEqual(flowWeeks(histories, window));
        agreed += 1;
        log(
          `  raw recompute, days=${days}: p50 ${
            raw[`GET /flow?days=${days}`].p50
          } ms (${Math.round(
            raw[`GET /flow?days=${days}`].p50 /
              timings[`GET /flow?days=${days}`].p50,
          )}× the stored facts)`,
        );
      }
    }
    snapshot('after the raw recompute');
    expect(agreed).toBe(3);
    results.raw = { timings: raw };
    log(`  memory (heap used, RSS): ${JSON.stringify(memory)}`);
  }
});
