import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { handoffPlugin } from '../../plugin';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { notificationService } from '@backstage/plugin-notifications-node';
import fsPromises from 'fs/promises';
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
const ci = mockCredentials.service.header({
  onBehalfOf: mockCredentials.service('external:ci'),
} as any);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'readiness workflow API on %s',
  databaseId => {
    let fixture: ReturnType<typeof capabilityFixture>;
    afterEach(() => fixture.cleanup());

    async function start(spec?: string, extra: any[] = [], readSpec = true) {
      fixture = capabilityFixture(spec);
      const { server } = await startTestBackend({
        features: [
          handoffPlugin,
          fixture.catalog,
          userInfoFactory,
          mockServices.database.factory({
            knex: await databases.init(databaseId),
          }),
          mockServices.rootConfig.factory({
            data: {
              handoff: {
                complianceApprovers: ['group:default/risk-and-compliance'],
              },
            },
          }),
          ...extra,
        ],
      });
      // Specs are read by the scheduled pass or a refresh, never by a GET.
      if (readSpec)
        await request(server)
          .post(`${path}/specs/${ref}/refresh`)
          .set('Authorization', as('ada'));
      return server;
    }

    const decide = (server: any, user: string, body: object) =>
      request(server)
        .post(`${path}/decisions/${ref}`)
        .set('Authorization', as(user))
        .send(body);

    it('records a decision without reading any spec file, even one never read', async () => {
      // The spec reader resolves every file's real path before it opens it.
      const read = jest.spyOn(fsPromises, 'realpath');
      try {
        const server = await start(undefined, [], false);
        const res = await decide(server, 'ada', {
          decision: 'stop',
          rationale: 'Not worth it',
          expectedSequence: 0,
        });
        expect(res.status).toBe(201);
        const readiness = await request(server).get(`${path}/readiness/${ref}`);
        expect(readiness.body.stage).toBe('stopped');
        expect(
          read.mock.calls.filter(([p]) => String(p).startsWith(fixture.dir)),
        ).toEqual([]);
      } finally {
        read.mockRestore();
      }
    });

    it('lists what is still to write in words, with the decision each blocks, until the spec has it', async () => {
      const todo = readySpec.replace(
        'rollback: { procedure: Point planning back at last year }',
        "rollback: { procedure: 'TODO: how to go back' }",
      );
      expect(todo).not.toBe(readySpec);
      const server = await start(todo);
      const readiness = await request(server).get(`${path}/readiness/${ref}`);
      expect(readiness.status).toBe(200);
      expect(readiness.body.stillToWrite).toEqual([
        {
          section: 'Deployment checklist and rollback',
          text: 'Deployment checklist and rollback: the rollback procedure',
          blocks: 'hand-off',
          kind: 'todo',
        },
      ]);
      // Nowhere in the answer as a path.
      expect(JSON.stringify(readiness.body)).not.toMatch(/rollback\.procedure/);

      await fixture.writeSpec(readySpec);
      await request(server)
        .post(`${path}/specs/${ref}/refresh`)
        .set('Authorization', as('ada'));
      const complete = await request(server).get(`${path}/readiness/${ref}`);
      expect(complete.body.stillToWrite).toEqual([]);
    });

    it('walks a capability from pilot to operating only when each gate is met, leaving a complete trail', async () => {
      const server = await start();

      let readiness = await request(server).get(`${path}/readiness/${ref}`);
      expect(readiness.body).toMatchObject({
        stage: 'pilot',
        sequence: 0,
        specVersion: 1,
        specValid: true,
      });
      expect(readiness.body.gates.map((g: any) => [g.decision, g.met])).toEqual(
        [
          ['start-review', true],
          ['reframe', true],
          ['stop', true],
        ],
      );

      const review = await decide(server, 'ada', {
        decision: 'start-review',
        rationale: 'Pilot met WAPE',
        expectedSequence: 0,
        specVersion: 1,
      });
      expect(review.status).toBe(201);
      expect(review.body).toMatchObject({
        sequence: 1,
        fromStage: 'pilot',
        toStage: 'readiness-review',
        actor: 'user:default/ada',
        specVersion: 1,
        gate: { met: true },
      });
      // Medium risk: the next review defaults to 90 days out.
      const days =
        (new Date(review.body.nextReviewAt).getTime() - Date.now()) /
        86_400_000;
      expect(Math.round(days)).toBe(90);

      // A stale decision changes nothing.
      const stale = await decide(server, 'ada', {
        decision: 'stop',
        rationale: 'x',
        expectedSequence: 0,
      });
      expect(stale.status).toBe(409);
      expect(stale.body.error.message).toMatch(
        /latest decision is number 1, not 0/,
      );

      // An illegal transition names the allowed ones.
      const illegal = await decide(server, 'ada', {
        decision: 'start-pilot',
        rationale: 'x',
        expectedSequence: 1,
      });
      expect(illegal.status).toBe(409);
      expect(illegal.body.error.message).toBe(
        'Cannot start-pilot from readiness-review; allowed: harden, hand-off, operate, reframe, stop',
      );

      // The hand-off gate lacks the accountable approval.
      const early = await decide(server, 'ada', {
        decision: 'hand-off',
        rationale: 'Ready',
        expectedSequence: 1,
      });
      expect(early.status).toBe(409);
      expect(early.body.error.message).toMatch(
        /Approval by the accountable owner \(user:default\/ada\) \(Not approved yet\)/,
      );

      const wrongApprover = await request(server)
        .post(`${path}/approvals/${ref}`)
        .set('Authorization', as('grace'))
        .send({ decision: 'hand-off', role: 'accountable' });
      expect(wrongApprover.status).toBe(403);
      const approval = await request(server)
        .post(`${path}/approvals/${ref}`)
        .set('Authorization', as('ada'))
        .send({ decision: 'hand-off', role: 'accountable', comment: 'Go' });
      expect(approval.status).toBe(201);
      expect(approval.body).toMatchObject({
        approver: 'user:default/ada',
        role: 'accountable',
        decisionSequence: 1,
      });
      const again = await request(server)
        .post(`${path}/approvals/${ref}`)
        .set('Authorization', as('ada'))
        .send({ decision: 'hand-off', role: 'accountable' });
      expect(again.status).toBe(409);

      // A failing drift check from CI blocks the gate and flags the capability.
      const failing = await request(server)
        .post(`${path}/checks/${ref}`)
        .set('Authorization', ci)
        .send({
          name: 'drift-weekly',
          kind: 'drift',
          status: 'fail',
          value: 0.4,
          details: 'units mean shift 0.4',
        });
      expect(failing.status).toBe(201);
      expect(failing.body.reporter).toBe('external:ci');
      readiness = await request(server).get(`${path}/readiness/${ref}`);
      // One state: review required, not an overdue review.
      expect(readiness.body).toMatchObject({
        failingChecks: ['drift-weekly'],
        reviewRequired: ['drift-weekly'],
        overdue: false,
      });
      // Alan (data-science) records it: Ada approved, and separation of
      // duties keeps the approver from being the only one behind it.
      const blocked = await decide(server, 'alan', {
        decision: 'hand-off',
        rationale: 'Ready',
        expectedSequence: 1,
      });
      expect(blocked.status).toBe(409);
      expect(blocked.body.error.message).toMatch(
        /Review required: drift-weekly failed/,
      );
      await request(server)
        .post(`${path}/checks/${ref}`)
        .set('Authorization', ci)
        .send({
          name: 'drift-weekly',
          kind: 'drift',
          status: 'pass',
          value: 0.1,
        })
        .expect(201);

      const handOff = await decide(server, 'alan', {
        decision: 'hand-off',
        rationale: 'All gates met',
        expectedSequence: 1,
      });
      expect(handOff.status).toBe(201);
      readiness = await request(server).get(`${path}/readiness/${ref}`);
      expect(readiness.body).toMatchObject({
        stage: 'handed-off',
        sequence: 2,
        transfer: { toOwner: 'group:default/sre', status: 'pending' },
        // The default policy promises acceptance within 5 working days for
        // a high-risk capability, 15 for a low one.
        sla: {
          kind: 'handoffAcceptance',
          waitedWorkingDays: 0,
          breached: false,
        },
      });
      expect([5, 10, 15]).toContain(readiness.body.sla.workingDays);

      const tooEarly = await decide(server, 'grace', {
        decision: 'operate',
        rationale: 'Running',
        expectedSequence: 2,
      });
      expect(tooEarly.status).toBe(409);
      expect(tooEarly.body.error.message).toMatch(
        /The ownership transfer is still pending/,
      );

      const notReceiver = await request(server)
        .post(`${path}/transfer/${ref}/accept`)
        .set('Authorization', as('ada'));
      expect(notReceiver.status).toBe(403);
      const accepted = await request(server)
        .post(`${path}/transfer/${ref}/accept`)
        .set('Authorization', as('grace'));
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({
        status: 'accepted',
        acceptedBy: 'user:default/grace',
      });

      const operate = await decide(server, 'grace', {
        decision: 'operate',
        rationale: 'SRE runs it',
        expectedSequence: 2,
      });
      expect(operate.status).toBe(201);
      const operating = await request(server).get(`${path}/readiness/${ref}`);
      expect(operating.body.stage).toBe('operating');
      expect(operating.body.sla).toBeUndefined();

      const history = await request(server).get(`${path}/decisions/${ref}`);
      expect(
        history.body.items.map((d: any) => [
          d.sequence,
          d.decision,
          d.toStage,
          d.actor,
        ]),
      ).toEqual([
        [1, 'start-review', 'readiness-review', 'user:default/ada'],
        [2, 'hand-off', 'handed-off', 'user:default/alan'],
        [3, 'operate', 'operating', 'user:default/grace'],
      ]);

      const trail = await request(server).get(
        `${path}/audit?entityRef=component:default/forecast`,
      );
      expect(trail.body.items.map((e: any) => e.action).reverse()).toEqual([
        'spec:version',
        'decision:start-review',
        'approval:hand-off',
        'check:fail',
        // The drift breach is work for the owner until the check passes.
        'work:create',
        'check:pass',
        'work:status',
        'decision:hand-off',
        // The take-over item, done when the hand-off is accepted.
        'work:create',
        'transfer:create',
        'transfer:accept',
        'work:status',
        'decision:operate',
      ]);
      // The spec version Ada read is in the trail with its source and hash.
      expect(
        trail.body.items.find((e: any) => e.action === 'spec:version'),
      ).toMatchObject({
        actor: 'user:default/ada',
        after: {
          version: 1,
          contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
          sourceLocation: expect.stringMatching(/^file:.*handoff\.yaml$/),
          valid: true,
        },
      });
      const acceptEntry = trail.body.items.find(
        (e: any) => e.action === 'transfer:accept',
      );
      expect(acceptEntry).toMatchObject({
        actor: 'user:default/grace',
        before: { status: 'pending' },
        after: { status: 'accepted' },
      });

      const csv = await request(server).get(
        `${path}/audit.csv?entityRef=component:default/forecast`,
      );
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.text.trim().split('\n');
      expect(lines[0]).toBe('id,createdAt,entityRef,actor,action,before,after');
      expect(lines).toHaveLength(14);
      expect(lines[1]).toMatch(
        /component:default\/forecast,user:default\/grace,decision:operate,/,
      );
    });

    /** Start review as Ada, then approve hand-off as Ada (the accountable owner). */
    async function approvedForHandOff(server: any) {
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

    it('keeps one person from walking a capability through its gates alone (separation of duties)', async () => {
      const server = await start();
      await approvedForHandOff(server);
      // Ada approved; Ada may not also record the hand-off...
      const alone = await decide(server, 'ada', {
        decision: 'hand-off',
        rationale: 'Mine to ship',
        expectedSequence: 1,
      });
      expect(alone.status).toBe(403);
      expect(alone.body.error.message).toBe(
        'Separation of duties: whoever records the decision cannot be its only approver',
      );
      // ...nor have it waived.
      const waived = await request(server)
        .post(`${path}/exceptions/${ref}`)
        .set('Authorization', as('ada'))
        .send({
          requirement: 'separation-of-duties',
          justification: 'I am the accountable owner anyway',
        });
      expect(waived.status).toBe(409);
      // Her readiness page says so before she tries.
      const mine = await request(server)
        .get(`${path}/readiness/${ref}`)
        .set('Authorization', as('ada'));
      const gate = mine.body.gates.find((g: any) => g.decision === 'hand-off');
      expect(gate.requirements).toContainEqual(
        expect.objectContaining({ id: 'separation-of-duties', met: false }),
      );
      // Alan records it; Grace (SRE) accepts; Alan may not accept his own hand-off.
      await decide(server, 'alan', {
        decision: 'hand-off',
        rationale: 'Ready',
        expectedSequence: 1,
      }).expect(201);
      const selfAccept = await request(server)
        .post(`${path}/transfer/${ref}/accept`)
        .set('Authorization', as('alan'));
      expect(selfAccept.status).toBe(403);
    });

    it('gives the team that accepted a hand-off its capability: listed for the catalog module, and told of its breaches', async () => {
      const send = jest.fn();
      const server = await start(undefined, [
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send }),
        }),
      ]);
      const owners = () =>
        request(server)
          .get(`${path}/operating-owners`)
          .set(
            'Authorization',
            mockCredentials.service.header({
              onBehalfOf: mockCredentials.service('plugin:catalog'),
            } as any),
          );
      await approvedForHandOff(server);
      await decide(server, 'alan', {
        decision: 'hand-off',
        rationale: 'Ready',
        expectedSequence: 1,
      }).expect(201);
      // Not accepted yet: nobody runs it but its builders.
      expect((await owners()).body.items).toEqual([]);
      await request(server)
        .post(`${path}/transfer/${ref}/accept`)
        .set('Authorization', as('grace'))
        .expect(200);
      expect((await owners()).body.items).toEqual([
        {
          entityRef: 'component:default/forecast',
          operatingOwner: 'group:default/sre',
        },
      ]);
      // Only other plugins may ask: not a person, not a restricted token.
      const person = await request(server)
        .get(`${path}/operating-owners`)
        .set('Authorization', as('ada'));
      expect([401, 403]).toContain(person.status);
      // A drift breach now tells SRE, not the team that built it.
      await request(server)
        .post(`${path}/checks/${ref}`)
        .set('Authorization', ci)
        .send({ name: 'drift-weekly', kind: 'drift', status: 'fail' })
        .expect(201);
      expect(send).toHaveBeenCalledTimes(1);
      expect(send.mock.calls[0][0].recipients).toEqual({
        type: 'entity',
        entityRef: 'group:default/sre',
      });
    });

    it('voids an approval when the accountable owner changes, and says so on the gate', async () => {
      const server = await start();
      await approvedForHandOff(server);
      fixture.writeSpec(
        readySpec.replace(
          'raci: { accountable: user:default/ada }',
          'raci: { accountable: user:default/margaret }',
        ),
      );
      await request(server)
        .post(`${path}/specs/${ref}/refresh`)
        .set('Authorization', as('ada'))
        .expect(200);
      const readiness = await request(server).get(`${path}/readiness/${ref}`);
      const gate = readiness.body.gates.find(
        (g: any) => g.decision === 'hand-off',
      );
      expect(
        gate.requirements.find((r: any) => r.id === 'approval-accountable'),
      ).toMatchObject({
        met: false,
        reason:
          'Approval void: the accountable owner changed from user:default/ada to user:default/margaret. Approve again.',
      });
      const handOff = await decide(server, 'alan', {
        decision: 'hand-off',
        rationale: 'Ready',
        expectedSequence: 1,
        specVersion: 2,
      });
      expect(handOff.status).toBe(409);
      const excepted = await request(server)
        .post(`${path}/exceptions/${ref}`)
        .set('Authorization', as('alan'))
        .send({
          requirement: 'approval-accountable',
          justification: 'Margaret agreed in the hallway yesterday',
        });
      expect(excepted.status).toBe(409);
      expect(excepted.body.error.message).toMatch(/can never be waived/);
    });

    it('cancels a pending transfer when a later decision supersedes its hand-off', async () => {
      const server = await start();
      await approvedForHandOff(server);
      await decide(server, 'alan', {
        decision: 'hand-off',
        rationale: 'Ready',
        expectedSequence: 1,
      }).expect(201);
      await decide(server, 'ada', {
        decision: 'stop',
        rationale: 'Budget cut',
        expectedSequence: 2,
      }).expect(201);
      const late = await request(server)
        .post(`${path}/transfer/${ref}/accept`)
        .set('Authorization', as('grace'));
      expect(late.status).toBe(409);
      const readiness = await request(server).get(`${path}/readiness/${ref}`);
      expect(readiness.body.transfer.status).toBe('cancelled');
      const trail = await request(server).get(
        `${path}/audit?entityRef=component:default/forecast`,
      );
      expect(trail.body.items.map((e: any) => e.action)).toContain(
        'transfer:cancel',
      );
    });

    it('treats a drift breach as one state: gated decisions wait, every view shows it, the owner hears once', async () => {
      const send = jest.fn();
      const server = await start(undefined, [
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send }),
        }),
      ]);
      const post = (status: 'pass' | 'fail') =>
        request(server)
          .post(`${path}/checks/${ref}`)
          .set('Authorization', ci)
          .send({ name: 'drift-weekly', kind: 'drift', status })
          .expect(201);
      await post('fail');
      await post('fail');
      // One breach, one notification to the owner.
      expect(send).toHaveBeenCalledTimes(1);
      expect(send.mock.calls[0][0]).toMatchObject({
        recipients: { type: 'entity', entityRef: 'group:default/data-science' },
        payload: { title: expect.stringMatching(/^Review required: /) },
      });
      const readiness = await request(server).get(`${path}/readiness/${ref}`);
      expect(readiness.body.reviewRequired).toEqual(['drift-weekly']);
      const list = await request(server).get(`${path}/capabilities`);
      expect(list.body.items[0].reviewRequired).toEqual(['drift-weekly']);
      const audit = await request(server).get(
        `${path}/portfolio?gap=review-required`,
      );
      expect(audit.body.items.map((r: any) => r.entityRef)).toEqual([
        'component:default/forecast',
      ]);
      // No exception stands in for the review.
      const excepted = await request(server)
        .post(`${path}/exceptions/${ref}`)
        .set('Authorization', as('ada'))
        .send({
          requirement: 'review-required',
          justification: 'Seasonal drift, known and harmless',
        });
      expect(excepted.status).toBe(409);
      const waits = await decide(server, 'ada', {
        decision: 'start-review',
        rationale: 'Drift is seasonal',
        expectedSequence: 0,
      });
      expect(waits.status).toBe(409);
      expect(waits.body.error.message).toMatch(
        /Review required: drift-weekly failed/,
      );
      // The reporter's passing result clears it everywhere.
      await post('pass');
      const cleared = await request(server).get(
        `${path}/portfolio?gap=review-required`,
      );
      expect(cleared.body.items).toEqual([]);
      await decide(server, 'ada', {
        decision: 'start-review',
        rationale: 'Drift is back within tolerance',
        expectedSequence: 0,
      }).expect(201);
      // A new breach later is a new notification.
      await post('fail');
      expect(send).toHaveBeenCalledTimes(2);
    });

    it('lets only the reporter of a failing check post its next result', async () => {
      const server = await start();
      await request(server)
        .post(`${path}/checks/${ref}`)
        .set('Authorization', ci)
        .send({ name: 'drift-weekly', kind: 'drift', status: 'fail' })
        .expect(201);
      const cleared = await request(server)
        .post(`${path}/checks/${ref}`)
        .set('Authorization', as('ada'))
        .send({ name: 'drift-weekly', kind: 'drift', status: 'pass' });
      expect(cleared.status).toBe(403);
      expect(cleared.body.error.message).toBe(
        'The failing check drift-weekly was reported by external:ci; only external:ci can post its next result',
      );
      await request(server)
        .post(`${path}/checks/${ref}`)
        .set('Authorization', ci)
        .send({ name: 'drift-weekly', kind: 'drift', status: 'pass' })
        .expect(201);
      // A person's result is marked manual; a pipeline's is not.
      const manual = await request(server)
        .post(`${path}/checks/${ref}`)
        .set('Authorization', as('ada'))
        .send({ name: 'smoke', kind: 'test', status: 'pass' });
      expect(manual.body).toMatchObject({ manual: true });
      const checks = await request(server).get(`${path}/checks/${ref}`);
      expect(checks.body.latest.map((c: any) => [c.name, c.manual])).toEqual([
        ['drift-weekly', false],
        ['smoke', true],
      ]);
    });

    it('keeps the next review within the risk tier’s cadence', async () => {
      const server = await start();
      const far = await decide(server, 'ada', {
        decision: 'start-review',
        rationale: 'Pilot met WAPE',
        expectedSequence: 0,
        nextReviewAt: '2099-12-31',
      });
      expect(far.status).toBe(400);
      expect(far.body.error.message).toMatch(
        /^nextReviewAt: a medium-risk capability is reviewed at least every 90 days, so by \d{4}-\d{2}-\d{2} at the latest$/,
      );
      const past = await decide(server, 'ada', {
        decision: 'start-review',
        rationale: 'Pilot met WAPE',
        expectedSequence: 0,
        nextReviewAt: '2020-01-01',
      });
      expect(past.status).toBe(400);
      expect(past.body.error.message).toMatch(
        /nextReviewAt: must be tomorrow or later/,
      );
    });

    it('answers 400 with the field path, 404 and 401 for client mistakes, never 500', async () => {
      const server = await start();
      const bad = await decide(server, 'ada', {
        decision: 'fly',
        rationale: '',
        expectedSequence: -1,
        extra: true,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^Invalid body: /);
      expect(bad.body.error.message).toMatch(/decision: /);
      expect(bad.body.error.message).toMatch(/rationale: must say why/);
      expect(bad.body.error.message).toMatch(/expectedSequence: /);

      const badCheck = await request(server)
        .post(`${path}/checks/${ref}`)
        .set('Authorization', ci)
        .send({ name: 'Drift!', kind: 'drift', status: 'maybe', link: 'nope' });
      expect(badCheck.status).toBe(400);
      expect(badCheck.body.error.message).toMatch(
        /name: must be a lower-case name like drift-nightly/,
      );

      const notJson = await request(server)
        .post(`${path}/decisions/${ref}`)
        .set('Content-Type', 'application/json')
        .send('{"decision":');
      expect(notJson.status).toBe(400);

      const unknown = await decide(server, 'ada', {
        decision: 'stop',
        rationale: 'x',
        expectedSequence: 0,
      }).then(() =>
        request(server)
          .post(`${path}/decisions/component/default/nope`)
          .send({ decision: 'stop', rationale: 'x', expectedSequence: 0 }),
      );
      expect(unknown.status).toBe(404);

      // An entity Handoff does not govern takes no decision, check or
      // exception, and has no readiness.
      const notCapability = [
        request(server)
          .post(`${path}/decisions/group/default/sre`)
          .set('Authorization', as('grace'))
          .send({ decision: 'stop', rationale: 'x', expectedSequence: 0 }),
        request(server)
          .post(`${path}/checks/user/default/ada`)
          .set('Authorization', ci)
          .send({ name: 'smoke', kind: 'test', status: 'pass' }),
        request(server)
          .post(`${path}/exceptions/group/default/sre`)
          .set('Authorization', as('grace'))
          .send({
            requirement: 'rollback',
            justification: 'Not a capability at all, just a group',
          }),
        request(server).get(`${path}/readiness/user/default/ada`),
        request(server).get(`${path}/packet/group/default/sre`),
      ];
      for (const res of await Promise.all(notCapability)) {
        expect(res.status).toBe(404);
        expect(res.body.error.message).toMatch(
          /^(group:default\/sre|user:default\/ada) is not a capability: Handoff governs only entities with a handoff.dev\/spec or handoff.dev\/stage annotation$/,
        );
      }
      expect(
        await request(server).get(`${path}/decisions/group/default/sre`),
      ).toMatchObject({ status: 200, body: { items: [] } });

      const byService = await request(server)
        .post(`${path}/decisions/${ref}`)
        .set('Authorization', ci)
        .send({ decision: 'stop', rationale: 'x', expectedSequence: 1 });
      expect(byService.status).toBe(403);

      const anonymous = await request(server)
        .post(`${path}/decisions/${ref}`)
        .set('Authorization', mockCredentials.none.header())
        .send({});
      expect(anonymous.status).toBe(401);

      const badAudit = await request(server).get(`${path}/audit?limit=abc`);
      expect(badAudit.status).toBe(400);
    });

    it('judges an invalid spec on being valid alone, at the tier its risk profile says', async () => {
      const server = await start(
        readySpec
          .replace(
            'risk: { data: medium, customerImpact: medium, compliance: low, operationalDependency: medium }',
            'risk: { data: low, customerImpact: low, compliance: low, operationalDependency: low }',
          )
          .replace('target: 18,', 'target: [18],'),
      );
      const readiness = await request(server).get(`${path}/readiness/${ref}`);
      expect(readiness.body).toMatchObject({
        specValid: false,
        riskTier: 'low',
        reviewWithinDays: 180,
      });
      const gate = readiness.body.gates.find(
        (g: any) => g.decision === 'start-review',
      );
      expect(gate.met).toBe(false);
      expect(gate.requirements[0]).toMatchObject({
        id: 'spec-valid',
        met: false,
        waivable: false,
      });
      // The intent is there: nothing says it is not; and no low-tier gate
      // asks for a test plan.
      expect(JSON.stringify(gate)).not.toMatch(/Not in the spec yet/);
      expect(gate.requirements.map((r: any) => r.id)).not.toContain(
        'test-plan',
      );
      const waiver = await request(server)
        .post(`${path}/exceptions/${ref}`)
        .set('Authorization', as('alan'))
        .send({
          requirement: 'spec-valid',
          justification: 'The schema is wrong, not our spec',
        });
      expect(waiver.status).toBe(409);
      // An honest outcome is still open, and sets the low tier's review date.
      const reframe = await decide(server, 'ada', {
        decision: 'reframe',
        rationale: 'The spec needs a rethink',
        expectedSequence: 0,
      });
      expect(reframe.status).toBe(201);
      const days =
        (Date.parse(reframe.body.nextReviewAt) - Date.now()) / 86_400_000;
      expect(Math.round(days)).toBe(180);
    });

    it('refuses writes the permission policy denies, and writes nothing', async () => {
      const server = await start(undefined, [
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ]);
      const denied = await decide(server, 'ada', {
        decision: 'start-review',
        rationale: 'x',
        expectedSequence: 0,
      });
      expect(denied.status).toBe(403);
      expect(
        (await request(server).get(`${path}/decisions/${ref}`)).body.items,
      ).toEqual([]);
    });
  },
);
