/*
 * The example CI token, exactly as app-config.yaml configures it, against the
 * real auth, httpAuth and permissions services: it may post check results and
 * read, and nothing else.
 */
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import handoffPlugin from '@handoff/backstage-plugin-handoff-backend';
import fs from 'fs';
import path from 'path';
import request from 'supertest';
import { parse } from 'yaml';
import { JsonValue } from '@backstage/types';

jest.setTimeout(60_000);

const appConfig = parse(
  fs.readFileSync(path.resolve(__dirname, '../../../app-config.yaml'), 'utf8'),
);
const [ciAccess] = appConfig.backend.auth.externalAccess;
const token = `Bearer ${ciAccess.options.token}`;

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'churn-model',
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': 'file:/nowhere/catalog-info.yaml',
        'handoff.dev/spec': './handoff.yaml',
        'handoff.dev/stage': 'pilot',
      },
    },
    spec: { owner: 'group:default/data-science' },
  },
];

async function backendWith(externalAccess: JsonValue[]) {
  const { server } = await startTestBackend({
    features: [
      handoffPlugin,
      catalogServiceMock.factory({ entities }),
      authServiceFactory,
      httpAuthServiceFactory,
      permissionsServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            baseUrl: 'http://localhost:7007',
            auth: { externalAccess },
          },
          permission: { enabled: true },
        },
      }),
    ],
  });
  return server;
}

const entity = 'component/default/churn-model';

describe("the example portal's CI token", () => {
  it('is restricted to the handoff plugin and to posting check results', () => {
    expect(ciAccess.accessRestrictions).toEqual([
      { plugin: 'handoff', permission: ['handoff.check.create'] },
    ]);
  });

  it('posts a check result, and is refused every read and every other write', async () => {
    const server = await backendWith(appConfig.backend.auth.externalAccess);
    const check = await request(server)
      .post(`/api/handoff/checks/${entity}`)
      .set('Authorization', token)
      .send({ name: 'drift-nightly', kind: 'drift', status: 'pass' });
    expect(check.status).toBe(201);
    expect(check.body.reporter).toBe('ci-pipeline');

    // No reads: not the list, a spec, a packet or the decisions.
    for (const url of [
      '/api/handoff/capabilities',
      `/api/handoff/specs/${entity}`,
      `/api/handoff/packet/${entity}`,
      `/api/handoff/decisions/${entity}`,
      `/api/handoff/readiness/${entity}`,
    ]) {
      const read = await request(server).get(url).set('Authorization', token);
      expect([url, read.status]).toEqual([url, 403]);
      expect(read.body.error.message).toBe(
        'This token may not read Handoff: its access is limited to handoff.check.create',
      );
    }

    const refused: Array<[string, request.Test]> = [
      ['refresh', request(server).post(`/api/handoff/specs/${entity}/refresh`)],
      [
        'decision',
        request(server)
          .post(`/api/handoff/decisions/${entity}`)
          .send({ decision: 'stop', rationale: 'x', expectedSequence: 0 }),
      ],
      [
        'approval',
        request(server)
          .post(`/api/handoff/approvals/${entity}`)
          .send({ decision: 'start-review', role: 'accountable' }),
      ],
      [
        'accept',
        request(server).post(`/api/handoff/transfer/${entity}/accept`),
      ],
      [
        'register',
        request(server)
          .post('/api/handoff/registrations')
          .send({ entityRef: 'component:default/churn-model' }),
      ],
      ['portfolio', request(server).get('/api/handoff/portfolio')],
      ['audit.csv', request(server).get('/api/handoff/audit.csv')],
      // A service, but not one allowed to read what search indexes.
      [
        'search documents',
        request(server).get('/api/handoff/search/capabilities'),
      ],
      ['sync', request(server).post('/api/handoff/portfolio/sync')],
    ];
    for (const [what, call] of refused) {
      const res = await call.set('Authorization', token);
      expect([what, res.status]).toEqual([what, 403]);
    }
  });

  it('without the permission restriction could refresh any spec: the restriction is what holds', async () => {
    const server = await backendWith([
      { ...ciAccess, accessRestrictions: [{ plugin: 'handoff' }] },
    ]);
    const res = await request(server)
      .post(`/api/handoff/specs/${entity}/refresh`)
      .set('Authorization', token);
    expect(res.status).toBe(200);
  });
});
