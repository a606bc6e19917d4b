import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { handoffPlugin } from '../plugin';
import { DatabaseProjectionStore } from '../database/ProjectionStore';
import { DatabaseHandoffStore } from '../database/DatabaseHandoffStore';
import { Knex } from 'knex';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const DAY = 24 * 60 * 60 * 1000;

describe.each(databases.eachSupportedId())('GET /flow on %s', databaseId => {
  async function start(
    policy:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
    more?: (knex: Knex) => Promise<void>,
  ) {
    const knex = await databases.init(databaseId);
    // A trail recorded over the past weeks. The API never takes a date from
    // a caller, so history older than today is written to the tables before
    // the plugin starts, which counts the facts of every trail it finds.
    await DatabaseHandoffStore.migrate(knex);
    const ago = (days: number) => new Date(Date.now() - days * DAY);
    let sequence = 0;
    const decision = (
      entityRef: string,
      d: string,
      from: string | null,
      to: string,
      daysAgo: number,
      extra: Record<string, unknown> = {},
    ) => ({
      entity_ref: entityRef,
      sequence: ++sequence,
      decision: d,
      from_stage: from,
      to_stage: to,
      actor: 'user:default/ada',
      rationale: 'test',
      created_at: ago(daysAgo),
      ...extra,
    });
    const a = 'component:default/a';
    const b = 'component:default/B-Mixed';
    await knex('handoff_decisions').insert([
      decision(a, 'register', null, 'proposed', 50),
      decision(a, 'start-pilot', 'proposed', 'pilot', 40),
      decision(a, 'start-review', 'pilot', 'readiness-review', 20),
      decision(a, 'hand-off', 'readiness-review', 'handed-off', 10),
      decision(a, 'operate', 'handed-off', 'operating', 6),
    ]);
    sequence = 0;
    await knex('handoff_decisions').insert([
      decision(b, 'start-pilot', 'proposed', 'pilot', 130),
      decision(b, 'start-review', 'pilot', 'readiness-review', 100),
      decision(b, 'hand-off', 'readiness-review', 'handed-off', 5, {
        exception_justification: 'the load test waits for the new cluster',
      }),
    ]);
    await knex('handoff_transfers').insert([
      {
        entity_ref: a,
        decision_sequence: 4,
        to_owner: 'group:default/sre',
        status: 'accepted',
        accepted_by: 'user:default/sam',
        accepted_at: ago(8),
        created_at: ago(10),
      },
      {
        entity_ref: b,
        decision_sequence: 3,
        to_owner: 'group:default/sre',
        status: 'pending',
        created_at: ago(5),
      },
    ]);
    await more?.(knex);
    const { server } = await startTestBackend({
      features: [
        handoffPlugin,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.database.factory({ knex }),
        mockServices.permissions.factory({ result: policy }),
      ],
    });
    return { server, knex };
  }
  const user = mockCredentials.user.header('user:default/ada');

  it('gives the last 90 days and the 90 before from the decision trail', async () => {
    const { server } = await start();
    const res = await request(server)
      .get('/api/handoff/flow')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body.days).toBe(90);
    const { current, previous } = res.body;
    expect(current.timeInStage).toEqual({
      proposed: { count: 1, median: 10, p85: 10 },
      // a: 20 days (b's pilot ended 100 days ago, in the period before).
      pilot: { count: 1, median: 20, p85: 20 },
      // a: 10; b: 95.
      'readiness-review': { count: 2, median: 10, p85: 95 },
      'handed-off': { count: 1, median: 4, p85: 4 },
    });
    expect(current.leadTime.fromProposed).toEqual({
      count: 1,
      median: 44,
      p85: 44,
    });
    expect(current.leadTime.fromPilot).toMatchObject({ count: 1, median: 34 });
    expect(current.handoffTurnaround).toEqual({
      count: 1,
      median: 2,
      p85: 2,
      waiting: 1,
    });
    expect(current.exceptions).toEqual({ decisions: 6, withException: 1 });
    // b's pilot, from 130 to 100 days ago, is the period before's.
    expect(previous.exceptions).toEqual({ decisions: 2, withException: 0 });
    expect(previous.timeInStage).toEqual({
      pilot: { count: 1, median: 30, p85: 30 },
    });
  });

  it('counts work items due in the window: closed by their due time, late, or still open', async () => {
    const ago = (days: number) => new Date(Date.now() - days * DAY);
    let id = 0;
    const item = (
      dueDaysAgo: number,
      status: string,
      statusDaysAgo: number,
    ) => ({
      key: `component:default/a:4:delivery:${++id}`,
      entity_ref: 'component:default/a',
      source: 'delivery',
      title: `Item ${id}`,
      body: '',
      due_at: ago(dueDaysAgo),
      status,
      status_by: 'user:default/sam',
      status_at: ago(statusDaysAgo),
      revision: 1,
      created_at: ago(30),
    });
    const { server } = await start(AuthorizeResult.ALLOW, async knex => {
      await knex('handoff_work_items').insert([
        item(20, 'done', 22), // on time
        item(12, 'wont-do', 3), // closed, late
        item(15, 'in-progress', 14), // open past due
        item(200, 'open', 200), // due before both windows
      ]);
      await knex('handoff_work_items').insert({
        ...item(0, 'open', 1),
        due_at: null, // no due date: never past due
      });
    });
    const res = await request(server)
      .get('/api/handoff/flow?days=90')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body.current.work).toEqual({
      due: 3,
      onTime: 1,
      late: 1,
      open: 1,
    });
    expect(res.body.previous.work.due).toBe(0);
    const behind = await request(server)
      .get('/api/handoff/flow/capabilities?days=90')
      .set('Authorization', user);
    expect(
      behind.body.items.find((c: any) => c.entityRef === 'component:default/a'),
    ).toMatchObject({ workDue: 3, workPastDue: 2 });
  });

  it('takes 30, 90 or 365 days and nothing else, and only for audit readers', async () => {
    const { server } = await start();
    const month = await request(server)
      .get('/api/handoff/flow?days=30')
      .set('Authorization', user);
    expect(month.status).toBe(200);
    expect(month.body.current.exceptions.decisions).toBe(4);
    for (const bad of ['days=7', 'days=', 'days=90&days=30', 'window=90']) {
      const res = await request(server)
        .get(`/api/handoff/flow?${bad}`)
        .set('Authorization', user);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
    const { server: denied } = await start(AuthorizeResult.DENY);
    for (const path of ['/flow', '/flow/capabilities', '/flow.csv']) {
      const anonymous = await request(server)
        .get(`/api/handoff${path}`)
        .set('Authorization', mockCredentials.none.header());
      expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
      const refused = await request(denied)
        .get(`/api/handoff${path}`)
        .set('Authorization', user);
      expect({ path, status: refused.status }).toEqual({ path, status: 403 });
    }
  });

  it('narrows by the portfolio filters, lists the capabilities behind the figures, by week and as CSV', async () => {
    const { server, knex } = await start();
    const projection = await DatabaseProjectionStore.create({
      database: mockServices.database({ knex, migrations: { skip: true } }),
    });
    await projection.upsert(
      [
        { entityRef: 'group:default/ml', kind: 'group' },
        { entityRef: 'group:default/web', kind: 'group' },
        {
          entityRef: 'component:default/a',
          kind: 'component',
          title: 'Churn model',
          ownerRef: 'group:default/ml',
          specLocation: './handoff.yaml',
        },
        {
          entityRef: 'component:default/b-mixed',
          kind: 'component',
          ownerRef: 'group:default/web',
          specLocation: './handoff.yaml',
        },
      ],
      new Date(),
    );
    const get = (query: string) =>
      request(server)
        .get(`/api/handoff/flow?${query}`)
        .set('Authorization', user);

    const capabilitiesOf = (query: string) =>
      request(server)
        .get(`/api/handoff/flow/capabilities?${query}`)
        .set('Authorization', user);
    const all = await get('days=90');
    expect(all.body.current.exceptions.decisions).toBe(6);
    const behind = await capabilitiesOf('days=90');
    expect(behind.body).toMatchObject({
      days: 90,
      offset: 0,
      limit: 100,
      totalCount: 2,
    });
    expect(behind.body.items).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/a',
        title: 'Churn model',
        owner: 'group:default/ml',
        stage: 'operating',
        daysInStage: 6,
        daysToOperating: 44,
        daysToAccept: 2,
        waitingForAcceptance: false,
        decisions: 5,
        withException: 0,
      }),
      expect.objectContaining({
        entityRef: 'component:default/B-Mixed',
        stage: 'handed-off',
        daysInStage: 5,
        waitingForAcceptance: true,
        decisions: 1,
        withException: 1,
      }),
    ]);
    // 13 weeks (the last ends now), the hand-off accepted 8 days ago in
    // the week before the last.
    expect(all.body.weeks).toHaveLength(13);
    expect(all.body.weeks.map((w: any) => w.handoffsAccepted)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
    ]);
    expect(all.body.weeks[12].to).toBe(all.body.current.to);

    // Broken down by owner: each owner's figures are its own capabilities'.
    const owners = all.body.groups.filter((g: any) => g.by === 'owner');
    expect(owners.map((g: any) => [g.key, g.capabilities]).sort()).toEqual([
      ['group:default/ml', 1],
      ['group:default/web', 1],
    ]);

    // The portfolio's own filters: owner (with child groups), risk, text…
    const ml = await get('days=90&owner=group:default/ml');
    expect(ml.status).toBe(200);
    expect(ml.body.current.exceptions).toEqual({
      decisions: 5,
      withException: 0,
    });
    expect(
      (await capabilitiesOf('days=90&owner=group:default/ml')).body.items.map(
        (c: any) => c.entityRef,
      ),
    ).toEqual(['component:default/a']);
    const mlOwner = ml.body.groups.find((g: any) => g.by === 'owner');
    expect(mlOwner.key).toBe('group:default/ml');
    expect(mlOwner.figures).toEqual(ml.body.current);
    const none = await get('days=90&q=nothing-matches');
    expect(none.body.current.exceptions.decisions).toBe(0);
    expect(
      (await capabilitiesOf('days=90&q=nothing-matches')).body,
    ).toMatchObject({ items: [], totalCount: 0 });

    // A page at a time, and those behind one tile.
    const second = await capabilitiesOf('days=90&offset=1&limit=1');
    expect(second.body).toMatchObject({ offset: 1, limit: 1, totalCount: 2 });
    expect(second.body.items.map((c: any) => c.entityRef)).toEqual([
      'component:default/B-Mixed',
    ]);
    const waiting = await capabilitiesOf('days=90&behind=waiting');
    expect(waiting.body.items.map((c: any) => c.entityRef)).toEqual([
      'component:default/B-Mixed',
    ]);
    const operating = await capabilitiesOf('days=90&behind=operating');
    expect(operating.body.items.map((c: any) => c.entityRef)).toEqual([
      'component:default/a',
    ]);
    for (const query of [
      'behind=nope',
      'limit=0',
      'limit=501',
      'offset=-1',
      'offset=x',
      'limit=1&limit=2',
    ]) {
      const res = await capabilitiesOf(query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
    const bad = await get('days=90&stage=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/stage/);

    const csv = await request(server)
      .get('/api/handoff/flow.csv?days=90&owner=group:default/web')
      .set('Authorization', user);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="handoff-flow-90-days.csv"',
    );
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe(
      'entityRef,title,owner,tier,stage,daysInStage,daysToOperating,daysToAccept,waitingForAcceptance,reviewsDue,reviewsLate,decisions,withException,workDue,workPastDue',
    );
    expect(lines.slice(1)).toEqual([
      'component:default/B-Mixed,,group:default/web,,handed-off,5,,,yes,0,0,1,1,0,0',
    ]);
  });
});
