import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { notificationService } from '@backstage/plugin-notifications-node';
import { handoffPlugin } from '../../plugin';
import { DatabaseReminderStore } from '../../database/DatabaseReminderStore';
import {
  capabilityFixture,
  readySpec,
  userInfoFactory,
} from '../../__testUtils__/fixtures';

jest.setTimeout(60_000);

const path = '/api/handoff';
const ref = 'component/default/forecast';
const entityRef = 'component:default/forecast';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const ci = mockCredentials.service.header({
  onBehalfOf: mockCredentials.service('external:ci'),
} as any);

/** The building team (data-science, the catalog owner) operates it itself. */
const builderSpec = readySpec.replace(
  /operatingOwner: group:default\/sre/,
  'operatingOwner: group:default/data-science',
);

const readout = {
  usage: { value: 1200, unit: 'forecasts', period: 'per week' },
  friction: 'Planners re-key the forecast into the ordering tool',
  incidents: 'none',
  ownerConfirmed: true,
  nextChange: 'Export straight into the ordering tool',
};

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'review cycles on %s',
  databaseId => {
    let fixture: ReturnType<typeof capabilityFixture>;
    let knex: Knex;
    afterEach(() => fixture.cleanup());

    /** A backend over one capability, its spec read. */
    async function start(
      spec = builderSpec,
      stage = 'pilot',
      annotations: Record<string, string> = {},
      extra: any[] = [],
    ) {
      fixture = capabilityFixture(spec, stage, annotations);
      const { server } = await startTestBackend({
        features: [
          handoffPlugin,
          fixture.catalog,
          userInfoFactory,
          mockServices.database.factory({
            knex: (knex = await databases.init(databaseId)),
          }),
          ...extra,
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
    const readiness = async (server: any) =>
      (await request(server).get(`${path}/readiness/${ref}`)).body;
    /** Moves the review date of the latest decision into the past, as time passing would. */
    const letReviewLapse = async () => {
      const latest = await knex('handoff_decisions')
        .where({ entity_ref: entityRef })
        .max('sequence as s')
        .first();
      await knex('handoff_decisions')
        .where({ entity_ref: entityRef, sequence: latest!.s })
        .update({ next_review_at: new Date(Date.now() - 86_400_000) });
    };

    it('walks pilot → readiness review → operate → review → review, setting and clearing the overdue flag', async () => {
      const server = await start();
      await decide(server, 'ada', {
        decision: 'start-review',
        rationale: 'The pilot met its WAPE target',
        expectedSequence: 0,
      }).expect(201);

      // A review is only possible after hand-off or in operation.
      const early = await decide(server, 'ada', {
        decision: 'review',
        rationale: 'x',
        expectedSequence: 1,
        readout,
      });
      expect(early.status).toBe(409);
      expect(early.body.error.message).toBe(
        'Cannot review from readiness-review; allowed: harden, hand-off, operate, reframe, stop',
      );

      // The building team operates it: approved by the accountable owner,
      // recorded by a colleague (separation of duties), no transfer.
      await request(server)
        .post(`${path}/approvals/${ref}`)
        .set('Authorization', as('ada'))
        .send({ decision: 'operate', role: 'accountable' })
        .expect(201);
      await letReviewLapse();
      expect((await readiness(server)).overdue).toBe(true);
      const operate = await decide(server, 'alan', {
        decision: 'operate',
        rationale: 'We built it and we run it',
        expectedSequence: 1,
      });
      expect(operate.status).toBe(201);
      expect(operate.body).toMatchObject({
        fromStage: 'readiness-review',
        toStage: 'operating',
        gate: { met: true },
      });
      // Moving on is not reviewing: the passed review date stays.
      let state = await readiness(server);
      expect(state).toMatchObject({ stage: 'operating', overdue: true });
      expect(state.transfer).toBeUndefined();
      expect(state.gates.map((g: any) => g.decision)).toEqual([
        'harden',
        'review',
        'reframe',
        'stop',
      ]);

      // The review needs its readout, field by field.
      const bare = await decide(server, 'alan', {
        decision: 'review',
        rationale: 'Quarterly review',
        expectedSequence: 2,
      });
      expect(bare.status).toBe(400);
      expect(bare.body.error.message).toMatch(
        /readout: a review needs its readout/,
      );
      const unconfirmed = await decide(server, 'alan', {
        decision: 'review',
        rationale: 'Quarterly review',
        expectedSequence: 2,
        readout: { ...readout, ownerConfirmed: false, friction: ' ' },
      });
      expect(unconfirmed.status).toBe(400);
      expect(unconfirmed.body.error.message).toMatch(/readout\.friction: /);
      expect(unconfirmed.body.error.message).toMatch(
        /readout\.ownerConfirmed: the owner must confirm they still own it/,
      );
      // Someone who neither operates nor owns it cannot review it.
      const stranger = await decide(server, 'grace', {
        decision: 'review',
        rationale: 'Looks fine to me',
        expectedSequence: 2,
        readout,
      });
      expect(stranger.status).toBe(403);
      expect(stranger.body.error.message).toMatch(
        /Only group:default\/data-science \(or a member\) can record a review/,
      );

      const first = await decide(server, 'alan', {
        decision: 'review',
        rationale: 'Quarterly review: in steady use',
        expectedSequence: 2,
        readout,
      });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        decision: 'review',
        fromStage: 'operating',
        toStage: 'operating',
        specVersion: 1,
        readout,
      });
      state = await readiness(server);
      expect(state).toMatchObject({
        stage: 'operating',
        overdue: false,
        lastReview: { sequence: 3, by: 'user:default/alan' },
      });
      const days = (Date.parse(state.nextReviewAt) - Date.now()) / 86_400_000;
      expect(Math.round(days)).toBe(90);

      // The spec changes in the next cycle; the second review shows what changed.
      fixture.writeSpec(
        builderSpec.replace(
          'acceptanceCriteria: [A forecast every Monday]',
          'acceptanceCriteria: [A forecast every Monday, Exported to the ordering tool]',
        ),
      );
      await request(server)
        .post(`${path}/specs/${ref}/refresh`)
        .set('Authorization', as('ada'))
        .expect(200);
      await letReviewLapse();
      expect((await readiness(server)).overdue).toBe(true);
      const beyond = await decide(server, 'ada', {
        decision: 'review',
        rationale: 'Second review',
        expectedSequence: 3,
        readout,
        nextReviewAt: '2099-01-01',
      });
      expect(beyond.status).toBe(400);
      expect(beyond.body.error.message).toMatch(/^nextReviewAt: /);
      await decide(server, 'ada', {
        decision: 'review',
        rationale: 'Second review: export shipped',
        expectedSequence: 3,
        readout: { ...readout, friction: 'none', incidents: 'One late run' },
      }).expect(201);
      expect((await readiness(server)).overdue).toBe(false);

      const cycles = await request(server)
        .get(`${path}/cycles/${ref}`)
        .expect(200);
      expect(
        cycles.body.items.map((c: any) => [
          c.sequence,
          c.reviewedBy,
          c.sinceSpecVersion,
          c.specVersion,
          c.changes,
        ]),
      ).toEqual([
        [
          4,
          'user:default/ada',
          1,
          2,
          [{ artifact: 'acceptanceCriteria', change: 'changed' }],
        ],
        [3, 'user:default/alan', 1, 1, []],
      ]);
      // The packet carries the playbook with both cycles.
      const packet = await request(server)
        .get(`${path}/packet/${ref}?format=markdown`)
        .expect(200);
      expect(packet.text).toContain('## Operating playbook');
      expect(packet.text).toMatch(
        /\| 4 \| \d{4}-\d\d-\d\d \| user:default\/ada \| 1200 forecasts per week \| none \| One late run \|/,
      );
      // Each review is in the audit trail.
      const trail = await request(server)
        .get(`${path}/audit?entityRef=${entityRef}`)
        .expect(200);
      expect(
        trail.body.items.filter((e: any) => e.action === 'decision:review'),
      ).toHaveLength(2);

      // A review that finds something to fix takes it back to hardening.
      await decide(server, 'ada', {
        decision: 'harden',
        rationale: 'Review found the export brittle',
        expectedSequence: 4,
      }).expect(201);
      expect((await readiness(server)).stage).toBe('hardening');

      // What hardening changes belongs to the next review's cycle, even
      // though operating starts again after it.
      fixture.writeSpec(
        builderSpec
          .replace(
            'acceptanceCriteria: [A forecast every Monday]',
            'acceptanceCriteria: [A forecast every Monday, Exported to the ordering tool]',
          )
          .replace(
            'intent: { problem: Warehouses run out of seasonal stock }',
            'intent: { problem: Warehouses run out of seasonal stock and overstock in spring }',
          ),
      );
      await request(server)
        .post(`${path}/specs/${ref}/refresh`)
        .set('Authorization', as('ada'))
        .expect(200);
      await decide(server, 'ada', {
        decision: 'start-review',
        rationale: 'Hardened',
        expectedSequence: 5,
      }).expect(201);
      await request(server)
        .post(`${path}/approvals/${ref}`)
        .set('Authorization', as('ada'))
        .send({ decision: 'operate', role: 'accountable' })
        .expect(201);
      await decide(server, 'alan', {
        decision: 'operate',
        rationale: 'Back in operation',
        expectedSequence: 6,
      }).expect(201);
      await decide(server, 'ada', {
        decision: 'review',
        rationale: 'Third review',
        expectedSequence: 7,
        readout,
      }).expect(201);
      const third = (
        await request(server).get(`${path}/cycles/${ref}`).expect(200)
      ).body.items[0];
      expect([
        third.sequence,
        third.sinceSpecVersion,
        third.specVersion,
      ]).toEqual([8, 2, 3]);
      expect(third.changes).toEqual([
        { artifact: 'intent', change: 'changed' },
      ]);
    });

    it('records what each cycle measured for the success criteria, refuses other metrics, and flags a criterion missed twice', async () => {
      const server = await start();
      await decide(server, 'ada', {
        decision: 'start-review',
        rationale: 'The pilot met its WAPE target',
        expectedSequence: 0,
      }).expect(201);
      await request(server)
        .post(`${path}/approvals/${ref}`)
        .set('Authorization', as('ada'))
        .send({ decision: 'operate', role: 'accountable' })
        .expect(201);
      await decide(server, 'alan', {
        decision: 'operate',
        rationale: 'We run it',
        expectedSequence: 1,
      }).expect(201);
      // The review form offers the spec's criteria.
      expect((await readiness(server)).successCriteria).toEqual([
        { metric: 'WAPE', target: 18, unit: 'percent' },
      ]);

      // A metric the spec does not name, or named twice: 400, nothing kept.
      const unknown = await decide(server, 'ada', {
        decision: 'review',
        rationale: 'Cycle 1',
        expectedSequence: 2,
        readout: {
          ...readout,
          kpis: [{ metric: 'Accuracy', measured: 0.9, met: true }],
        },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toBe(
        'readout.kpis[0].metric: "Accuracy" is not a success criterion of the spec; its criteria are: WAPE',
      );
      const twice = await decide(server, 'ada', {
        decision: 'review',
        rationale: 'Cycle 1',
        expectedSequence: 2,
        readout: {
          ...readout,
          kpis: [
            { metric: 'WAPE', measured: 17, met: true },
            { metric: 'wape', measured: 19, met: false },
          ],
        },
      });
      expect(twice.status).toBe(400);
      expect(twice.body.error.message).toMatch(
        /readout\.kpis\.1\.metric: is measured twice in this review|readout\.kpis\[1\]\.metric: is measured twice in this review/,
      );
      const notSaid = await decide(server, 'ada', {
        decision: 'review',
        rationale: 'Cycle 1',
        expectedSequence: 2,
        readout: { ...readout, kpis: [{ metric: 'WAPE', measured: 17 }] },
      });
      expect(notSaid.status).toBe(400);
      expect(notSaid.body.error.message).toBe(
        'Invalid body: readout.kpis[0].met: is required',
      );

      const measure = (sequence: number, measured: number, met: boolean) =>
        decide(server, 'ada', {
          decision: 'review',
          rationale: `Cycle ${sequence - 2}`,
          expectedSequence: sequence,
          readout: { ...readout, kpis: [{ metric: 'WAPE', measured, met }] },
        }).expect(201);
      await measure(2, 17, true);
      await measure(3, 21, false);
      let cycles = (await request(server).get(`${path}/cycles/${ref}`)).body;
      expect(cycles.kpis).toEqual([
        {
          metric: 'WAPE',
          target: 18,
          unit: 'percent',
          points: [
            expect.objectContaining({ sequence: 3, measured: 17, met: true }),
            expect.objectContaining({ sequence: 4, measured: 21, met: false }),
          ],
          missedTwice: false,
        },
      ]);
      const gapped = async () =>
        (
          await knex('handoff_capability_state')
            .where({ entity_ref: entityRef })
            .first('kpi_missed')
        ).kpi_missed;
      expect(Boolean(await gapped())).toBe(false);

      // Missed again: flagged on the card's data and in the audit's state.
      await measure(4, 22, false);
      cycles = (await request(server).get(`${path}/cycles/${ref}`)).body;
      expect(cycles.kpis[0].missedTwice).toBe(true);
      expect(Boolean(await gapped())).toBe(true);

      // The packet's playbook lists the criterion against each cycle.
      const packet = await request(server)
        .get(`${path}/packet/${ref}?format=markdown`)
        .set('Authorization', as('ada'));
      expect(packet.text).toMatch(
        /\n- WAPE \(target 18 percent\): \d{4}-\d\d-\d\d 17 \(met\), \d{4}-\d\d-\d\d 21 \(missed\), \d{4}-\d\d-\d\d 22 \(missed\) — missed in the last two cycles\n/,
      );

      // Met at the next review: the flag goes.
      await measure(5, 16, true);
      expect(Boolean(await gapped())).toBe(false);
    });

    it('lets a recorded review clear a drift breach, keeps a pending transfer through it, and a new breach needs a new review and is told again', async () => {
      const send = jest.fn();
      const server = await start(readySpec, 'readiness-review', {}, [
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send }),
        }),
      ]);
      // Handed off to SRE, who has not accepted yet.
      await request(server)
        .post(`${path}/approvals/${ref}`)
        .set('Authorization', as('ada'))
        .send({ decision: 'hand-off', role: 'accountable' })
        .expect(201);
      await decide(server, 'alan', {
        decision: 'hand-off',
        rationale: 'Ready for SRE',
        expectedSequence: 0,
      }).expect(201);
      const fail = () =>
        request(server)
          .post(`${path}/checks/${ref}`)
          .set('Authorization', ci)
          .send({ name: 'drift-weekly', kind: 'drift', status: 'fail' })
          .expect(201);
      await fail();
      expect((await readiness(server)).reviewRequired).toEqual([
        'drift-weekly',
      ]);
      await decide(server, 'ada', {
        decision: 'review',
        rationale: 'Governance review: the drift is the holiday season',
        expectedSequence: 1,
        readout: { ...readout, incidents: 'drift-weekly failed on 12 Dec' },
      }).expect(201);
      let state = await readiness(server);
      expect(state.reviewRequired).toEqual([]);
      // The failing check still fails (waivable only by an exception) and is
      // marked as reviewed.
      expect(state.failingChecks).toEqual(['drift-weekly']);
      const checks = await request(server).get(`${path}/checks/${ref}`);
      expect(checks.body.latest[0]).toMatchObject({
        status: 'fail',
        reviewedIn: 2,
      });
      // The review kept the hand-off's transfer: SRE accepts it now.
      expect(state.transfer).toMatchObject({ status: 'pending' });
      await request(server)
        .post(`${path}/transfer/${ref}/accept`)
        .set('Authorization', as('grace'))
        .expect(200);
      const audit = await request(server).get(
        `${path}/portfolio?gap=review-required`,
      );
      expect(audit.body.items).toEqual([]);
      expect(send).toHaveBeenCalledTimes(1);
      // The next failing result is a new breach, and its owner hears of it.
      await fail();
      state = await readiness(server);
      expect(state.reviewRequired).toEqual(['drift-weekly']);
      expect(send).toHaveBeenCalledTimes(2);
      await fail();
      expect(send).toHaveBeenCalledTimes(2);
    });

    it('shows a capability registered with a past review date as overdue everywhere until a review, and never lets the annotation push a review out', async () => {
      const register = (nextReview: string) =>
        start(readySpec, 'operating', {
          'handoff.dev/next-review': nextReview,
        });
      const server = await register('2026-10-15');
      let state = await readiness(server);
      expect(state).toMatchObject({
        nextReviewAt: '2026-10-15T00:00:00.000Z',
        overdue: true,
      });
      let audit = await request(server).get(`${path}/portfolio?gap=overdue`);
      expect(audit.body.items.map((r: any) => r.entityRef)).toEqual([
        entityRef,
      ]);
      await decide(server, 'ada', {
        decision: 'review',
        rationale: 'First review in Handoff',
        expectedSequence: 0,
        readout,
      }).expect(201);
      state = await readiness(server);
      expect(state.overdue).toBe(false);
      audit = await request(server).get(`${path}/portfolio?gap=overdue`);
      expect(audit.body.items).toEqual([]);
      fixture.cleanup();

      // A date past the first cadence (90 days, medium risk) is not believed.
      const later = await register('2099-01-01');
      state = await readiness(later);
      const days = (Date.parse(state.nextReviewAt) - Date.now()) / 86_400_000;
      expect(Math.round(days)).toBe(90);
    });

    it('never reviews a capability registered as stopped: no next review, no overdue, no hand-off gaps, no reminder', async () => {
      const server = await start(
        readySpec.replace(
          '  rollback: { procedure: Point planning back at last year }\n',
          '',
        ),
        'stopped',
        { 'handoff.dev/next-review': '2026-10-15' },
      );
      const state = await readiness(server);
      expect(state.stage).toBe('stopped');
      expect(state.nextReviewAt).toBeUndefined();
      expect(state.overdue).toBe(false);
      for (const gap of [
        'overdue',
        'missing-artifacts',
        'no-operating-owner',
        'review-required',
      ]) {
        const audit = await request(server).get(`${path}/portfolio?gap=${gap}`);
        expect([gap, audit.body.items]).toEqual([gap, []]);
      }
      const row = await request(server).get(`${path}/portfolio`);
      expect(row.body.items[0]).toMatchObject({ stage: 'stopped' });
      expect(row.body.items[0].nextReviewAt).toBeUndefined();
      const undecided = await new DatabaseReminderStore(knex).undecidedSpecs();
      expect(undecided.map(u => u.entityRef)).toEqual([]);
    });

    it('keeps an overdue review when a capability only moves on, and an exception recorded then still runs a full cadence', async () => {
      const withoutPilot = readySpec.slice(0, readySpec.indexOf('pilot:'));
      const server = await start(withoutPilot, 'pilot', {
        'handoff.dev/next-review': '2026-10-15',
      });
      expect((await readiness(server)).overdue).toBe(true);
      const asked = await request(server)
        .post(`${path}/exceptions/${ref}`)
        .set('Authorization', as('ada'))
        .send({
          requirement: 'pilot-evidence',
          justification: 'The pilot users gave feedback by phone only',
        })
        .expect(201);
      await request(server)
        .post(`${path}/exceptions/${ref}/${asked.body.id}/answer`)
        .set('Authorization', as('margaret'))
        .send({ answer: 'grant', note: 'Phone notes are on file' })
        .expect(200);
      const res = await decide(server, 'ada', {
        decision: 'start-review',
        rationale: 'Review the pilot now',
        expectedSequence: 0,
      });
      expect(res.status).toBe(201);
      // Moving on is not reviewing: the passed date stays...
      expect(res.body.nextReviewAt).toBe('2026-10-15T00:00:00.000Z');
      // ...but the exception does not end before it was recorded.
      const days =
        (Date.parse(res.body.exception.expiresAt) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(90);
      expect(days).toBeLessThanOrEqual(91);
      const expired = await request(server).get(
        `${path}/portfolio?gap=exception-expired`,
      );
      expect(expired.body.items).toEqual([]);
    });
  },
);
