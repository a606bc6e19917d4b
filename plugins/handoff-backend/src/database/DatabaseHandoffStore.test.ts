import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { DatabaseHandoffStore } from './DatabaseHandoffStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'DatabaseHandoffStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseHandoffStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      return { knex, store };
    }

    const base = {
      entityRef: 'component:default/churn-model',
      actor: 'user:default/ada',
      rationale: 'Pilot met its success criteria',
    };

    it('appends decisions in sequence and reads the latest', async () => {
      const { store } = await createStore();
      expect(await store.latestDecision(base.entityRef)).toBeUndefined();

      const first = await store.appendDecision({
        ...base,
        decision: 'start-review',
        fromStage: 'pilot',
        toStage: 'readiness-review',
        expectedSequence: 0,
        nextReviewAt: '2027-01-01T00:00:00.000Z',
      });
      expect(first).toMatchObject({ sequence: 1, toStage: 'readiness-review' });

      const second = await store.appendDecision({
        ...base,
        decision: 'harden',
        fromStage: 'readiness-review',
        toStage: 'hardening',
        expectedSequence: 1,
      });
      expect(second).toMatchObject({ sequence: 2 });

      const latest = await store.latestDecision(base.entityRef);
      expect(latest).toMatchObject({
        sequence: 2,
        decision: 'harden',
        fromStage: 'readiness-review',
        toStage: 'hardening',
        actor: 'user:default/ada',
      });
      expect(new Date(latest!.createdAt).getTime()).not.toBeNaN();
      expect(
        (await store.listDecisions(base.entityRef)).map(d => d.sequence),
      ).toEqual([1, 2]);
      const first2 = (await store.listDecisions(base.entityRef))[0];
      expect(first2.nextReviewAt).toBe('2027-01-01T00:00:00.000Z');
    });

    it('refuses a decision made against a stale sequence and writes nothing', async () => {
      const { store } = await createStore();
      await store.appendDecision({
        ...base,
        decision: 'start-review',
        toStage: 'readiness-review',
        expectedSequence: 0,
      });
      const stale = await store.appendDecision({
        ...base,
        decision: 'stop',
        toStage: 'stopped',
        expectedSequence: 0,
      });
      expect(stale).toBe(false);
      expect(await store.listDecisions(base.entityRef)).toHaveLength(1);
    });

    it('lets exactly one of several concurrent decisions win', async () => {
      const { store } = await createStore();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.appendDecision({
            ...base,
            decision: 'stop',
            toStage: 'stopped',
            rationale: `writer ${i}`,
            expectedSequence: 0,
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.listDecisions(base.entityRef)).toHaveLength(1);
    });

    it('reads the latest decision of many entities at once', async () => {
      const { store } = await createStore();
      await store.appendDecision({
        ...base,
        decision: 'start-review',
        toStage: 'readiness-review',
        expectedSequence: 0,
      });
      await store.appendDecision({
        ...base,
        decision: 'harden',
        toStage: 'hardening',
        expectedSequence: 1,
      });
      await store.appendDecision({
        ...base,
        entityRef: 'component:default/other',
        decision: 'stop',
        toStage: 'stopped',
        expectedSequence: 0,
      });
      const latest = await store.latestDecisions([
        base.entityRef,
        'component:default/other',
        'component:default/none',
      ]);
      expect(latest.get(base.entityRef)?.toStage).toBe('hardening');
      expect(latest.get('component:default/other')?.toStage).toBe('stopped');
      expect(latest.has('component:default/none')).toBe(false);
    });

    it('migrates down and up again', async () => {
      const { knex } = await createStore();
      await knex.migrate.rollback(
        { directory: require('path').resolve(__dirname, '../../migrations') },
        true,
      );
      expect(await knex.schema.hasTable('handoff_decisions')).toBe(false);
      await DatabaseHandoffStore.migrate(knex);
      expect(await knex.schema.hasTable('handoff_decisions')).toBe(true);
    });

    it('carries data across the reminder-lease migration, down and up', async () => {
      const { knex, store } = await createStore();
      const directory = require('path').resolve(__dirname, '../../migrations');
      const decision = await store.appendDecision({
        ...base,
        decision: 'start-review',
        toStage: 'readiness-review',
        nextReviewAt: '2026-11-01T00:00:00.000Z',
        expectedSequence: 0,
      });
      expect(decision).not.toBe(false);
      const due = new Date('2026-11-01T00:00:00.000Z');
      // Down to before the lease migration: reminders as they were stored
      // before leases.
      const downToBeforeLeases = async () => {
        while (
          await knex.schema.hasColumn('handoff_review_reminders', 'delivered')
        ) {
          await knex.migrate.down({ directory });
        }
      };
      await downToBeforeLeases();
      expect(
        await knex.schema.hasColumn('handoff_review_reminders', 'delivered'),
      ).toBe(false);
      await knex('handoff_review_reminders').insert({
        entity_ref: base.entityRef,
        due_at: due,
        sent_at: new Date('2026-11-02T00:00:00.000Z'),
      });
      await DatabaseHandoffStore.migrate(knex);
      // A reminder sent before the upgrade counts as delivered: not sent again.
      const [row] = await knex('handoff_review_reminders').select();
      expect(Boolean(row.delivered)).toBe(true);
      expect(
        await store.claimReminder(base.entityRef, due, {
          claimId: 'after-upgrade',
          now: new Date('2026-11-25T00:00:00.000Z'),
          leaseMs: 60_000,
        }),
      ).toBe(false);
      // Decisions survived both directions.
      expect((await store.latestDecision(base.entityRef))?.toStage).toBe(
        'readiness-review',
      );
      // Down again: delivered reminders stay, open claims go.
      await store.claimReminder('component:default/other', due, {
        claimId: 'open',
        now: new Date('2026-11-25T00:00:00.000Z'),
        leaseMs: 60_000,
      });
      await downToBeforeLeases();
      expect(
        (await knex('handoff_review_reminders').select('entity_ref')).map(
          (r: { entity_ref: string }) => r.entity_ref,
        ),
      ).toEqual([base.entityRef]);
    });
  },
);
