import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import {
  DEFAULT_GATE_POLICY,
  FlowCapability,
  FlowWindow,
  flowCapabilities,
  flowEvents,
  flowFigures,
  flowGroups,
  flowWeeks,
} from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { writePastTrails } from '../sampleData/pastTrails';
import { DatabaseHandoffStore } from './DatabaseHandoffStore';
import { FlowReport } from './FlowReport';
import { fillFlowEvents, readFlowHistories } from './flowEvents';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const DAY = 24 * 60 * 60 * 1000;
const sla = DEFAULT_GATE_POLICY.sla;
const noTitles = async () => new Map<string, string>();
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');
const sorted = (items: FlowCapability[]) =>
  [...items].sort((a, b) => (lower(a.entityRef) < lower(b.entityRef) ? -1 : 1));

/** Every page of a window's capabilities (behind one tile, if given). */
async function allCapabilities(
  report: FlowReport,
  window: FlowWindow,
  behind?: 'sla' | 'operating' | 'reviews' | 'waiting',
) {
  const items: FlowCapability[] = [];
  for (let offset = 0; ; offset += 70) {
    const page = await report.capabilities(window, undefined, {
      behind,
      offset,
      limit: 70,
    });
    items.push(...page.items);
    if (page.items.length < 70) return { items, total: page.total };
  }
}

/** The SQL count of the stored facts against the in-memory count of the raw trail. */
async function expectSameFigures(knex: Knex, now: Date) {
  const report = new FlowReport(knex, sla);
  const histories = await readFlowHistories(knex);
  for (const days of [30, 90, 365]) {
    const window = { from: new Date(now.getTime() - days * DAY), to: now, now };
    const withSla = { ...window, sla };
    const counted = await report.figures(window, undefined, noTitles);
    expect(counted.current).toEqual(flowFigures(histories, withSla));
    expect(counted.previous).toEqual(
      flowFigures(histories, {
        ...withSla,
        from: new Date(window.from.getTime() - days * DAY),
        to: window.from,
      }),
    );
    expect(counted.weeks).toEqual(flowWeeks(histories, withSla));
    expect(counted.groups).toEqual(
      flowGroups(histories, withSla, () => undefined),
    );
    const expected = flowCapabilities(histories, withSla);
    const all = await allCapabilities(report, window);
    expect(all.total).toBe(expected.length);
    expect(sorted(all.items)).toEqual(sorted(expected));
    const tiles = {
      sla: (c: FlowCapability) => c.handoffsWithSla > 0,
      operating: (c: FlowCapability) => c.daysToOperating !== undefined,
      reviews: (c: FlowCapability) => c.reviewsDue > 0,
      waiting: (c: FlowCapability) => c.waitingForAcceptance,
    };
    for (const [behind, isBehind] of Object.entries(tiles)) {
      const page = await allCapabilities(report, window, behind as any);
      expect(sorted(page.items)).toEqual(sorted(expected.filter(isBehind)));
    }
  }
}

describe.each(databases.eachSupportedId())('FlowReport on %s', databaseId => {
  it('counts in SQL exactly what flowFigures counts from the raw trail', async () => {
    const knex = await databases.init(databaseId);
    await DatabaseHandoffStore.migrate(knex);
    const now = new Date();
    const { decisions } = await writePastTrails(knex, {
      capabilities: 400,
      now,
      years: 2,
      seed: 28,
    });
    expect(decisions).toBeGreaterThan(2000);
    expect(await fillFlowEvents(knex)).toBeGreaterThan(300);
    // Filled once: a second start finds the facts there.
    expect(await fillFlowEvents(knex)).toBe(0);
    await expectSameFigures(knex, now);
    // The made-up year has every kind of figure to compare.
    const { current } = await new FlowReport(knex, sla).figures(
      { from: new Date(now.getTime() - 365 * DAY), to: now, now },
      undefined,
      noTitles,
    );
    for (const n of [
      current.reviews.onTime,
      current.reviews.late,
      current.reviews.notYet,
      current.handoffTurnaround.count,
      current.handoffTurnaround.waiting,
      current.slas.handoffAcceptance.count -
        current.slas.handoffAcceptance.withinSla,
      current.slas.readinessReview.count,
      current.exceptions.withException,
      current.reversals,
      current.work.onTime,
      current.work.late,
      current.work.open,
      current.leadTime.fromPilot.count,
    ]) {
      expect(n).toBeGreaterThan(0);
    }
  });

  it('fills each fact once when two replicas start on the same trails', async () => {
    const knex = await databases.init(databaseId);
    await DatabaseHandoffStore.migrate(knex);
    const now = new Date();
    await writePastTrails(knex, { capabilities: 300, now, seed: 3 });
    const histories = await readFlowHistories(knex);
    // Both find the table empty and fill it, in small batches that overlap.
    await Promise.all([fillFlowEvents(knex, 20), fillFlowEvents(knex, 20)]);
    const [{ facts }] = await knex('handoff_flow_events').count({
      facts: '*',
    });
    expect(Number(facts)).toBe(
      histories.reduce((n, h) => n + flowEvents(h).length, 0),
    );
    await expectSameFigures(knex, now);
  });

  it('keeps the facts with every write to a trail, also from writers at once', async () => {
    const knex = await databases.init(databaseId);
    const store = await DatabaseHandoffStore.create({
      database: mockServices.database({ knex }),
    });
    const refs = ['component:default/one', 'component:default/Two'];
    const base = { actor: 'user:default/ada', rationale: 'ready' };
    // Several capabilities decided at once, each a pilot, a review and a
    // hand-off; one of them accepted.
    await Promise.all(
      [...refs, 'component:default/three'].map(async entityRef => {
        await store.appendDecision({
          ...base,
          entityRef,
          decision: 'start-pilot',
          fromStage: 'proposed',
          toStage: 'pilot',
          expectedSequence: 0,
        });
        await store.appendDecision({
          ...base,
          entityRef,
          decision: 'start-review',
          fromStage: 'pilot',
          toStage: 'readiness-review',
          expectedSequence: 1,
        });
        await store.appendDecision({
          ...base,
          entityRef,
          decision: 'hand-off',
          fromStage: 'readiness-review',
          toStage: 'handed-off',
          expectedSequence: 2,
          transferTo: 'group:default/sre',
          exceptionJustification: 'the load test runs next week',
          nextReviewAt: new Date(Date.now() + 30 * DAY).toISOString(),
        });
      }),
    );
    // Two writers of one capability at once: one wins, the other is stale.
    const racing = await Promise.allSettled(
      ['harden', 'operate'].map(decision =>
        store.appendDecision({
          ...base,
          entityRef: refs[0],
          decision,
          fromStage: 'handed-off',
          toStage: decision === 'harden' ? 'hardening' : 'operating',
          expectedSequence: 3,
        }),
      ),
    );
    expect(
      racing.map(r => r.status === 'fulfilled' && r.value !== false),
    ).toContain(false);
    expect(
      racing.filter(r => r.status === 'fulfilled' && r.value),
    ).toHaveLength(1);
    expect(
      await store.acceptTransfer(refs[1], 3, 'user:default/sam'),
    ).toMatchObject({ status: 'accepted' });
    await expectSameFigures(knex, new Date(Date.now() + 1000));
    const report = new FlowReport(knex, sla);
    const now = new Date(Date.now() + 1000);
    const { current } = await report.figures(
      { from: new Date(now.getTime() - 30 * DAY), to: now, now },
      undefined,
      noTitles,
    );
    expect(current.exceptions.withException).toBe(3);
    expect(current.handoffTurnaround).toMatchObject({ count: 1, waiting: 2 });
  });
});
