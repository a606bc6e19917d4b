import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The plugin this module extends, as a backend runs them together.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import handoffPlugin from '@handoff/backstage-plugin-handoff-backend';
import { createHmac } from 'crypto';
import { Knex } from 'knex';
import request from 'supertest';
import { handoffModuleGithubTracker } from './module';

jest.setTimeout(60_000);

/*
 * GitHub's webhook through a real backend: the plugin with this module,
 * signed "issues" events moving the work item their issue was filed for,
 * and everything else refused or ignored.
 */

const SECRET = 'a-webhook-secret';
const entityRef = 'component:default/forecast';
const route = '/api/handoff/webhooks/github';

const sign = (body: string | Buffer, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const issueEvent = (action: string, extra: object = {}) =>
  JSON.stringify({
    action,
    issue: {
      number: 7,
      state: action === 'closed' ? 'closed' : 'open',
      state_reason: null,
      assignee: { login: 'octocat' },
      ...extra,
    },
    repository: { full_name: 'acme/forecast' },
  });

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('the GitHub webhook', () => {
  let knex: Knex;

  async function start(github: object = { webhookSecret: SECRET }) {
    knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        handoffPlugin,
        handoffModuleGithubTracker,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'forecast', namespace: 'default' },
              spec: { owner: 'group:default/data-science' },
            },
          ],
        }),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            integrations: { github: [{ host: 'github.com', token: 't' }] },
            handoff: { github: { repository: 'acme/forecast', ...github } },
          },
        }),
      ],
    });
    return server;
  }

  /** The breach item, as if the worker had filed it as acme/forecast#7. */
  async function filed() {
    await knex('handoff_work_items').insert({
      key: `${entityRef}#check#breach:drift-weekly:1`,
      entity_ref: entityRef,
      source: 'breach',
      cause: 'drift-weekly',
      title: 'Fix the drift breach',
      body: 'x',
      status: 'open',
      status_by: 'external:ci',
      status_at: new Date(),
      revision: 1,
      created_at: new Date(),
      tracker: 'github',
      ticket_id: 'acme/forecast#7',
      ticket_url: 'https://github.com/acme/forecast/issues/7',
      delivered_revision: 1,
    });
    return () =>
      knex('handoff_work_items')
        .where({ ticket_id: 'acme/forecast#7' })
        .first();
  }

  const post = (server: any, body: string | Buffer, headers: object) =>
    request(server)
      .post(route)
      .set({ 'content-type': 'application/json', ...headers })
      .send(body);

  it('a signed "closed as not planned" closes the item as won’t do; a replay changes nothing; a reopen reopens it', async () => {
    const server = await start();
    const item = await filed();
    // The Work card says where unfiled work will go.
    const work = await request(server)
      .get('/api/handoff/work/component/default/forecast')
      .set('Authorization', mockCredentials.user.header('user:default/ada'))
      .expect(200);
    expect(work.body.tracker).toBe('github');
    const closed = issueEvent('closed', { state_reason: 'not_planned' });
    const first = await post(server, closed, {
      'x-github-event': 'issues',
      'x-hub-signature-256': sign(closed),
    });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ changed: true });
    expect(await item()).toMatchObject({
      status: 'wont-do',
      status_by: 'plugin:handoff/github',
      status_note: 'acme/forecast#7 in github: closed as not planned',
      ticket_assignee: 'octocat',
    });
    const again = await post(server, closed, {
      'x-github-event': 'issues',
      'x-hub-signature-256': sign(closed),
    });
    expect(again.body).toEqual({ changed: false });
    const reopened = issueEvent('reopened');
    await post(server, reopened, {
      'x-github-event': 'issues',
      'x-hub-signature-256': sign(reopened),
    }).expect(202);
    expect((await item()).status).toBe('open');
    const trail = await knex('handoff_audit_log')
      .where({ entity_ref: entityRef, action: 'work:status' })
      .pluck('actor');
    expect(trail).toEqual(['plugin:handoff/github', 'plugin:handoff/github']);
  });

  it('refuses what GitHub did not sign, and ignores what is not about a ticket Handoff filed', async () => {
    const server = await start();
    const item = await filed();
    const closed = issueEvent('closed');
    for (const signature of [
      undefined,
      'sha256=00',
      sign(closed, 'another-secret'),
      sign(`${closed} `),
    ]) {
      const res = await post(server, closed, {
        'x-github-event': 'issues',
        ...(signature && { 'x-hub-signature-256': signature }),
      });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe(
        'The request is not signed by github with the configured webhook secret',
      );
    }
    expect((await item()).status).toBe('open');

    // Another repository's issue, another event, a pull request: ignored.
    for (const [event, body] of [
      [
        'issues',
        issueEvent('closed', {}).replace('acme/forecast', 'acme/other'),
      ],
      ['push', closed],
      [
        'issues',
        JSON.stringify({ action: 'closed', repository: { full_name: '../x' } }),
      ],
    ]) {
      const res = await post(server, body, {
        'x-github-event': event,
        'x-hub-signature-256': sign(body),
      });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ changed: false });
    }
    expect((await item()).status).toBe('open');

    // Signed but not JSON: 400. Too large: 413. Another tracker's path: 404.
    const junk = 'not json';
    await post(server, junk, {
      'x-github-event': 'issues',
      'x-hub-signature-256': sign(junk),
    }).expect(400);
    const huge = Buffer.alloc(2 * 1024 * 1024, 'a');
    const large = await post(server, huge, {
      'x-github-event': 'issues',
      'x-hub-signature-256': sign(huge),
    });
    expect(large.status).toBe(413);
    await request(server)
      .post('/api/handoff/webhooks/jira')
      .send('{}')
      .expect(404);
  });

  it('is not there without a webhook secret', async () => {
    const server = await start({});
    const closed = issueEvent('closed');
    const res = await post(server, closed, {
      'x-github-event': 'issues',
      'x-hub-signature-256': sign(closed),
    });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('No webhook for github is set up here');
  });
});
