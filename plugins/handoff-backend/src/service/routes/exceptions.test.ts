import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  handoffExceptionApprovePermission,
  portfolioQuerySchema,
} from '@handoff/backstage-plugin-handoff-common';
import { PortfolioAudit } from '../../database/PortfolioAudit';
import fs from 'fs';
import { Knex } from 'knex';
import os from 'os';
import nodePath from 'path';
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
const noRollback = readySpec.replace(
  '  rollback: { procedure: Point planning back at last year }\n',
  '',
);
const justification =
  'Rollback is a feature flag; the runbook follows this week';

/** Allows everything but granting exceptions to the users named. */
const deniesGrantTo = (users: string[]) =>
  createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => ({
      async authorize(requests: any[], options: any) {
        const who = options.credentials.principal?.userEntityRef ?? '';
        return requests.map(r => ({
          result:
            r.permission.name === handoffExceptionApprovePermission.name &&
            users.some(u => who === `user:default/${u}`)
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        }));
      },
      async authorizeConditional(requests: any[]) {
        return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
      },
    }),
  });

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'exception requests on %s',
  databaseId => {
    let fixture: ReturnType<typeof capabilityFixture>;
    let knex: Knex;
    let dir: string;
    const send = jest.fn();
    beforeEach(() => {
      send.mockReset();
      dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'handoff-exc-'));
    });
    afterEach(() => {
      fixture.cleanup();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    async function start(
      options: { handoff?: object; policy?: string; extra?: any[] } = {},
    ) {
      fixture = capabilityFixture(noRollback);
      let policyFile: string | undefined;
      if (options.policy) {
        policyFile = nodePath.join(dir, 'policy.yaml');
        fs.writeFileSync(policyFile, options.policy);
      }
      const { server } = await startTestBackend({
        features: [
          handoffPlugin,
          fixture.catalog,
          userInfoFactory,
          mockServices.database.factory({
            knex: (knex = await databases.init(databaseId)),
          }),
          mockServices.rootConfig.factory({
            data: {
              handoff: {
                complianceApprovers: ['group:default/risk-and-compliance'],
                ...(policyFile && { policy: policyFile }),
                ...options.handoff,
              },
            },
          }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({ send }),
          }),
          ...(options.extra ?? []),
        ],
      });
      await request(server)
        .post(`${path}/specs/${ref}/refresh`)
        .set('Authorization', as('ada'))
        .expect(200);
      return server;
    }

    const decide = (server: any, user: string, body: object) =>
      request(server)
        .post(`${path}/decisions/${ref}`)
        .set('Authorization', as(user))
        .send(body);
    const ask = (server: any, user: string, body: object) =>
      request(server)
        .post(`${path}/exceptions/${ref}`)
        .set('Authorization', as(user))
        .send(body);
    const answer = (server: any, user: string, id: number, body: object) =>
      request(server)
        .post(`${path}/exceptions/${ref}/${id}/answer`)
        .set('Authorization', as(user))
        .send(body);
    const revoke = (
      server: any,
      user: string,
      id: number,
      note = 'No longer needed',
    ) =>
      request(server)
        .post(`${path}/exceptions/${ref}/${id}/revoke`)
        .set('Authorization', as(user))
        .send({ note });
    const handOffGate = async (server: any, user: string) => {
      const res = await request(server)
        .get(`${path}/readiness/${ref}`)
        .set('Authorization', as(user));
      return res.body.gates.find((g: any) => g.decision === 'hand-off');
    };
    const rollbackOf = (gate: any) =>
      gate.requirements.find((r: any) => r.id === 'rollback');

    /** In readiness review, the accountable owner (Ada) approved the hand-off. */
    async function inReview(server: any) {
      await decide(server, 'ada', {
        decision: 'start-review',
        rationale: 'Pilot met WAPE',
        expectedSequence: 0,
      }).expect(201);
      await request(server)
        .post(`${path}/approvals/${ref}`)
        .set('Authorization', as('ada'))
        .send({ decision: 'hand-off', role: 'accountable' })
        .expect(201);
    }

    it('waives a requirement only once another person grants it, never for a decision the granter records', async () => {
      const server = await start({
        handoff: { exceptionApprovers: ['group:default/risk-and-compliance'] },
      });
      await inReview(server);

      // Alan asks; the request waives nothing yet.
      const asked = await ask(server, 'alan', {
        requirement: 'rollback',
        justification,
      });
      expect(asked.status).toBe(201);
      expect(asked.body).toMatchObject({
        status: 'pending',
        requirement: 'rollback',
        requirementDescription: expect.stringMatching(/rollback/i),
        requestedBy: 'user:default/alan',
      });
      const id = asked.body.id;
      // One whole cadence (90 days, medium risk) by default.
      const days = (Date.parse(asked.body.until) - Date.now()) / 86_400_000;
      expect(Math.ceil(days)).toBe(90);
      expect(rollbackOf(await handOffGate(server, 'alan'))).toMatchObject({
        met: false,
        exception: { id, status: 'pending', by: 'user:default/alan' },
        reason: expect.stringMatching(
          /Waiting for an exception to be granted \(requested by user:default\/alan\)$/,
        ),
      });
      const early = await decide(server, 'alan', {
        decision: 'hand-off',
        rationale: 'Ship it',
        expectedSequence: 1,
      });
      expect(early.status).toBe(409);
      // Those who may grant hear of it, once.
      expect(send).toHaveBeenCalledTimes(1);
      expect(send.mock.calls[0][0]).toMatchObject({
        recipients: {
          type: 'entity',
          entityRef: ['group:default/risk-and-compliance'],
        },
        payload: { title: 'Exception requested: forecast' },
      });
      // The audit shows it waiting.
      const waiting = await request(server).get(
        `${path}/portfolio?gap=exception-pending`,
      );
      expect(waiting.body.items.map((r: any) => r.entityRef)).toEqual([
        'component:default/forecast',
      ]);
      // A second request for the same requirement is refused.
      const twice = await ask(server, 'ada', {
        requirement: 'rollback',
        justification,
      });
      expect(twice.status).toBe(409);
      // Nobody grants their own request, and only an exception approver grants.
      const own = await answer(server, 'alan', id, {
        answer: 'grant',
        note: 'Fine by me',
      });
      expect(own.status).toBe(403);
      expect(own.body.error.message).toBe(
        'You requested this exception: another person grants or denies it',
      );
      const colleague = await answer(server, 'ada', id, {
        answer: 'grant',
        note: 'Fine by me',
      });
      expect(colleague.status).toBe(403);
      expect(colleague.body.error.message).toMatch(
        /granted or denied by group:default\/risk-and-compliance/,
      );
      const granted = await answer(server, 'margaret', id, {
        answer: 'grant',
        note: 'The flag is tested; runbook by Friday',
      });
      expect(granted.status).toBe(200);
      expect(granted.body).toMatchObject({
        status: 'granted',
        answeredBy: 'user:default/margaret',
      });
      expect(send).toHaveBeenCalledTimes(2);
      expect(send.mock.calls[1][0].recipients.entityRef).toEqual([
        'user:default/alan',
      ]);
      // Answered once: a second answer is refused.
      const again = await answer(server, 'margaret', id, {
        answer: 'deny',
        note: 'Changed my mind',
      });
      expect(again.status).toBe(409);

      // The granter may not record the decision the exception lets through.
      expect(rollbackOf(await handOffGate(server, 'margaret'))).toMatchObject({
        met: false,
        reason: expect.stringMatching(/You granted its exception/),
      });
      const byGranter = await decide(server, 'margaret', {
        decision: 'hand-off',
        rationale: 'Ship it',
        expectedSequence: 1,
      });
      expect(byGranter.status).toBe(409);
      // Anyone else may.
      expect(rollbackOf(await handOffGate(server, 'alan'))).toMatchObject({
        met: true,
        exception: { id, status: 'granted', by: 'user:default/margaret' },
      });
      const handOff = await decide(server, 'alan', {
        decision: 'hand-off',
        rationale: 'Ship it',
        expectedSequence: 1,
      });
      expect(handOff.status).toBe(201);
      expect(handOff.body.exception.justification).toContain(justification);
      expect(handOff.body.exception.justification).toContain(
        'granted by user:default/margaret',
      );
      expect(handOff.body.exception.expiresAt).toBe(
        new Date(
          Date.parse(`${asked.body.until}T00:00:00Z`) + 86_400_000,
        ).toISOString(),
      );

      // The audit tells when the exception the decision stood on has ended.
      const gap = portfolioQuerySchema.parse({ gap: 'exception-expired' });
      const end = Date.parse(handOff.body.exception.expiresAt);
      const before = new PortfolioAudit(knex, () => new Date(end - 1000));
      expect((await before.page(gap)).items).toEqual([]);
      const after = new PortfolioAudit(knex, () => new Date(end + 1000));
      expect((await after.page(gap)).items.map(r => r.entityRef)).toEqual([
        'component:default/forecast',
      ]);

      // The trail and the packet carry it.
      const trail = await request(server).get(
        `${path}/audit?entityRef=component:default/forecast`,
      );
      expect(trail.body.items.map((e: any) => e.action)).toEqual(
        expect.arrayContaining(['exception-request', 'exception-answer']),
      );
      const packet = await request(server).get(
        `${path}/packet/${ref}?format=markdown`,
      );
      expect(packet.text).toContain('## Exceptions');
      expect(packet.text).toMatch(
        /\| Granted \| \d{4}-\d{2}-\d{2} \| user:default\/alan/,
      );
      const pending = await request(server).get(
        `${path}/portfolio?gap=exception-pending`,
      );
      expect(pending.body.items).toEqual([]);
    });

    it('refuses the old self-granted exception on a decision with a plain message', async () => {
      const server = await start();
      await inReview(server);
      const res = await decide(server, 'alan', {
        decision: 'hand-off',
        rationale: 'Ship it',
        expectedSequence: 1,
        exception: { justification },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /exception: a decision no longer carries its own exception: request an exception for the unmet requirement on the Handoff tab, and another person grants it/,
      );
    });

    it('never waives a person, a breach or what the policy keeps, nor what is met or not asked', async () => {
      const server = await start({
        policy: fs
          .readFileSync(
            require.resolve(
              '@handoff/backstage-plugin-handoff-common/default-gate-policy.yaml',
            ),
            'utf8',
          )
          .replace(
            'rules:',
            'exceptions:\n  neverWaived: [acceptance-criteria]\nrules:',
          ),
      });
      await decide(server, 'ada', {
        decision: 'start-review',
        rationale: 'Pilot met WAPE',
        expectedSequence: 0,
      }).expect(201);
      const approval = await ask(server, 'alan', {
        requirement: 'approval-accountable',
        justification,
      });
      expect(approval.status).toBe(409);
      expect(approval.body.error.message).toMatch(/can never be waived/);
      const met = await ask(server, 'alan', {
        requirement: 'intent',
        justification,
      });
      expect(met.status).toBe(409);
      expect(met.body.error.message).toMatch(
        /is met, so there is nothing to waive/,
      );
      const unknown = await ask(server, 'alan', {
        requirement: 'no-such-rule',
        justification,
      });
      expect(unknown.status).toBe(409);
      expect(unknown.body.error.message).toMatch(/asks for "no-such-rule"/);
      fixture.writeSpec(
        noRollback.replace(
          'acceptanceCriteria: [A forecast every Monday]\n',
          '',
        ),
      );
      await request(server)
        .post(`${path}/specs/${ref}/refresh`)
        .set('Authorization', as('ada'))
        .expect(200);
      const kept = await ask(server, 'alan', {
        requirement: 'acceptance-criteria',
        justification,
      });
      expect(kept.status).toBe(409);
      expect(kept.body.error.message).toMatch(/can never be waived/);
      // A drift breach waits for a review, whatever anyone grants.
      await request(server)
        .post(`${path}/checks/${ref}`)
        .set(
          'Authorization',
          mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('external:ci'),
          } as any),
        )
        .send({ name: 'drift-weekly', kind: 'drift', status: 'fail' })
        .expect(201);
      const breach = await ask(server, 'alan', {
        requirement: 'review-required',
        justification,
      });
      expect(breach.status).toBe(409);
      expect(
        (await request(server).get(`${path}/exceptions/${ref}`)).body.items,
      ).toEqual([]);
    });

    it('answers 400 with the field path for bad input, 404 for another capability’s or an unknown exception', async () => {
      const server = await start();
      await inReview(server);
      const bad = await ask(server, 'alan', {
        requirement: 'Rollback!',
        justification: 'short',
        until: '31/01/2027',
        extra: 1,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(
        /requirement: must be a requirement id/,
      );
      expect(bad.body.error.message).toMatch(
        /justification: must explain the exception in at least 20 characters/,
      );
      expect(bad.body.error.message).toMatch(
        /until: must be a date like 2027-01-31/,
      );
      const past = await ask(server, 'alan', {
        requirement: 'rollback',
        justification,
        until: '2020-01-01',
      });
      expect(past.status).toBe(400);
      expect(past.body.error.message).toBe('until: must be tomorrow or later');
      const far = await ask(server, 'alan', {
        requirement: 'rollback',
        justification,
        until: '2099-01-01',
      });
      expect(far.status).toBe(400);
      expect(far.body.error.message).toMatch(
        /^until: an exception for a medium-risk capability lasts at most one review cadence \(90 days\)/,
      );
      const huge = await ask(server, 'alan', {
        requirement: 'rollback',
        justification: 'x'.repeat(5000),
      });
      expect(huge.status).toBe(400);
      const { body } = await ask(server, 'alan', {
        requirement: 'rollback',
        justification,
      }).expect(201);
      for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
        const res = await answer(server, 'margaret', id as any, {
          answer: 'grant',
          note: 'ok',
        });
        expect(res.status).toBe(400);
      }
      const unknown = await answer(server, 'margaret', body.id + 1, {
        answer: 'grant',
        note: 'ok',
      });
      expect(unknown.status).toBe(404);
      // The id of this capability's exception under another entity's path.
      const elsewhere = await request(server)
        .post(`${path}/exceptions/group/default/sre/${body.id}/answer`)
        .set('Authorization', as('margaret'))
        .send({ answer: 'grant', note: 'ok' });
      expect(elsewhere.status).toBe(404);
      const noNote = await answer(server, 'margaret', body.id, {
        answer: 'grant',
        note: '  ',
      });
      expect(noNote.status).toBe(400);
      expect(noNote.body.error.message).toMatch(/note: must say why/);
      const service = await request(server)
        .post(`${path}/exceptions/${ref}`)
        .set(
          'Authorization',
          mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('external:ci'),
          } as any),
        )
        .send({ requirement: 'rollback', justification });
      expect(service.status).toBe(403);
      const anonymous = await request(server)
        .get(`${path}/exceptions/${ref}`)
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      expect(
        (await request(server).get(`${path}/exceptions?status=maybe`)).status,
      ).toBe(400);
    });

    it('lets the requester withdraw and a granter revoke; a revoked or expired exception stays listed and frees its requirement', async () => {
      const server = await start({ extra: [deniesGrantTo(['alan', 'grace'])] });
      await inReview(server);
      const first = await ask(server, 'alan', {
        requirement: 'rollback',
        justification,
      }).expect(201);
      // Grace neither asked nor may grant: she cannot revoke it.
      const stranger = await revoke(server, 'grace', first.body.id);
      expect(stranger.status).toBe(403);
      // Alan may not grant (the policy says so), but may withdraw his own.
      expect(
        (
          await answer(server, 'alan', first.body.id, {
            answer: 'grant',
            note: 'ok',
          })
        ).status,
      ).toBe(403);
      const withdrawn = await revoke(server, 'alan', first.body.id);
      expect(withdrawn.body).toMatchObject({
        status: 'revoked',
        revokedBy: 'user:default/alan',
      });
      expect((await revoke(server, 'alan', first.body.id)).status).toBe(409);
      // The requirement is free for a new request, which Margaret grants...
      const second = await ask(server, 'ada', {
        requirement: 'rollback',
        justification,
      }).expect(201);
      await answer(server, 'margaret', second.body.id, {
        answer: 'grant',
        note: 'ok',
      }).expect(200);
      expect(rollbackOf(await handOffGate(server, 'alan')).met).toBe(true);
      // ...and then revokes: the requirement is unmet again.
      const revoked = await revoke(
        server,
        'margaret',
        second.body.id,
        'The runbook never came',
      );
      expect(revoked.body).toMatchObject({
        status: 'revoked',
        revokeNote: 'The runbook never came',
      });
      expect(rollbackOf(await handOffGate(server, 'alan')).met).toBe(false);

      // A granted exception whose last day has passed is expired.
      const third = await ask(server, 'ada', {
        requirement: 'rollback',
        justification,
      }).expect(201);
      await answer(server, 'margaret', third.body.id, {
        answer: 'grant',
        note: 'ok',
      }).expect(200);
      await knex('handoff_exceptions')
        .where({ id: third.body.id })
        .update({ until: '2020-01-31' });
      expect(rollbackOf(await handOffGate(server, 'alan'))).toMatchObject({
        met: false,
      });
      expect(
        rollbackOf(await handOffGate(server, 'alan')).exception,
      ).toBeUndefined();
      expect((await revoke(server, 'margaret', third.body.id)).status).toBe(
        409,
      );
      const listed = await request(server).get(`${path}/exceptions/${ref}`);
      expect(listed.body.items.map((e: any) => e.status)).toEqual([
        'expired',
        'revoked',
        'revoked',
      ]);
      const expired = await request(server).get(
        `${path}/exceptions?status=expired`,
      );
      expect(expired.body.items.map((e: any) => e.id)).toEqual([third.body.id]);
      // Its place is free again.
      await ask(server, 'ada', {
        requirement: 'rollback',
        justification,
      }).expect(201);
    });

    it('keeps one open request per requirement and one answer per request when people race', async () => {
      const server = await start();
      await inReview(server);
      const asks = await Promise.all(
        ['ada', 'alan', 'ada', 'alan'].map(u =>
          ask(server, u, { requirement: 'rollback', justification }),
        ),
      );
      expect(asks.map(r => r.status).sort()).toEqual([201, 409, 409, 409]);
      const id = asks.find(r => r.status === 201)!.body.id;
      const answers = await Promise.all([
        answer(server, 'margaret', id, { answer: 'grant', note: 'ok' }),
        answer(server, 'grace', id, { answer: 'deny', note: 'no' }),
        revoke(server, 'margaret', id),
      ]);
      // Grant and deny never both win.
      expect(
        answers.slice(0, 2).filter(r => r.status === 200).length,
      ).toBeLessThanOrEqual(1);
      const stored = await knex('handoff_exceptions').where({ id }).first();
      const changes = await knex('handoff_audit_log').whereIn('action', [
        'exception-answer',
        'exception-revoke',
      ]);
      // Every 200 is a stored change, and the row ended where the last one left it.
      expect(changes).toHaveLength(
        answers.filter(r => r.status === 200).length,
      );
      expect(answers.every(r => [200, 409].includes(r.status))).toBe(true);
      expect(['granted', 'denied', 'revoked']).toContain(stored.status);
      expect(await knex('handoff_exceptions').count({ n: '*' })).toEqual([
        { n: databaseId === 'SQLITE_3' ? 1 : '1' },
      ]);
    });
  },
);
