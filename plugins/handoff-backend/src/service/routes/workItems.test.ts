import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'fs';
import { Knex } from 'knex';
import nodePath from 'path';
import request from 'supertest';
import { handoffPlugin } from '../../plugin';
import {
  capabilityFixture,
  readySpec,
  userInfoFactory,
} from '../../__testUtils__/fixtures';
import { DatabaseHandoffStore } from '../../database/DatabaseHandoffStore';
import { closeMetHardenWork } from '../../work/closeMetHardenWork';
import { WorkflowService } from '../WorkflowService';

jest.setTimeout(60_000);

const path = '/api/handoff';
const ref = 'component/default/forecast';
const entityRef = 'component:default/forecast';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const ci = mockCredentials.service.header({
  onBehalfOf: mockCredentials.service('external:ci'),
} as any);

/** The ready spec, with one piece of work for the platform team and a RACI. */
const specWithWork = readySpec
  .replace(
    'raci: { accountable: user:default/ada }',
    'raci: { accountable: user:default/ada, responsible: [user:default/alan], consulted: [group:default/risk-and-compliance], informed: [group:default/sre] }',
  )
  .concat(
    `deliveryWork:
  - title: Move the forecast job to the shared scheduler
    description: Run it on the platform's scheduler instead of the team's cron box
    team: group:default/sre
    specPaths: [deployment.checklist]
`,
  );

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('work items on %s', databaseId => {
  let fixture: ReturnType<typeof capabilityFixture>;
  let knex: Knex;
  afterEach(() => fixture.cleanup());

  async function start(spec = specWithWork, policy?: string) {
    fixture = capabilityFixture(spec, 'pilot');
    const policyFile = nodePath.join(fixture.dir, 'policy.yaml');
    if (policy) fs.writeFileSync(policyFile, policy);
    const { server } = await startTestBackend({
      features: [
        handoffPlugin,
        fixture.catalog,
        userInfoFactory,
        mockServices.database.factory({
          knex: (knex = await databases.init(databaseId)),
        }),
        ...(policy
          ? [
              mockServices.rootConfig.factory({
                data: { handoff: { policy: policyFile } },
              }),
            ]
          : []),
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
  const work = async (server: any) =>
    (await request(server).get(`${path}/work/${ref}`).expect(200)).body;
  const setStatus = (server: any, user: string, id: unknown, body: object) =>
    request(server)
      .patch(`${path}/work/${ref}/${id}`)
      .set('Authorization', as(user))
      .send(body);

  /** Review started by Ada, hand-off approved by Ada, recorded by Alan. */
  async function handOff(server: any) {
    await decide(server, 'ada', {
      decision: 'start-review',
      rationale: 'The pilot met its target',
      expectedSequence: 0,
    }).expect(201);
    await request(server)
      .post(`${path}/approvals/${ref}`)
      .set('Authorization', as('ada'))
      .send({ decision: 'hand-off', role: 'accountable' })
      .expect(201);
    await decide(server, 'alan', {
      decision: 'hand-off',
      rationale: 'All gates met',
      expectedSequence: 1,
    }).expect(201);
  }

  it('a hand-off creates the take-over item and one per delivery work, once; accepting it finishes the take-over', async () => {
    const server = await start();
    expect(await work(server)).toEqual({ items: [], summary: 'No work items' });
    await handOff(server);

    const { items, summary } = await work(server);
    expect(summary).toBe('0 of 2 work items done');
    expect(items).toEqual([
      expect.objectContaining({
        key: `${entityRef}#decision:2#take-over:take-over`,
        source: 'take-over',
        title: 'Take over forecast',
        assignee: 'group:default/sre',
        watchers: ['group:default/risk-and-compliance', 'group:default/sre'],
        decisionSequence: 2,
        specVersion: 1,
        status: 'open',
        statusBy: 'user:default/alan',
        revision: 1,
      }),
      expect.objectContaining({
        source: 'delivery',
        title: 'Move the forecast job to the shared scheduler',
        assignee: 'group:default/sre',
        specPaths: ['deployment.checklist'],
        cause: 'deliveryWork[0]',
      }),
    ]);
    // The take-over carries the packet's place, the spec version and the gate.
    expect(items[0].body).toContain(
      '/catalog/default/component/forecast/handoff',
    );
    expect(items[0].body).toContain('Spec version: 1');
    expect(items[0].body).toMatch(/Gate: \d+ of \d+ requirements met/);
    // Due by the decision's next review.
    const decision = await knex('handoff_decisions')
      .where({ entity_ref: entityRef, sequence: 2 })
      .first();
    expect(Date.parse(items[0].dueAt)).toBe(
      new Date(decision.next_review_at).getTime(),
    );
    // Without a tracker installed there is no ticket to show.
    expect(items[0].ticket).toBeUndefined();

    await request(server)
      .post(`${path}/transfer/${ref}/accept`)
      .set('Authorization', as('grace'))
      .expect(200);
    const after = await work(server);
    expect(after.summary).toBe('1 of 2 work items done');
    expect(after.items[0]).toMatchObject({
      status: 'done',
      statusBy: 'user:default/grace',
      statusNote: 'The hand-off was accepted.',
      revision: 2,
    });

    // The packet carries the work, as the card shows it.
    const packet = await request(server)
      .get(`${path}/packet/${ref}?format=markdown`)
      .expect(200);
    expect(packet.text).toContain('## Work\n\n1 of 2 work items done.');
    expect(packet.text).toContain('| Take over forecast | group:default/sre |');
    // The note is inert text: its parentheses escaped.
    expect(packet.text).toContain('Done \\(The hand-off was accepted.\\)');
    const json = await request(server)
      .get(`${path}/packet/${ref}?format=json`)
      .expect(200);
    expect(json.body.work).toHaveLength(2);

    // Every change is in the trail.
    const trail = await knex('handoff_audit_log')
      .where({ entity_ref: entityRef })
      .where('action', 'like', 'work:%')
      .orderBy('id')
      .pluck('action');
    expect(trail).toEqual(['work:create', 'work:create', 'work:status']);
  });

  it('a status change: by the receiving team, at the revision seen, on this capability only', async () => {
    const server = await start();
    await handOff(server);
    const [, delivery] = (await work(server)).items;

    // Not the assignee, not an owner: refused, and nothing changes.
    const stranger = await request(server)
      .patch(`${path}/work/${ref}/${delivery.id}`)
      .set(
        'Authorization',
        mockCredentials.user.header('user:default/margaret'),
      )
      .send({ status: 'done', expectedRevision: 1 });
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.message).toMatch(/Only .*group:default\/sre/);

    // Grace (SRE, the assignee) starts it, then finishes it.
    const started = await setStatus(server, 'grace', delivery.id, {
      status: 'in-progress',
      expectedRevision: 1,
    });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({
      status: 'in-progress',
      statusBy: 'user:default/grace',
      revision: 2,
    });
    // A second writer who saw revision 1 loses, with a 409.
    const stale = await setStatus(server, 'alan', delivery.id, {
      status: 'wont-do',
      expectedRevision: 1,
    });
    expect(stale.status).toBe(409);
    const done = await setStatus(server, 'grace', delivery.id, {
      status: 'done',
      expectedRevision: 2,
      note: 'Runs on the shared scheduler since Monday',
    });
    expect(done.body).toMatchObject({
      status: 'done',
      statusNote: 'Runs on the shared scheduler since Monday',
    });

    // Odd input: a clear 400 naming the field, or a 404; never a 500.
    for (const [id, body, status, message] of [
      ['abc', { status: 'done', expectedRevision: 3 }, 400, /id: /],
      ['1.5', { status: 'done', expectedRevision: 3 }, 400, /id: /],
      [
        delivery.id,
        { status: 'closed', expectedRevision: 3 },
        400,
        /status: must be one of open, in-progress, done, wont-do/,
      ],
      [delivery.id, { status: 'done' }, 400, /expectedRevision/],
      [
        delivery.id,
        { status: 'done', expectedRevision: 3, statusBy: 'user:default/ada' },
        400,
        /statusBy/,
      ],
      [
        delivery.id,
        { status: 'done', expectedRevision: 3, note: 'x'.repeat(2001) },
        400,
        /note: must be at most 2000/,
      ],
      [
        999999,
        { status: 'done', expectedRevision: 1 },
        404,
        /has no work item 999999/,
      ],
    ] as const) {
      const res = await setStatus(server, 'grace', id, body);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
    }
    // Another capability's item is not reachable through this one.
    await knex('handoff_work_items').insert({
      key: 'component:default/other#decision:1#take-over:take-over',
      entity_ref: 'component:default/other',
      source: 'take-over',
      title: 'Take over other',
      body: 'x',
      status: 'open',
      status_by: 'user:default/ada',
      status_at: new Date(),
      revision: 1,
      created_at: new Date(),
    });
    const other = await knex('handoff_work_items')
      .where({ entity_ref: 'component:default/other' })
      .first();
    const across = await setStatus(server, 'ada', other.id, {
      status: 'done',
      expectedRevision: 1,
    });
    expect(across.status).toBe(404);
    expect(
      (await knex('handoff_work_items').where({ id: other.id }).first()).status,
    ).toBe('open');
    // Unauthenticated callers get nothing.
    await request(server)
      .get(`${path}/work/${ref}`)
      .set('Authorization', 'Bearer nope')
      .expect(401);
  });

  it('a policy may hold operating after a hand-off until its work is done', async () => {
    const policy = `${fs.readFileSync(
      require.resolve(
        '@handoff/backstage-plugin-handoff-common/default-gate-policy.yaml',
      ),
      'utf8',
    )}
  - id: hand-off-work
    description: The take-over and delivery work is done
    decisions: [operate-after-hand-off]
    require: { work: { done: [take-over, delivery] } }
`;
    const server = await start(specWithWork, policy);
    await handOff(server);
    await request(server)
      .post(`${path}/transfer/${ref}/accept`)
      .set('Authorization', as('grace'))
      .expect(200);
    const early = await decide(server, 'grace', {
      decision: 'operate',
      rationale: 'SRE runs it',
      expectedSequence: 2,
    });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(
      /The take-over and delivery work is done \(Not done yet: Move the forecast job to the shared scheduler\)/,
    );
    const delivery = (await work(server)).items[1];
    await setStatus(server, 'grace', delivery.id, {
      status: 'done',
      expectedRevision: delivery.revision,
    }).expect(200);
    await decide(server, 'grace', {
      decision: 'operate',
      rationale: 'SRE runs it',
      expectedSequence: 2,
    }).expect(201);
  });

  it('the audit shows a capability whose open work is past due, until it is done', async () => {
    const server = await start();
    await handOff(server);
    const pastDue = async () =>
      (
        await request(server)
          .get(`${path}/portfolio?gap=work-past-due`)
          .expect(200)
      ).body.items.map((i: any) => i.entityRef);
    expect(await pastDue()).toEqual([]);
    // Time passes: the take-over's due date is behind us. The next change
    // to the capability's work brings it to the audit.
    const [takeOver, delivery] = (await work(server)).items;
    await knex('handoff_work_items')
      .where({ id: takeOver.id })
      .update({ due_at: new Date(Date.now() - 86_400_000) });
    await setStatus(server, 'grace', delivery.id, {
      status: 'in-progress',
      expectedRevision: 1,
    }).expect(200);
    expect(await pastDue()).toEqual([entityRef]);
    const readiness = (
      await request(server).get(`${path}/readiness/${ref}`).expect(200)
    ).body;
    expect(readiness.work).toEqual({ total: 2, closed: 0, pastDue: 1 });
    // Accepting the hand-off finishes the take-over: no work past due.
    await request(server)
      .post(`${path}/transfer/${ref}/accept`)
      .set('Authorization', as('grace'))
      .expect(200);
    expect(await pastDue()).toEqual([]);
  });

  it('a decision that leaves handed-off cancels the hand-off work', async () => {
    const server = await start();
    await handOff(server);
    await decide(server, 'ada', {
      decision: 'reframe',
      rationale: 'The planners want a different horizon',
      expectedSequence: 2,
    }).expect(201);
    const { items } = await work(server);
    expect(items.map((i: any) => [i.source, i.status, i.statusNote])).toEqual([
      [
        'take-over',
        'wont-do',
        'The hand-off was superseded by the decision to reframe.',
      ],
      [
        'delivery',
        'wont-do',
        'The hand-off was superseded by the decision to reframe.',
      ],
    ]);
  });

  it('hardening lists what the hand-off gate lacks, and each item closes once it is met', async () => {
    const noRollback = specWithWork.replace(
      '  rollback: { procedure: Point planning back at last year }\n',
      '',
    );
    const server = await start(noRollback);
    await decide(server, 'ada', {
      decision: 'start-review',
      rationale: 'The pilot met its target',
      expectedSequence: 0,
    }).expect(201);
    await decide(server, 'ada', {
      decision: 'harden',
      rationale: 'No way back yet',
      expectedSequence: 1,
    }).expect(201);
    const { items } = await work(server);
    const rollback = items.find((i: any) => i.cause === 'rollback');
    expect(rollback).toMatchObject({
      source: 'harden',
      assignee: 'user:default/alan',
      specPaths: ['deployment.rollback.procedure'],
      status: 'open',
    });
    // People's approvals are not hardening work.
    expect(items.map((i: any) => i.cause)).not.toContain(
      'approval-accountable',
    );
    expect(items.every((i: any) => i.source === 'harden')).toBe(true);

    // The spec gains its rollback; the next sweep closes the item.
    fixture.writeSpec(specWithWork);
    await request(server)
      .post(`${path}/specs/${ref}/refresh`)
      .set('Authorization', as('ada'))
      .expect(200);
    const store = await DatabaseHandoffStore.create({
      database: mockServices.database({ knex, migrations: { skip: true } }),
    });
    const catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'forecast', namespace: 'default', annotations: {} },
          spec: { owner: 'group:default/data-science' },
        },
      ],
    });
    const auth = mockServices.auth();
    const closed = await closeMetHardenWork({
      store,
      workflow: new WorkflowService({
        store,
        catalog,
        auth,
        userInfo: mockServices.userInfo(),
        complianceApprovers: [],
      }),
      catalog,
      auth,
    });
    expect(closed).toBe(1);
    const after = (await work(server)).items.find(
      (i: any) => i.cause === 'rollback',
    );
    expect(after).toMatchObject({
      status: 'done',
      statusBy: 'plugin:handoff',
      statusNote: 'The requirement is met now.',
    });
  });

  it('a drift breach opens one item until the check passes; a review puts its next change on the backlog', async () => {
    const server = await start();
    const post = (status: string) =>
      request(server)
        .post(`${path}/checks/${ref}`)
        .set('Authorization', ci)
        .send({
          name: 'drift-weekly',
          kind: 'drift',
          status,
          details: 'units mean shift 0.4',
        })
        .expect(201);
    await post('fail');
    await post('fail');
    let items = (await work(server)).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      source: 'breach',
      cause: 'drift-weekly',
      title: 'Fix the drift breach of forecast: drift-weekly',
      assignee: 'user:default/alan',
      statusBy: 'external:ci',
    });
    await post('pass');
    items = (await work(server)).items;
    expect(items[0]).toMatchObject({
      status: 'done',
      statusNote: 'The check passes again.',
    });
    // A new breach later is a new item.
    await post('fail');
    expect((await work(server)).items).toHaveLength(2);
    await post('pass');

    await handOff(server);
    await decide(server, 'grace', {
      decision: 'review',
      rationale: 'First cycle',
      expectedSequence: 2,
      readout: {
        usage: { value: 1200, unit: 'forecasts', period: 'per week' },
        friction: 'Planners re-key the forecast',
        incidents: 'none',
        ownerConfirmed: true,
        nextChange: 'Export straight into the ordering tool',
      },
    });
    const next = (await work(server)).items.find(
      (i: any) => i.source === 'next-change',
    );
    expect(next).toMatchObject({
      title: 'Next change for forecast',
      decisionSequence: 3,
    });
    expect(next.body).toMatch(/^Export straight into the ordering tool/);
  });
});
