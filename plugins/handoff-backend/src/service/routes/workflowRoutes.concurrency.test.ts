import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { handoffPlugin } from '../../plugin';
import {
  capabilityFixture,
  userInfoFactory,
} from '../../__testUtils__/fixtures';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'concurrent decisions on %s',
  databaseId => {
    it('stores exactly one of 50 simultaneous decisions and keeps the trail consistent', async () => {
      const knex = await databases.init(databaseId);
      const fixture = capabilityFixture();
      try {
        const { server } = await startTestBackend({
          features: [
            handoffPlugin,
            fixture.catalog,
            userInfoFactory,
            mockServices.database.factory({ knex }),
          ],
        });
        // Read the spec once so every writer judges the same version.
        await request(server)
          .get('/api/handoff/specs/component/default/forecast')
          .expect(200);

        const responses = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            request(server)
              .post('/api/handoff/decisions/component/default/forecast')
              .set(
                'Authorization',
                mockCredentials.user.header('user:default/ada'),
              )
              .send({
                decision: i % 2 ? 'start-review' : 'stop',
                rationale: `writer ${i}`,
                expectedSequence: 0,
              }),
          ),
        );
        const statuses = responses.map(r => r.status);
        expect(statuses.filter(s => s === 201)).toHaveLength(1);
        expect(statuses.filter(s => s === 409)).toHaveLength(49);

        const winner = responses.find(r => r.status === 201)!.body;
        const decisions = await knex('handoff_decisions').select();
        expect(decisions).toHaveLength(1);
        expect(decisions[0].rationale).toBe(winner.rationale);

        const trail = await knex('handoff_audit_log').where(
          'action',
          'like',
          'decision:%',
        );
        expect(trail).toHaveLength(1);
        expect(JSON.parse(trail[0].after).rationale).toBe(winner.rationale);
      } finally {
        fixture.cleanup();
      }
    });
  },
);
