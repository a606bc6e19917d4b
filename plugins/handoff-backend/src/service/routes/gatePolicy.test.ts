import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { handoffPlugin } from '../../plugin';
import {
  capabilityFixture,
  readySpec,
  userInfoFactory,
} from '../../__testUtils__/fixtures';

jest.setTimeout(60_000);

const api = '/api/handoff';
const ref = 'component/default/forecast';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

/** A company's own rules: hand-off needs a rollback and SRE's approval, nothing else. */
const sreOnly = `apiVersion: handoff.dev/v1alpha1
kind: GatePolicy
reviewCadenceDays: { low: 120, medium: 60, high: 14 }
rules:
  - id: rollback
    description: A rollback procedure
    decisions: [hand-off]
    require: { artifact: deployment.rollback.procedure }
  - id: sre-sign-off
    description: SRE signs off
    decisions: [hand-off]
    require: { approval: group:default/sre }
`;

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('gate policy on %s', databaseId => {
  let fixture: ReturnType<typeof capabilityFixture>;
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-policy-'));
  });
  afterEach(() => {
    fixture.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(knex: Knex, policy?: string) {
    const file = path.join(dir, `policy-${Math.random()}.yaml`);
    if (policy) fs.writeFileSync(file, policy);
    const { server } = await startTestBackend({
      features: [
        handoffPlugin,
        fixture.catalog,
        userInfoFactory,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: { handoff: policy ? { policy: file } : {} },
        }),
      ],
    });
    await request(server)
      .post(`${api}/specs/${ref}/refresh`)
      .set('Authorization', as('ada'))
      .expect(200);
    return server;
  }
  const gateOf = async (server: any, decision: string) =>
    (await request(server).get(`${api}/readiness/${ref}`)).body.gates.find(
      (g: any) => g.decision === decision,
    );

  it('asks what the configured policy says, with a named group approving, and its own review cadence', async () => {
    fixture = capabilityFixture(readySpec, 'readiness-review');
    const server = await start(await databases.init(databaseId), sreOnly);
    const gate = await gateOf(server, 'hand-off');
    expect(gate.requirements.map((r: any) => [r.id, r.met])).toEqual([
      ['spec-valid', true],
      ['rollback', true],
      ['sre-sign-off', false],
      ['review-required', true],
      ['separation-of-duties', true],
    ]);
    // The accountable approval is not part of this policy.
    const accountable = await request(server)
      .post(`${api}/approvals/${ref}`)
      .set('Authorization', as('ada'))
      .send({ decision: 'hand-off', role: 'accountable' });
    expect(accountable.status).toBe(409);
    expect(accountable.body.error.message).toBe(
      'The gate for hand-off asks for no accountable approval for this capability',
    );
    // Only a member of SRE may give SRE's approval.
    const notSre = await request(server)
      .post(`${api}/approvals/${ref}`)
      .set('Authorization', as('ada'))
      .send({ decision: 'hand-off', role: 'group:default/sre' });
    expect(notSre.status).toBe(403);
    expect(notSre.body.error.message).toBe(
      'Only members of group:default/sre may give this approval',
    );
    await request(server)
      .post(`${api}/approvals/${ref}`)
      .set('Authorization', as('grace'))
      .send({ decision: 'hand-off', role: 'group:sre' })
      .expect(201);
    const handOff = await request(server)
      .post(`${api}/decisions/${ref}`)
      .set('Authorization', as('ada'))
      .send({
        decision: 'hand-off',
        rationale: 'SRE agreed',
        expectedSequence: 0,
      })
      .expect(201);
    expect(handOff.body.gate.met).toBe(true);
    // Medium risk under this policy: reviewed within 60 days.
    const days =
      (Date.parse(handOff.body.nextReviewAt) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(60);
  });

  it('keeps the policy hash each decision was judged by when the policy changes', async () => {
    fixture = capabilityFixture(readySpec, 'pilot');
    const knex = await databases.init(databaseId);
    const first = await start(knex);
    const before = await request(first)
      .post(`${api}/decisions/${ref}`)
      .set('Authorization', as('ada'))
      .send({
        decision: 'start-review',
        rationale: 'Pilot done',
        expectedSequence: 0,
      })
      .expect(201);
    const defaultHash = before.body.gate.policy.hash;
    expect(defaultHash).toMatch(/^[0-9a-f]{12}$/);

    // The platform team changes the policy; the backend restarts on it.
    const second = await start(knex, sreOnly);
    const after = await request(second)
      .post(`${api}/decisions/${ref}`)
      .set('Authorization', as('ada'))
      .send({
        decision: 'harden',
        rationale: 'More tests',
        expectedSequence: 1,
      })
      .expect(201);
    expect(after.body.gate.policy.hash).not.toBe(defaultHash);
    const history = await request(second).get(`${api}/decisions/${ref}`);
    expect(history.body.items.map((d: any) => d.gate.policy.hash)).toEqual([
      defaultHash,
      after.body.gate.policy.hash,
    ]);
    // The recorded requirements are those of the policy of the day.
    expect(
      history.body.items[0].gate.requirements.map((r: any) => r.id),
    ).toContain('pilot-evidence');
  });

  it('does not start on an invalid policy, and says where it is wrong', async () => {
    fixture = capabilityFixture(readySpec, 'pilot');
    await expect(
      start(
        await databases.init(databaseId),
        sreOnly.replace('decisions: [hand-off]', 'decisions: [hand-over]'),
      ),
    ).rejects.toThrow(
      /is not a valid gate policy:\n {2}rules\[0\]\.decisions\[0\]: must be one of .* \(line 7, column 17\)/,
    );
    await expect(
      start(await databases.init(databaseId), 'kind: [\n'),
    ).rejects.toThrow(
      /is not a valid gate policy:\n {2}policy: YAML syntax error/,
    );
  });
});
