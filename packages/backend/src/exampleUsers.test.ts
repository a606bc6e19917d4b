/*
 * The development-only example-user sign-in, against the real auth backend:
 * it issues a token for an example person with their groups from the catalog,
 * and refuses anyone else, and everyone outside development.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import authPlugin from '@backstage/plugin-auth-backend';
import request from 'supertest';
import exampleUsers, { EXAMPLE_USER_HEADER } from './exampleUsers';

jest.setTimeout(60_000);

const user = (name: string, groups: string[]) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf: groups },
  relations: groups.map(g => ({
    type: 'memberOf',
    targetRef: `group:default/${g}`,
  })),
});

async function start(env: string) {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = env;
  try {
    const { server } = await startTestBackend({
      features: [
        authPlugin,
        exampleUsers,
        catalogServiceMock.factory({
          entities: [
            user('ada', ['data-science']),
            user('grace', ['sre']),
            user('mallory', ['platform']),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007' },
            auth: {
              session: { secret: 'test' },
              providers: { 'example-users': { users: ['ada', 'grace'] } },
            },
          },
        }),
      ],
    });
    return server;
  } finally {
    process.env.NODE_ENV = previous;
  }
}

const signIn = (server: any, name?: string) => {
  const req = request(server)
    .get('/api/auth/example-users/refresh')
    .set('X-Requested-With', 'XMLHttpRequest');
  return name === undefined ? req : req.set(EXAMPLE_USER_HEADER, name);
};

describe('example-user sign-in', () => {
  it('signs in an example person with their groups from the catalog', async () => {
    const server = await start('development');
    const res = await signIn(server, 'grace');
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity).toMatchObject({
      userEntityRef: 'user:default/grace',
      ownershipEntityRefs: expect.arrayContaining([
        'user:default/grace',
        'group:default/sre',
      ]),
    });
    expect(res.body.backstageIdentity.token).toEqual(expect.any(String));
  });

  it('refuses a person not listed, even one in the catalog, and a missing header', async () => {
    const server = await start('development');
    for (const name of [
      'mallory',
      'Ada',
      'ada,grace',
      '../ada',
      '',
      undefined,
    ]) {
      const res = await signIn(server, name);
      expect(res.status).toBe(401);
      expect(res.body.backstageIdentity).toBeUndefined();
    }
  });

  it('refuses everyone outside a development environment', async () => {
    const server = await start('production');
    const res = await signIn(server, 'ada');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(
      /only possible in a development environment/,
    );
  });
});
