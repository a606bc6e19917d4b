import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { handoffPlugin } from '../../plugin';

const validSpec = `apiVersion: handoff.dev/v1alpha1
kind: HandoffSpec
intent:
  problem: Retention calls go to the wrong people
risk: { data: high, customerImpact: medium, compliance: low, operationalDependency: low }
`;

function entityAt(
  dir: string,
  name: string,
  annotations: Record<string, string> = {},
) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': `file:${path.join(
          dir,
          'catalog-info.yaml',
        )}`,
        'handoff.dev/spec': './handoff.yaml',
        ...annotations,
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/data-science',
      lifecycle: 'experimental',
    },
  };
}

describe('spec ingestion through the API', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-spec-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function start(features: any[] = []) {
    const { server } = await startTestBackend({
      features: [
        handoffPlugin,
        catalogServiceMock.factory({
          entities: [
            entityAt(dir, 'churn-model'),
            entityAt(dir, 'no-file', { 'handoff.dev/spec': './missing.yaml' }),
          ],
        }),
        ...features,
      ],
    });
    return server;
  }

  it('reads a spec on refresh (never on a GET), keeps one version while unchanged, and a new one per change', async () => {
    fs.writeFileSync(path.join(dir, 'handoff.yaml'), validSpec);
    const server = await start();

    const notRead = await request(server).get(
      '/api/handoff/specs/component/default/churn-model',
    );
    expect(notRead.status).toBe(200);
    expect(notRead.body).toEqual({
      entityRef: 'component:default/churn-model',
      specLocation: './handoff.yaml',
    });

    const read = await request(server).post(
      '/api/handoff/specs/component/default/churn-model/refresh',
    );
    expect(read.body).toEqual({ status: 'created', version: 1, valid: true });
    const first = await request(server).get(
      '/api/handoff/specs/component/default/churn-model',
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      entityRef: 'component:default/churn-model',
      specLocation: './handoff.yaml',
      latest: {
        version: 1,
        valid: true,
        errors: [],
        // As the entity names it: never the file's path on the server.
        sourceLocation: './handoff.yaml',
        document: {
          intent: { problem: 'Retention calls go to the wrong people' },
        },
        entityState: {
          owner: 'group:default/data-science',
          lifecycle: 'experimental',
        },
      },
    });

    for (const url of [
      '/api/handoff/specs/component/default/churn-model',
      '/api/handoff/specs/component/default/churn-model/versions',
      '/api/handoff/specs/component/default/churn-model/versions/1',
    ]) {
      const answer = await request(server).get(url);
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).not.toContain(dir);
    }

    // Reading the spec put the entity in the audit at once, before any full sync.
    const audit = await request(server).get('/api/handoff/portfolio?q=churn');
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/churn-model',
        stage: 'proposed',
        specState: 'valid',
        riskTier: 'high',
        // The mock catalog's entity has no ownedBy relation.
        gaps: ['owner-unresolved', 'no-operating-owner', 'missing-artifacts'],
      }),
    ]);

    const unchanged = await request(server).post(
      '/api/handoff/specs/component/default/churn-model/refresh',
    );
    expect(unchanged.body).toEqual({
      status: 'unchanged',
      version: 1,
      valid: true,
    });

    fs.writeFileSync(
      path.join(dir, 'handoff.yaml'),
      `${validSpec}acceptanceCriteria: [Scores daily]\n`,
    );
    const changed = await request(server).post(
      '/api/handoff/specs/component/default/churn-model/refresh',
    );
    expect(changed.body).toEqual({
      status: 'created',
      version: 2,
      valid: true,
    });

    fs.writeFileSync(
      path.join(dir, 'handoff.yaml'),
      `${validSpec}acceptanceCriteria: [Scores daily]\nrisks: typo\n`,
    );
    const invalid = await request(server).post(
      '/api/handoff/specs/component/default/churn-model/refresh',
    );
    expect(invalid.body).toEqual({
      status: 'created',
      version: 3,
      valid: false,
    });

    const versions = await request(server).get(
      '/api/handoff/specs/component/default/churn-model/versions',
    );
    expect(
      versions.body.items.map((v: any) => [v.version, v.valid, v.errorCount]),
    ).toEqual([
      [3, false, 1],
      [2, true, 0],
      [1, true, 0],
    ]);

    const latest = await request(server).get(
      '/api/handoff/specs/component/default/churn-model',
    );
    expect(latest.body.latest.errors).toEqual([
      {
        path: 'risks',
        message: 'is not a known field (check the spelling)',
        line: 7,
        column: 8,
      },
    ]);

    const diff = await request(server).get(
      '/api/handoff/specs/component/default/churn-model/diff?from=1&to=2',
    );
    expect(diff.status).toBe(200);
    expect(diff.body.changes).toEqual([
      { artifact: 'acceptanceCriteria', change: 'added' },
    ]);
    expect(diff.body.from.version).toBe(1);
    expect(diff.body.to.version).toBe(2);

    const one = await request(server).get(
      '/api/handoff/specs/component/default/churn-model/versions/1',
    );
    expect(one.body.content).toBe(validSpec);
  });

  it('records why a spec could not be read instead of failing', async () => {
    const server = await start();
    await request(server).post(
      '/api/handoff/specs/component/default/no-file/refresh',
    );
    const res = await request(server).get(
      '/api/handoff/specs/component/default/no-file',
    );
    expect(res.status).toBe(200);
    expect(res.body.readError).toBe(
      "No spec file ./missing.yaml in the entity's folder (a link out of the folder counts as none)",
    );
    expect(res.body.latest).toBeUndefined();
  });

  it('stores and shows the first 200 errors of a spec with thousands, and how many more', async () => {
    const fields = Array.from(
      { length: 3_000 },
      (_, i) => `      f${i}: { type: 42 }`,
    );
    fs.writeFileSync(
      path.join(dir, 'handoff.yaml'),
      `${validSpec}dataContracts:\n  - name: big\n    provenance: { sourceSystem: s }\n    fields:\n${fields.join(
        '\n',
      )}\n`,
    );
    const server = await start();
    const refreshed = await request(server).post(
      '/api/handoff/specs/component/default/churn-model/refresh',
    );
    expect(refreshed.status).toBe(200);
    const res = await request(server).get(
      '/api/handoff/specs/component/default/churn-model',
    );
    expect(res.body.latest.valid).toBe(false);
    expect(res.body.latest.errors).toHaveLength(201);
    expect(res.body.latest.errors[0]).toMatchObject({
      path: 'dataContracts[0].fields.f0.type',
      line: expect.any(Number),
    });
    expect(res.body.latest.errors[200].message).toBe(
      'and 2800 more errors: fix the 200 above first',
    );
  });

  it('answers 400, 404 and 403 for bad requests, and records the refusal', async () => {
    fs.writeFileSync(path.join(dir, 'handoff.yaml'), validSpec);
    const fail = jest.fn();
    const auditor = mockServices.auditor.mock({
      createEvent: jest.fn(async () => ({ success: jest.fn(), fail })),
    });
    const server = await start([
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      auditor.factory,
    ]);
    const badDiff = await request(server).get(
      '/api/handoff/specs/component/default/churn-model/diff?from=one&to=2',
    );
    expect(badDiff.status).toBe(400);
    expect(badDiff.body.error.message).toMatch(/^Invalid query: from: /);

    const missing = await request(server).get(
      '/api/handoff/specs/component/default/churn-model/versions/7',
    );
    expect(missing.status).toBe(404);

    const unknown = await request(server).get(
      '/api/handoff/specs/component/default/nope',
    );
    expect(unknown.status).toBe(404);

    const denied = await request(server).post(
      '/api/handoff/specs/component/default/churn-model/refresh',
    );
    expect(denied.status).toBe(403);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'write-refused',
        meta: {
          permission: 'handoff.spec.refresh',
          entityRef: 'component:default/churn-model',
        },
      }),
    );
    expect(fail).toHaveBeenCalledWith({ error: expect.any(Error) });
  });
});
