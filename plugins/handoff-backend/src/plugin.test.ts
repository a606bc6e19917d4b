import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { handoffPlugin } from './plugin';

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'churn-model',
      namespace: 'default',
      title: 'Churn model',
      annotations: {
        'handoff.dev/spec': './handoff.yaml',
        'handoff.dev/stage': 'pilot',
      },
    },
    spec: { type: 'service', owner: 'group:default/data-science' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/data-science' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'plain-service', namespace: 'default' },
    spec: { type: 'service', owner: 'group:default/platform' },
  },
];

describe('handoff backend plugin', () => {
  async function start() {
    const { server } = await startTestBackend({
      features: [handoffPlugin, catalogServiceMock.factory({ entities })],
    });
    return server;
  }

  it('answers the health check without credentials', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/handoff/health')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers 503 on the health check when its database is gone', async () => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    const { server } = await startTestBackend({
      features: [
        handoffPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.database.factory({ knex }),
      ],
    });
    await knex.destroy();
    const res = await request(server)
      .get('/api/handoff/health')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'error',
      message: 'Handoff cannot reach its database',
    });
  });

  it('refuses a readiness call without credentials with 401', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/handoff/readiness/component/default/churn-model')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('summarizes the readiness of an entity from its registration annotation', async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/handoff/readiness/component/default/churn-model',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/churn-model',
      title: 'Churn model',
      stage: 'pilot',
      owner: 'group:default/data-science',
      specLocation: './handoff.yaml',
    });
  });

  it('answers 404 for an entity the catalog does not have', async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/handoff/readiness/component/default/nope',
    );
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/component:default\/nope/);
  });

  it('lists only entities that carry a handoff annotation', async () => {
    const server = await start();
    const res = await request(server).get('/api/handoff/capabilities');
    expect(res.status).toBe(200);
    expect(
      res.body.items.map((i: { entityRef: string }) => i.entityRef),
    ).toEqual(['component:default/churn-model']);
  });

  it("says on the list when a capability's spec was not read lately because its host did not answer", async () => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    const held = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'held-model',
        namespace: 'default',
        annotations: { 'handoff.dev/stage': 'pilot' },
      },
      spec: { type: 'service', owner: 'group:default/data-science' },
    };
    const { server } = await startTestBackend({
      features: [
        handoffPlugin,
        catalogServiceMock.factory({ entities: [...entities, held] }),
        mockServices.database.factory({ knex }),
      ],
    });
    const readError =
      'the host git.example.com did not answer; the version shown was read on 2026-12-01 and not since';
    await knex('handoff_spec_reads').insert({
      entity_ref: 'component:default/held-model',
      source_location: 'url:https://git.example.com/held/handoff.yaml',
      read_error: readError,
      read_at: new Date(),
    });
    const res = await request(server).get('/api/handoff/capabilities');
    expect(res.status).toBe(200);
    const item = (ref: string) =>
      res.body.items.find((i: { entityRef: string }) => i.entityRef === ref);
    expect(item('component:default/held-model').specReadError).toBe(readError);
    expect(item('component:default/plain-service')).toBeUndefined();
    await knex.destroy();
  });
});
