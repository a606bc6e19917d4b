import {
  TestDatabases,
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
import { handoffModuleJiraTracker } from './module';

jest.setTimeout(60_000);

/*
 * Jira's webhook through a real backend: signed "issue updated" events move
 * the work item their issue was filed for; anything else is refused or
 * ignored.
 */

const SECRET = 'a-jira-webhook-secret';
const entityRef = 'component:default/forecast';
const route = '/api/handoff/webhooks/jira';
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const updated = (category: string, status: string, resolution?: string) =>
  JSON.stringify({
    webhookEvent: 'jira:issue_updated',
    issue: {
      key: 'PLAT-7',
      fields: {
        status: { name: status, statusCategory: { key: category } },
        resolution: resolution ? { name: resolution } : null,
        assignee: { displayName: 'Grace Hopper' },
      },
    },
  });

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('the Jira webhook', () => {
  let knex: Knex;

  async function start(jira: object = { webhookSecret: SECRET }) {
    knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        handoffPlugin,
        handoffModuleJiraTracker,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            handoff: {
              jira: {
                baseUrl: 'https://acme.atlassian.net',
                auth: { email: 'bot@acme.com', apiToken: 't' },
                ...jira,
              },
            },
          },
        }),
      ],
    });
    // A work item whose issue the worker filed as PLAT-7.
    await request(server).get('/api/handoff/health').expect(200);
    await knex('handoff_work_items').insert({
      key: `${entityRef}#decision:2#take-over:take-over`,
      entity_ref: entityRef,
      source: 'take-over',
      title: 'Take over forecast',
      body: 'x',
      status: 'open',
      status_by: 'user:default/alan',
      status_at: new Date(),
      revision: 1,
      created_at: new Date(),
      tracker: 'jira',
      ticket_id: 'PLAT-7',
      ticket_url: 'https://acme.atlassian.net/browse/PLAT-7',
      delivered_revision: 1,
    });
    return server;
  }
  const item = () =>
    knex('handoff_work_items').where({ ticket_id: 'PLAT-7' }).first();
  const post = (server: any, body: string, signature?: string) =>
    request(server)
      .post(route)
      .set({
        'content-type': 'application/json',
        ...(signature && { 'x-hub-signature': signature }),
      })
      .send(body);

  it('moves the item its issue was filed for: declined closes it as won’t do, reopened opens it', async () => {
    const server = await start();
    const declined = updated('done', "Won't Do", "Won't Do");
    const res = await post(server, declined, sign(declined));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ changed: true });
    expect(await item()).toMatchObject({
      status: 'wont-do',
      status_by: 'plugin:handoff/jira',
      status_note: "PLAT-7 in jira: Won't Do",
      ticket_assignee: 'Grace Hopper',
    });
    expect((await post(server, declined, sign(declined))).body).toEqual({
      changed: false,
    });
    const reopened = updated('new', 'To Do');
    await post(server, reopened, sign(reopened)).expect(202);
    expect((await item()).status).toBe('open');
  });

  it('refuses what Jira did not sign and ignores other events', async () => {
    const server = await start();
    const done = updated('done', 'Done', 'Done');
    for (const signature of [undefined, sign(done, 'other'), 'sha256=1']) {
      expect((await post(server, done, signature)).status).toBe(401);
    }
    const created = JSON.stringify({
      webhookEvent: 'jira:issue_created',
      issue: { key: 'PLAT-7' },
    });
    expect((await post(server, created, sign(created))).body).toEqual({
      changed: false,
    });
    expect((await item()).status).toBe('open');
    // Without a secret there is no webhook.
    const bare = await start({});
    expect((await post(bare, done, sign(done))).status).toBe(404);
  });
});
