import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import request from 'supertest';
import { handoffPlugin } from '../../plugin';
import {
  capabilityFixture,
  readySpec,
  userInfoFactory,
} from '../../__testUtils__/fixtures';

jest.setTimeout(60_000);

const path = '/api/handoff';
const ref = 'component/default/forecast';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'check credentials on %s',
  databaseId => {
    let fixture: ReturnType<typeof capabilityFixture>;
    let knex: Knex;
    afterEach(() => fixture.cleanup());

    async function start(handoff: object = {}, extra: any[] = []) {
      fixture = capabilityFixture(readySpec);
      const { server } = await startTestBackend({
        features: [
          handoffPlugin,
          fixture.catalog,
          userInfoFactory,
          mockServices.database.factory({
            knex: (knex = await databases.init(databaseId)),
          }),
          mockServices.rootConfig.factory({ data: { handoff } }),
          ...extra,
        ],
      });
      return server;
    }
    const create = (server: any, body: object, user = 'ada') =>
      request(server)
        .post(`${path}/credentials/${ref}`)
        .set('Authorization', as(user))
        .send(body);
    const post = (server: any, token: string, entity = ref, name = 'smoke') =>
      request(server)
        .post(`${path}/ci/checks/${entity}`)
        .set('Authorization', `Bearer ${token}`)
        .send({ name, kind: 'test', status: 'fail' });

    it('posts check results for its capability only, shown once, stored hashed, named on the result, until revoked', async () => {
      const server = await start();
      const created = await create(server, {
        name: 'nightly pipeline',
        expiresInDays: 30,
      });
      expect(created.status).toBe(201);
      const { token, id } = created.body;
      expect(token).toMatch(/^hoc_[A-Za-z0-9_-]{43}$/);
      expect(created.body).toMatchObject({
        name: 'nightly pipeline',
        status: 'active',
        createdBy: 'user:default/ada',
        prefix: token.slice(0, 12),
      });
      // Only a hash is stored, and listing never shows the token.
      const rows = await knex('handoff_check_credentials').select();
      expect(JSON.stringify(rows)).not.toContain(token);
      const listed = await request(server)
        .get(`${path}/credentials/${ref}`)
        .set('Authorization', as('ada'));
      expect(listed.body.items).toHaveLength(1);
      expect(JSON.stringify(listed.body)).not.toContain(token);
      expect(listed.body.items[0].lastUsedAt).toBeUndefined();

      const check = await post(server, token);
      expect(check.status).toBe(201);
      expect(check.body).toMatchObject({
        reporter: 'credential:nightly pipeline',
        manual: false,
      });
      const used = await request(server)
        .get(`${path}/credentials/${ref}`)
        .set('Authorization', as('ada'));
      expect(used.body.items[0].lastUsedAt).toBeDefined();
      // The failing result is the credential's: a person cannot clear it.
      const cleared = await request(server)
        .post(`${path}/checks/${ref}`)
        .set('Authorization', as('ada'))
        .send({ name: 'smoke', kind: 'test', status: 'pass' });
      expect(cleared.status).toBe(403);

      // Another capability, another path trick: refused.
      for (const other of [
        'group/default/sre',
        'component/default/Forecast2',
        'component/other/forecast',
      ]) {
        const res = await post(server, token, other);
        expect([other, res.status]).toEqual([other, 403]);
      }
      // It is no Backstage token: the rest of the API refuses it.
      for (const [method, url] of [
        ['get', `${path}/readiness/${ref}`],
        ['get', `${path}/packet/${ref}`],
        ['post', `${path}/checks/${ref}`],
      ] as const) {
        const res = await (request(server) as any)
          [method](url)
          .set('Authorization', `Bearer ${token}`)
          .send({ name: 'x', kind: 'test', status: 'pass' });
        expect([url, res.status]).toEqual([url, 401]);
      }

      const revoked = await request(server)
        .post(`${path}/credentials/${ref}/${id}/revoke`)
        .set('Authorization', as('ada'));
      expect(revoked.body).toMatchObject({
        status: 'revoked',
        revokedBy: 'user:default/ada',
      });
      const after = await post(server, token);
      expect(after.status).toBe(401);
      expect(after.body.error.message).toBe(
        'The check credential is unknown, revoked or expired',
      );
      const trail = await request(server).get(
        `${path}/audit?entityRef=component:default/forecast`,
      );
      expect(trail.body.items.map((e: any) => e.action)).toEqual(
        expect.arrayContaining(['credential-create', 'credential-revoke']),
      );
    });

    it('refuses forged, expired and malformed tokens, bad input, and people who may not manage them', async () => {
      const server = await start();
      for (const header of [
        undefined,
        'Bearer ',
        'Bearer hoc_short',
        `Bearer hoc_${'a'.repeat(43)}`,
        'Basic aG9jXzE=',
        `Bearer ${'x'.repeat(10_000)}`,
      ]) {
        const req = request(server)
          .post(`${path}/ci/checks/${ref}`)
          .send({ name: 'smoke', kind: 'test', status: 'pass' });
        const res = await (header ? req.set('Authorization', header) : req);
        expect([header?.slice(0, 20), res.status]).toEqual([
          header?.slice(0, 20),
          401,
        ]);
      }
      const { body } = await create(server, { name: 'ci' });
      // 90 days by default.
      const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
      expect(Math.round(days)).toBe(90);
      await knex('handoff_check_credentials')
        .where({ id: body.id })
        .update({ expires_at: new Date(Date.now() - 1000) });
      expect((await post(server, body.token)).status).toBe(401);
      const listed = await request(server)
        .get(`${path}/credentials/${ref}`)
        .set('Authorization', as('ada'));
      expect(listed.body.items[0].status).toBe('expired');

      const bad = await create(server, { name: ' ', expiresInDays: 400 });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/name: must name what uses it/);
      expect(bad.body.error.message).toMatch(
        /expiresInDays: must be at most 365 days/,
      );
      const badBody = await post(server, 'x'.repeat(10));
      expect(badBody.status).toBe(401);
    });

    it('is managed only by those the permission policy allows', async () => {
      const server = await start({}, [
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ]);
      expect((await create(server, { name: 'ci' })).status).toBe(403);
      const listed = await request(server)
        .get(`${path}/credentials/${ref}`)
        .set('Authorization', as('ada'));
      expect(listed.status).toBe(403);
      expect(await knex('handoff_check_credentials').count({ n: '*' })).toEqual(
        [{ n: databaseId === 'SQLITE_3' ? 0 : '0' }],
      );
    });

    it('keeps a static token to the entities its reach names', async () => {
      const server = await start({
        tokenReach: [
          { subject: 'external:payments-ci', owners: ['group:payments'] },
          {
            subject: 'external:ds-ci',
            owners: ['group:data-science'],
            kinds: ['Component'],
          },
        ],
      });
      const tokenOf = (subject: string) =>
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service(subject),
        } as any);
      const send = (subject: string) =>
        request(server)
          .post(`${path}/checks/${ref}`)
          .set('Authorization', tokenOf(subject))
          .send({ name: 'smoke', kind: 'test', status: 'pass' });
      const outside = await send('external:payments-ci');
      expect(outside.status).toBe(403);
      expect(outside.body.error.message).toBe(
        'The token external:payments-ci posts check results only for entities owned by group:payments',
      );
      expect((await send('external:ds-ci')).status).toBe(201);
      // A token without an entry keeps what its access restrictions allow.
      expect((await send('external:other')).status).toBe(201);
    });
  },
);
