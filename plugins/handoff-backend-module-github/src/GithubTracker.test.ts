import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ScmIntegrations } from '@backstage/integration';
import {
  TrackerError,
  TrackerTicket,
} from '@handoff/backstage-plugin-handoff-node';
import { setupServer } from 'msw/node';
import { fakeGithub } from './__testUtils__/fakeGithub';
import { GithubTracker, keyLabel } from './GithubTracker';

const TOKEN = 'ghp_secretsecretsecret';
const server = setupServer();
registerMswTestHooks(server);

const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'forecast',
    namespace: 'default',
    title: 'Demand forecast',
    annotations,
  },
  spec: { owner: 'group:default/data-science' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/data-science' }],
});

const group = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'data-science', namespace: 'default', annotations },
  spec: { type: 'team', children: [] },
});

function tracker(
  options: {
    host?: string;
    apiBaseUrl?: string;
    repository?: string;
    owner?: Entity;
  } = {},
) {
  const host = options.host ?? 'github.com';
  return new GithubTracker({
    integrations: ScmIntegrations.fromConfig(
      new ConfigReader({
        integrations: {
          github: [
            {
              host,
              token: TOKEN,
              ...(options.apiBaseUrl && { apiBaseUrl: options.apiBaseUrl }),
            },
          ],
        },
      }),
    ),
    host: options.host,
    repository: options.repository,
    ownerOf: async () => options.owner,
  });
}

const ticket = (extra: Partial<TrackerTicket> = {}): TrackerTicket => ({
  key: 'component:default/forecast#decision:2#take-over:take-over',
  entity: entity({ 'github.com/project-slug': 'acme/forecast' }),
  source: 'take-over',
  title: 'Take over Demand forecast',
  body: 'Demand forecast was handed off to group:default/sre.',
  assignee: 'group:default/sre',
  watchers: ['group:default/risk-and-compliance'],
  dueAt: '2027-03-07T06:00:00.000Z',
  status: 'open',
  link: 'https://portal.example.com/catalog/default/component/forecast/handoff',
  ...extra,
});

describe('GithubTracker', () => {
  let github: ReturnType<typeof fakeGithub>;
  beforeEach(() => {
    github = fakeGithub({ owner: 'acme', repo: 'forecast' });
    server.use(github.handler);
  });
  afterEach(() => {
    // Every request and response agreed with GitHub's OpenAPI description.
    if (github.state.violations.length) {
      throw new Error(github.state.violations.join('\n'));
    }
  });

  it('files an issue carrying its key, once: the next delivery updates it', async () => {
    const t = tracker();
    const filed = await t.deliver(ticket());
    expect(filed).toEqual({
      id: 'acme/forecast#1',
      url: 'https://github.com/acme/forecast/issues/1',
    });
    const [issue] = github.state.issues;
    expect(issue.labels).toEqual(['handoff', keyLabel(ticket().key)]);
    expect(keyLabel(ticket().key)).toMatch(/^handoff:[0-9a-f]{12}$/);
    expect(issue.body).toContain(
      '<!-- handoff-key: component%3Adefault%2Fforecast%23decision%3A2%23take-over%3Atake-over -->',
    );
    expect(issue.body).toContain('**Assignee:** `group:default/sre`');
    expect(issue.body).toContain('**Due:** 2027-03-07');
    expect(issue.body).toContain(
      '[Demand forecast](https://portal.example.com/catalog/default/component/forecast/handoff)',
    );
    // Sent with the integration's token.
    expect(github.state.requests[0].auth).toBe(`token ${TOKEN}`);

    // Delivered again (say its status changed): found by its label, updated.
    await t.deliver(ticket({ status: 'done' }));
    expect(github.state.issues).toHaveLength(1);
    expect(github.state.issues[0]).toMatchObject({
      state: 'closed',
      state_reason: 'completed',
    });
  });

  it('finds the issue a crashed run filed, on the second page of its label, and files nothing twice', async () => {
    const label = keyLabel(ticket().key);
    // 100 pull requests and unrelated issues carry the label; the real one is 101st.
    for (let i = 0; i < 100; i++) {
      github.seed({
        title: `noise ${i}`,
        body: 'no marker',
        state: 'open',
        state_reason: null,
        labels: [label],
        pull_request: i % 2 === 0,
      });
    }
    const mine = github.seed({
      title: 'Take over Demand forecast',
      body: `filed before the crash\n<!-- handoff-key: ${encodeURIComponent(
        ticket().key,
      )} -->`,
      state: 'open',
      state_reason: null,
      labels: ['handoff', label],
    });
    const filed = await tracker().deliver(ticket());
    expect(filed.id).toBe(`acme/forecast#${mine.number}`);
    expect(github.state.issues).toHaveLength(101);
    const listed = github.state.requests.filter(r => r.method === 'GET');
    expect(
      listed.map(r => new URL(r.path, 'https://x').searchParams.get('page')),
    ).toEqual([null, '2']);
    expect(github.state.requests.some(r => r.method === 'POST')).toBe(false);
  });

  it('keeps what people wrote inert: no HTML, mentions, references or links of theirs, and GitHub’s length limits', async () => {
    await tracker().deliver(
      ticket({
        title: `@acme/security please look\n${'x'.repeat(400)}`,
        body: 'cc @acme/sre <img src=x onerror=alert(1)> see #12 and [click](https://evil.example.com) ![pic](https://evil.example.com/p.png)',
      }),
    );
    const [issue] = github.state.issues;
    expect(issue.title.length).toBeLessThanOrEqual(256);
    expect(issue.title).not.toContain('\n');
    expect(issue.body).not.toMatch(/@acme\/sre/);
    expect(issue.body).toContain('@\u200dacme/sre');
    expect(issue.body).not.toContain('<img');
    expect(issue.body).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(issue.body).not.toMatch(/(^|[^\\])#12/);
    expect(issue.body).not.toContain('[click](https://evil.example.com)');
    expect(issue.body).toContain('\\[click\\]\\(https://evil.example.com\\)');
    expect(issue.body).toContain('\\!\\[pic\\]');
    const long = await tracker().deliver(
      ticket({ key: 'k2', body: 'y'.repeat(100_000) }),
    );
    expect(long.id).toBe('acme/forecast#2');
    expect(github.state.issues[1].body.length).toBeLessThan(65_536);
  });

  it('closes as not planned for won’t do, and reads closed tickets back', async () => {
    const t = tracker();
    const filed = await t.deliver(ticket({ status: 'wont-do' }));
    expect(github.state.issues[0]).toMatchObject({
      state: 'closed',
      state_reason: 'not_planned',
    });
    expect(await t.read({ ...filed, entity: entity() })).toMatchObject({
      status: 'wont-do',
      resolution: 'closed as not planned',
    });
    await t.deliver(ticket({ status: 'open', filed }));
    expect(await t.read({ ...filed, entity: entity() })).toMatchObject({
      status: 'open',
    });
    github.state.issues[0].state = 'closed';
    github.state.issues[0].state_reason = 'completed';
    expect(await t.read({ ...filed, entity: entity() })).toMatchObject({
      status: 'done',
      resolution: 'closed as completed',
    });
  });

  it.each([
    [
      401,
      {},
      { permanent: true },
      /refused Handoff's credentials for acme\/forecast on github.com \(401\)/,
    ],
    [
      404,
      {},
      { permanent: true },
      /No repository acme\/forecast on github.com, or Handoff's credentials cannot see it \(404\)/,
    ],
    [
      410,
      {},
      { permanent: true },
      /Issues are turned off in acme\/forecast on github.com, or it is gone \(410\)/,
    ],
    [
      403,
      {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 120),
      },
      { permanent: false },
      /rate limit/,
    ],
    [
      429,
      { 'retry-after': '30' },
      { permanent: false, retryAfterMs: 30_000 },
      /rate limit/,
    ],
    [403, {}, { permanent: true }, /may not write issues in acme\/forecast/],
    [
      500,
      {},
      { permanent: false },
      /GitHub answered 500 for acme\/forecast on github.com; Handoff tries again/,
    ],
  ])(
    'a %s from GitHub becomes a plain reason that never carries the token',
    async (status, headers, expected, message) => {
      github.failNext(status, headers as Record<string, string>);
      const error = await tracker()
        .deliver(ticket())
        .catch(e => e);
      expect(error).toBeInstanceOf(TrackerError);
      expect(error.message).toMatch(message);
      expect(error).toMatchObject(expected);
      expect(
        JSON.stringify({ ...error, message: error.message }),
      ).not.toContain(TOKEN);
      // Waits until the limit resets (two minutes here), or as told.
      expect(error.retryAfterMs ?? 0).toBeLessThanOrEqual(120_000);
      expect(github.state.issues).toHaveLength(0);
    },
  );

  it('finds the repository on the entity, else its owning group, else the configured one; none is a plain reason', async () => {
    const onGroup = tracker({
      owner: group({ 'github.com/project-slug': 'acme/forecast' }),
    });
    await onGroup.deliver(ticket({ entity: entity() }));
    const configured = tracker({ repository: 'acme/forecast' });
    await configured.deliver(ticket({ key: 'k3', entity: entity() }));
    expect(github.state.issues).toHaveLength(2);

    const none = await tracker({ owner: group() })
      .deliver(ticket({ entity: entity() }))
      .catch(e => e);
    expect(none).toMatchObject({
      permanent: true,
      message:
        'No GitHub repository for component:default/forecast: add the github.com/project-slug annotation to it or to its owning group, or set handoff.github.repository',
    });
    const odd = await tracker()
      .deliver(
        ticket({
          entity: entity({ 'github.com/project-slug': '../../orgs/acme' }),
        }),
      )
      .catch(e => e);
    expect(odd).toMatchObject({ permanent: true });
    expect(odd.message).toMatch(/must be written owner\/name/);
    // Two deliveries (a lookup and a create each); the refused ones sent nothing.
    expect(github.state.requests).toHaveLength(4);
  });

  it('files on GitHub Enterprise through the integration’s API base URL', async () => {
    const ghe = fakeGithub({
      apiBaseUrl: 'https://github.example.com/api/v3',
      webBaseUrl: 'https://github.example.com',
      owner: 'acme',
      repo: 'forecast',
    });
    server.use(ghe.handler);
    const filed = await tracker({
      host: 'github.example.com',
      apiBaseUrl: 'https://github.example.com/api/v3',
    }).deliver(ticket());
    expect(filed.url).toBe('https://github.example.com/acme/forecast/issues/1');
    expect(ghe.state.issues).toHaveLength(1);
    expect(ghe.state.violations).toEqual([]);
    expect(github.state.issues).toHaveLength(0);
  });
});
