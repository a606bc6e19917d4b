import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import handoffPlugin from '@handoff/backstage-plugin-handoff-backend';
import request from 'supertest';
import exampleHistory from './exampleHistory';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const guest = mockCredentials.user.header('user:default/guest');

describe.each(databases.eachSupportedId())(
  "the example portal's past history on %s",
  databaseId => {
    async function start(knex: any, pastHistory?: boolean) {
      const { server } = await startTestBackend({
        features: [
          handoffPlugin,
          exampleHistory,
          catalogServiceMock.factory({ entities: [] }),
          mockServices.database.factory({ knex }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
          mockServices.rootConfig.factory({
            data: { handoff: { example: { pastHistory } } },
          }),
        ],
      });
      return server;
    }

    it('gives Flow months of decisions to show, written once, before the plugin starts', async () => {
      const knex = await databases.init(databaseId);
      const server = await start(knex, true);
      const decisions = await knex('handoff_decisions').count({ n: '*' });
      expect(Number(decisions[0].n)).toBeGreaterThan(40);

      const flow = await request(server)
        .get('/api/handoff/flow?days=365')
        .set('Authorization', guest);
      expect(flow.status).toBe(200);
      const { current, weeks } = flow.body;
      // Capabilities reached operating across the year, hand-offs were
      // accepted (one late for its SLA), reviews came due, one hand-off was
      // reversed and one had an exception.
      expect(current.leadTime.fromProposed.count).toBeGreaterThanOrEqual(7);
      expect(current.handoffTurnaround.count).toBeGreaterThanOrEqual(7);
      expect(current.handoffTurnaround.waiting).toBe(0);
      expect(current.reviews.due).toBeGreaterThanOrEqual(5);
      expect(current.reviews.late).toBeGreaterThanOrEqual(1);
      expect(current.reviews.notYet).toBe(0);
      expect(current.reversals).toBe(1);
      expect(current.exceptions.withException).toBe(1);
      // Spread over the weeks, not one instant.
      const busyWeeks = weeks.filter(
        (w: any) => w.handoffsAccepted + w.reachedOperating + w.reviewsDue > 0,
      );
      expect(busyWeeks.length).toBeGreaterThanOrEqual(10);

      // Every capability's next review is ahead: the history leaves nothing
      // overdue in the audit.
      const state = await knex('handoff_capability_state')
        .whereNotNull('next_review_at')
        .select('entity_ref', 'next_review_at');
      expect(state.length).toBeGreaterThanOrEqual(8);
      for (const row of state) {
        expect(new Date(row.next_review_at).getTime()).toBeGreaterThan(
          Date.now(),
        );
      }

      // A restart writes nothing more.
      await start(knex, true);
      const again = await knex('handoff_decisions').count({ n: '*' });
      expect(again[0].n).toEqual(decisions[0].n);
    });

    it('is written once when two replicas start at the same time', async () => {
      const once = await databases.init(databaseId);
      await start(once, true);
      const expected = await once('handoff_decisions').count({ n: '*' });

      // (Tables made first: knex's migrations themselves are not for two
      // processes creating them at once.)
      const shared = await databases.init(databaseId);
      await start(shared);
      await Promise.all([start(shared, true), start(shared, true)]);
      const written = await shared('handoff_decisions').count({ n: '*' });
      expect(Number(written[0].n)).toBe(Number(expected[0].n));
      expect(
        Number((await shared('handoff_transfers').count({ n: '*' }))[0].n),
      ).toBe(Number((await once('handoff_transfers').count({ n: '*' }))[0].n));
    });

    it('writes nothing unless asked, and nothing into a database that has decisions', async () => {
      const off = await databases.init(databaseId);
      await start(off);
      expect(await off('handoff_decisions').first()).toBeUndefined();

      const used = await databases.init(databaseId);
      await start(used);
      // A portal with a history of its own, made today.
      await used('handoff_decisions').insert({
        entity_ref: 'component:default/payment-retries',
        sequence: 1,
        decision: 'start-pilot',
        from_stage: 'proposed',
        to_stage: 'pilot',
        actor: 'user:default/guest',
        rationale: 'A real decision, made today',
        created_at: new Date(),
      });
      const before = await used('handoff_decisions').count({ n: '*' });
      await start(used, true);
      const after = await used('handoff_decisions').count({ n: '*' });
      expect(after[0].n).toEqual(before[0].n);
    });

    it('is no API: the HTTP API refuses a decision that names its own date', async () => {
      const knex = await databases.init(databaseId);
      const server = await start(knex, true);
      const backdated = await request(server)
        .post('/api/handoff/decisions/component/default/data-catalog-sync')
        .set('Authorization', guest)
        .send({
          decision: 'hand-off',
          rationale: 'Backdated, to look faster',
          expectedSequence: 3,
          createdAt: '2026-01-01T00:00:00Z',
        });
      expect(backdated.status).toBe(400);
      expect(backdated.body.error.message).toMatch(/createdAt/);
    });
  },
);
