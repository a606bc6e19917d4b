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
  readySpec,
  userInfoFactory,
} from '../../__testUtils__/fixtures';

// The pg driver ships no types here; its client class is all this test needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Client } = require('pg');

jest.setTimeout(60_000);

/*
 * Inside a transaction knex holds one connection; the pg driver deprecates
 * sending it a query while another is running (pg 9 will refuse). Every write
 * path is driven here on PostgreSQL with the driver watched for that.
 */
const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'queries inside one transaction on %s',
  databaseId => {
    const original = Client.prototype.query;
    const overlaps: string[] = [];
    beforeAll(() => {
      Client.prototype.query = function watched(this: any, ...args: any[]) {
        if (this._activeQuery || this._queryQueue?.length) {
          const sql = typeof args[0] === 'string' ? args[0] : args[0]?.text;
          overlaps.push(String(sql).slice(0, 120));
        }
        return (original as any).apply(this, args);
      } as any;
    });
    afterAll(() => {
      Client.prototype.query = original;
    });

    it('run one after another on every write path', async () => {
      const fixture = capabilityFixture(undefined, 'readiness-review');
      try {
        const { server } = await startTestBackend({
          features: [
            handoffPlugin,
            fixture.catalog,
            userInfoFactory,
            mockServices.database.factory({
              knex: await databases.init(databaseId),
            }),
          ],
        });
        const path = '/api/handoff';
        const ref = 'component/default/forecast';
        const as = (user: string) =>
          mockCredentials.user.header(`user:default/${user}`);
        await request(server)
          .post(`${path}/specs/${ref}/refresh`)
          .set('Authorization', as('ada'))
          .expect(200);
        await request(server)
          .post(`${path}/checks/${ref}`)
          .set('Authorization', as('ada'))
          .send({ name: 'smoke', kind: 'test', status: 'pass' })
          .expect(201);
        await request(server)
          .post(`${path}/approvals/${ref}`)
          .set('Authorization', as('ada'))
          .send({ decision: 'hand-off', role: 'accountable' })
          .expect(201);
        await request(server)
          .post(`${path}/decisions/${ref}`)
          .set('Authorization', as('alan'))
          .send({
            decision: 'hand-off',
            rationale: 'Ready',
            expectedSequence: 0,
          })
          .expect(201);
        await request(server)
          .post(`${path}/transfer/${ref}/accept`)
          .set('Authorization', as('grace'))
          .expect(200);
        fixture.writeSpec(readySpec.replace('Warehouses', 'Stores'));
        await request(server)
          .post(`${path}/specs/${ref}/refresh`)
          .set('Authorization', as('ada'))
          .expect(200);
        expect(overlaps).toEqual([]);
      } finally {
        fixture.cleanup();
      }
    });
  },
);
