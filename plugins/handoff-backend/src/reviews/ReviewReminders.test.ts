import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory from 'knex';
import { DatabaseHandoffStore } from '../database/DatabaseHandoffStore';
import { HandoffStore } from '../database/HandoffStore';
import { DatabaseProjectionStore } from '../database/ProjectionStore';
import { ReviewReminders } from './ReviewReminders';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const catalog = catalogServiceMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'churn-model',
        namespace: 'default',
        title: 'Churn model',
      },
      spec: { owner: 'group:default/data-science' },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/data-science' }],
    },
  ],
});

describe.each(databases.eachSupportedId())(
  'review reminders on %s',
  databaseId => {
    async function seed() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseHandoffStore.create({
        database: mockServices.database({ knex }),
      });
      await store.appendDecision({
        entityRef: 'component:default/churn-model',
        decision: 'start-review',
        toStage: 'readiness-review',
        actor: 'user:default/ada',
        rationale: 'r',
        nextReviewAt: '2026-11-01T00:00:00.000Z',
        expectedSequence: 0,
      });
      await store.appendDecision({
        entityRef: 'component:default/stopped',
        decision: 'stop',
        toStage: 'stopped',
        actor: 'user:default/ada',
        rationale: 'r',
        nextReviewAt: '2026-11-01T00:00:00.000Z',
        expectedSequence: 0,
      });
      return { knex, store };
    }

    const remindersWith = (store: HandoffStore, send: jest.Mock) =>
      new ReviewReminders({
        store,
        catalog,
        auth: mockServices.auth(),
        notifications: { send },
        logger: mockServices.logger.mock(),
      });

    it('stops a sweep the scheduler stopped; the next sweep sends what it did not', async () => {
      const { store } = await seed();
      const send = jest.fn();
      const reminders = remindersWith(store, send);
      const stopped = new AbortController();
      stopped.abort();
      const now = new Date('2026-11-25T00:00:00Z');
      expect(await reminders.sendDue(now, stopped.signal)).toBe(0);
      expect(send).not.toHaveBeenCalled();
      expect(await reminders.sendDue(now)).toBe(1);
    });

    it('keeps a sweep to its time budget and says the rest is left for the next run', async () => {
      const { store } = await seed();
      await store.appendDecision({
        entityRef: 'component:default/second',
        decision: 'start-review',
        toStage: 'readiness-review',
        actor: 'user:default/ada',
        rationale: 'r',
        nextReviewAt: '2026-11-01T00:00:00.000Z',
        expectedSequence: 0,
      });
      const send = jest.fn(() => new Promise(r => setTimeout(r, 20)));
      const reminders = remindersWith(store, send as jest.Mock);
      const now = new Date('2026-11-25T00:00:00Z');
      expect(await reminders.sweep({ now, budgetMs: 1 })).toEqual({
        sent: 1,
        finished: false,
      });
      expect(await reminders.sweep({ now, budgetMs: 1 })).toEqual({
        sent: 1,
        finished: true,
      });
      expect(send).toHaveBeenCalledTimes(2);
    });

    it('tells the owner once per review period, not every run', async () => {
      const { store, knex } = await seed();
      const send = jest.fn();
      const reminders = remindersWith(store, send);
      expect(await reminders.sendDue(new Date('2026-10-31T00:00:00Z'))).toBe(0);
      expect(await reminders.sendDue(new Date('2026-11-25T00:00:00Z'))).toBe(1);
      // A review reminded already is skipped by a query: the sweep writes
      // nothing (no insert that a unique key refuses, no error in the log).
      const statements: string[] = [];
      knex.on('query', (q: { sql: string }) => statements.push(q.sql));
      expect(await reminders.sendDue(new Date('2026-11-26T00:00:00Z'))).toBe(0);
      expect(
        statements.filter(sql => /^\s*(insert|update|delete)/i.test(sql)),
      ).toEqual([]);
      expect(send).toHaveBeenCalledTimes(1);
      expect(send.mock.calls[0][0]).toMatchObject({
        recipients: { type: 'entity', entityRef: 'group:default/data-science' },
        payload: {
          title: 'Review overdue: Churn model',
          description: expect.stringContaining(
            'due on 2026-11-01, 24 days ago',
          ),
          link: '/catalog/default/component/churn-model/handoff',
          severity: 'high',
        },
      });

      // A new decision sets a new review date: that period is reminded again once.
      await store.appendDecision({
        entityRef: 'component:default/churn-model',
        decision: 'harden',
        toStage: 'hardening',
        actor: 'user:default/ada',
        rationale: 'r',
        nextReviewAt: '2026-12-01T00:00:00.000Z',
        expectedSequence: 1,
      });
      expect(await reminders.sendDue(new Date('2026-11-27T00:00:00Z'))).toBe(0);
      expect(await reminders.sendDue(new Date('2026-12-02T00:00:00Z'))).toBe(1);
    });

    it('stops reminding an operating capability once its owner records a review', async () => {
      const { store } = await seed();
      const send = jest.fn();
      const reminders = remindersWith(store, send);
      await store.appendDecision({
        entityRef: 'component:default/churn-model',
        decision: 'operate',
        fromStage: 'readiness-review',
        toStage: 'operating',
        actor: 'user:default/alan',
        rationale: 'We run it',
        // Moving on keeps the passed date (WorkflowService carries it).
        nextReviewAt: '2026-11-01T00:00:00.000Z',
        expectedSequence: 1,
      });
      expect(await reminders.sendDue(new Date('2026-11-20T00:00:00Z'))).toBe(1);
      await store.appendDecision({
        entityRef: 'component:default/churn-model',
        decision: 'review',
        fromStage: 'operating',
        toStage: 'operating',
        actor: 'user:default/alan',
        rationale: 'Quarterly review',
        nextReviewAt: '2027-02-01T00:00:00.000Z',
        readout: {
          usage: { link: 'https://grafana.example.com/d/churn' },
          friction: 'none',
          incidents: 'none',
          ownerConfirmed: true,
          nextChange: 'Reason codes',
        },
        expectedSequence: 2,
      });
      for (const day of ['2026-11-21', '2026-12-15', '2027-01-31']) {
        expect(await reminders.sendDue(new Date(`${day}T00:00:00Z`))).toBe(0);
      }
      expect(send).toHaveBeenCalledTimes(1);
      // The readout is kept with the decision.
      expect(
        (await store.latestDecision('component:default/churn-model'))?.readout,
      ).toMatchObject({ nextChange: 'Reason codes' });
    });

    it('reminds a capability nobody decided on one cadence after its spec was first seen', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseHandoffStore.create({
        database: mockServices.database({ knex }),
      });
      await store.recordSpec(
        {
          entityRef: 'component:default/churn-model',
          content: 'v1',
          contentHash: 'h1',
          document: {
            risk: {
              data: 'medium',
              customerImpact: 'low',
              compliance: 'low',
              operationalDependency: 'low',
            },
          },
          valid: true,
          errors: [],
          sourceLocation: 'file:/x',
          entityState: {},
        },
        new Date('2026-08-01T00:00:00Z'),
      );
      const send = jest.fn();
      const reminders = remindersWith(store, send);
      // Medium risk: 90 days after 2026-08-01 is 2026-10-30.
      expect(await reminders.sendDue(new Date('2026-10-29T00:00:00Z'))).toBe(0);
      expect(await reminders.sendDue(new Date('2026-10-31T00:00:00Z'))).toBe(1);
      expect(await reminders.sendDue(new Date('2026-11-30T00:00:00Z'))).toBe(0);
      expect(send.mock.calls[0][0].payload.description).toContain(
        'due on 2026-10-30',
      );
    });

    it('names the decisions that clear it, and tells the operating owner once the hand-off is accepted', async () => {
      const { store } = await seed();
      const send = jest.fn();
      const reminders = remindersWith(store, send);
      // In readiness review: harden, reframe or stop clear an overdue review.
      await reminders.sendDue(new Date('2026-11-25T00:00:00Z'));
      expect(send.mock.calls[0][0].payload.description).toMatch(
        /days ago\. To set the next one, record one of: harden further, reframe, stop\.$/,
      );
      // Handed off to SRE, who accepted, then operating: SRE hears, and is
      // asked for a review (operate and hand off would not clear it).
      await store.appendDecision({
        entityRef: 'component:default/churn-model',
        decision: 'hand-off',
        fromStage: 'readiness-review',
        toStage: 'handed-off',
        actor: 'user:default/alan',
        rationale: 'r',
        nextReviewAt: '2026-12-01T00:00:00.000Z',
        expectedSequence: 1,
        transferTo: 'group:default/sre',
      });
      await store.acceptTransfer(
        'component:default/churn-model',
        2,
        'user:default/grace',
      );
      await store.appendDecision({
        entityRef: 'component:default/churn-model',
        decision: 'operate',
        fromStage: 'handed-off',
        toStage: 'operating',
        actor: 'user:default/grace',
        rationale: 'r',
        nextReviewAt: '2026-12-01T00:00:00.000Z',
        expectedSequence: 2,
      });
      expect(await reminders.sendDue(new Date('2026-12-05T00:00:00Z'))).toBe(1);
      expect(send.mock.calls[1][0]).toMatchObject({
        recipients: { type: 'entity', entityRef: 'group:default/sre' },
        payload: {
          description:
            'The review was due on 2026-12-01, 4 days ago. Record a review to set the next one (or harden further, reframe, stop).',
        },
      });
    });

    it('tells the receiving owner once when a hand-off waits past its SLA; acceptance stops the clock', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const store = await DatabaseHandoffStore.create({ database });
      const ref = 'component:default/churn-model';
      await store.recordSpec({
        entityRef: ref,
        content: 'v1',
        contentHash: 'h1',
        // High risk: the default policy promises acceptance in 5 working days.
        document: {
          risk: {
            data: 'high',
            customerImpact: 'low',
            compliance: 'low',
            operationalDependency: 'low',
          },
        },
        valid: true,
        errors: [],
        sourceLocation: 'file:/x',
        entityState: {},
      });
      await store.appendDecision({
        entityRef: ref,
        decision: 'start-review',
        toStage: 'readiness-review',
        actor: 'user:default/ada',
        rationale: 'r',
        nextReviewAt: '2099-01-01T00:00:00.000Z',
        expectedSequence: 0,
      });
      await store.appendDecision({
        entityRef: ref,
        decision: 'hand-off',
        fromStage: 'readiness-review',
        toStage: 'handed-off',
        actor: 'user:default/alan',
        rationale: 'r',
        nextReviewAt: '2099-01-01T00:00:00.000Z',
        expectedSequence: 1,
        transferTo: 'group:default/sre',
      });
      const state = await knex('handoff_capability_state')
        .where({ entity_ref: ref })
        .first();
      expect(state.sla_kind).toBe('handoffAcceptance');
      const dueAt = new Date(state.sla_due_at);
      const send = jest.fn();
      const reminders = remindersWith(store, send);
      // Not yet due: nothing.
      expect(await reminders.sendDue(new Date(dueAt.getTime() - 60_000))).toBe(
        0,
      );
      const later = new Date(dueAt.getTime() + 3 * 86_400_000);
      expect(await reminders.sendDue(later)).toBe(1);
      expect(send.mock.calls[0][0]).toMatchObject({
        recipients: { type: 'entity', entityRef: 'group:default/sre' },
        payload: {
          title: 'Past its SLA: Churn model',
          description: expect.stringMatching(
            /^The hand-off of Churn model waits for acceptance; the gate policy promised it by \d{4}-\d\d-\d\d, 3 days ago\. Accept the hand-off on its Handoff tab\.$/,
          ),
          topic: 'handoff-sla',
        },
      });
      // Once per breach.
      expect(
        await reminders.sendDue(new Date(later.getTime() + 86_400_000)),
      ).toBe(0);
      const gapped = async () =>
        (
          await knex('handoff_capability_state')
            .where('sla_due_at', '<', later)
            .select('entity_ref')
        ).map(r => r.entity_ref);
      expect(await gapped()).toEqual([ref]);
      // Accepted: the clock stops, the gap goes, no more reminders.
      await store.acceptTransfer(ref, 2, 'user:default/grace');
      expect(await gapped()).toEqual([]);
      expect(
        await reminders.sendDue(new Date(later.getTime() + 86_400_000)),
      ).toBe(0);
    });

    it('reminds on the review date a capability was registered with when it is earlier', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const store = await DatabaseHandoffStore.create({ database });
      await store.recordSpec(
        {
          entityRef: 'component:default/churn-model',
          content: 'v1',
          contentHash: 'h1',
          document: {},
          valid: false,
          errors: [],
          sourceLocation: 'file:/x',
          entityState: {},
        },
        new Date('2026-08-01T00:00:00Z'),
      );
      const projection = await DatabaseProjectionStore.create({ database });
      await projection.upsert(
        [
          {
            entityRef: 'component:default/churn-model',
            kind: 'component',
            registeredNextReview: new Date('2026-08-15T00:00:00Z'),
          },
        ],
        new Date(),
      );
      const send = jest.fn();
      const reminders = remindersWith(store, send);
      // No risk profile: high tier, first cadence 2026-08-31; registered earlier.
      expect(await reminders.sendDue(new Date('2026-08-14T00:00:00Z'))).toBe(0);
      expect(await reminders.sendDue(new Date('2026-08-16T00:00:00Z'))).toBe(1);
      expect(send.mock.calls[0][0].payload.description).toContain(
        'due on 2026-08-15',
      );
    });

    it('sends once when two backend instances sweep the same database together', async () => {
      const { knex } = await seed();
      // A second connection pool to the same database, as a second replica would have.
      const other =
        databaseId === 'SQLITE_3' ? knex : knexFactory(knex.client.config);
      try {
        const sendA = jest.fn();
        const sendB = jest.fn();
        const a = remindersWith(
          await DatabaseHandoffStore.create({
            database: mockServices.database({ knex }),
          }),
          sendA,
        );
        const b = remindersWith(
          await DatabaseHandoffStore.create({
            database: mockServices.database({ knex: other }),
          }),
          sendB,
        );
        const now = new Date('2026-11-25T00:00:00Z');
        const counts = await Promise.all([
          a.sendDue(now),
          b.sendDue(now),
          a.sendDue(now),
          b.sendDue(now),
        ]);
        expect(counts.reduce((x, y) => x + y, 0)).toBe(1);
        expect(sendA.mock.calls.length + sendB.mock.calls.length).toBe(1);
      } finally {
        if (other !== knex) await other.destroy();
      }
    });

    it('retries a reminder whose send failed at the next sweep, and goes on with the others', async () => {
      const { store } = await seed();
      await store.appendDecision({
        entityRef: 'component:default/second',
        decision: 'start-review',
        toStage: 'readiness-review',
        actor: 'user:default/ada',
        rationale: 'r',
        nextReviewAt: '2026-11-01T00:00:00.000Z',
        expectedSequence: 0,
      });
      const send = jest
        .fn()
        .mockRejectedValueOnce(new Error('notifications are down'));
      const reminders = remindersWith(store, send);
      const now = new Date('2026-11-25T00:00:00Z');
      // The first send fails; the second capability is still reminded.
      expect(await reminders.sendDue(now)).toBe(1);
      // The failed one is sent at the next sweep, and then never again.
      expect(await reminders.sendDue(new Date('2026-11-25T01:00:00Z'))).toBe(1);
      expect(await reminders.sendDue(new Date('2026-11-25T02:00:00Z'))).toBe(0);
      expect(send).toHaveBeenCalledTimes(3);
      expect(send.mock.calls.map(c => c[0].payload.link).sort()).toEqual([
        '/catalog/default/component/churn-model/handoff',
        '/catalog/default/component/churn-model/handoff',
        '/catalog/default/component/second/handoff',
      ]);
    });

    it('takes over a claim whose replica died before sending, once its lease has run out', async () => {
      const { store } = await seed();
      const due = new Date('2026-11-01T00:00:00.000Z');
      const claimedAt = new Date('2026-11-25T00:00:00Z');
      // A replica claims the reminder and dies without sending it.
      expect(
        await store.claimReminder('component:default/churn-model', due, {
          claimId: 'dead-replica',
          now: claimedAt,
          leaseMs: 120_000,
        }),
      ).toBe(true);
      const send = jest.fn();
      const reminders = remindersWith(store, send);
      // While the lease runs, nobody else sends it.
      expect(await reminders.sendDue(new Date('2026-11-25T00:00:10Z'))).toBe(0);
      // After it (20 s by default), the next sweep does, once.
      expect(await reminders.sendDue(new Date('2026-11-25T00:00:30Z'))).toBe(1);
      expect(await reminders.sendDue(new Date('2026-11-25T00:06:00Z'))).toBe(0);
      expect(send).toHaveBeenCalledTimes(1);
    });
  },
);
