import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  TrackerError,
  TrackerTicket,
} from '@handoff/backstage-plugin-handoff-node';
import { setupServer } from 'msw/node';
import { fakeJira } from './__testUtils__/fakeJira';
import { JiraAuth, JiraTracker, jiraKeyLabel } from './JiraTracker';

const API_TOKEN = 'jira-api-token-secret';
const PAT = 'jira-personal-access-token-secret';
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
});

const ticket = (extra: Partial<TrackerTicket> = {}): TrackerTicket => ({
  key: 'component:default/forecast#decision:2#take-over:take-over',
  entity: entity({ 'jira/project-key': 'PLAT' }),
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

const deployments: Array<
  [string, 2 | 3, 'cloud' | 'datacenter', string, JiraAuth]
> = [
  [
    'Jira Cloud',
    3,
    'cloud',
    'https://acme.atlassian.net',
    { email: 'handoff@acme.com', apiToken: API_TOKEN },
  ],
  [
    'Jira Data Center',
    2,
    'datacenter',
    'https://jira.acme.com',
    { personalAccessToken: PAT },
  ],
];

describe.each(deployments)(
  'JiraTracker on %s',
  (_label, version, deployment, baseUrl, auth) => {
    let jira: ReturnType<typeof fakeJira>;
    const tracker = (extra: { project?: string; owner?: Entity } = {}) =>
      new JiraTracker({
        baseUrl,
        deployment,
        auth,
        project: extra.project,
        ownerOf: async () => extra.owner,
      });
    beforeEach(() => {
      jira = fakeJira({ baseUrl, version, project: 'PLAT' });
      server.use(jira.handler);
    });

    it('files an issue carrying its key, once; the next delivery edits it and moves it through the workflow', async () => {
      const t = tracker();
      const filed = await t.deliver(ticket());
      expect(filed).toEqual({
        id: 'PLAT-1',
        url: `${baseUrl}/browse/PLAT-1`,
      });
      const [issue] = jira.state.issues;
      expect(issue.labels).toEqual(['handoff', jiraKeyLabel(ticket().key)]);
      expect(jiraKeyLabel(ticket().key)).toMatch(/^handoff-[0-9a-f]{12}$/);
      expect(JSON.stringify(issue.description)).toContain(ticket().key);
      // The site's own authentication: Cloud basic, Data Center a bearer token.
      expect(jira.state.requests[0].auth).toBe(
        'email' in auth
          ? `Basic ${Buffer.from(`${auth.email}:${API_TOKEN}`).toString(
              'base64',
            )}`
          : `Bearer ${PAT}`,
      );

      // Delivered again, done: found by its label, edited, moved to Done.
      await t.deliver(ticket({ status: 'done' }));
      expect(jira.state.issues).toHaveLength(1);
      expect(issue).toMatchObject({ status: 'Done', resolution: 'Done' });
      expect(await t.read({ ...filed, entity: entity() })).toMatchObject({
        status: 'done',
        resolution: 'Done',
      });

      // Reopened, then declined in Jira: read back as won't do.
      await t.deliver(ticket({ status: 'open', filed }));
      expect(issue.status).toBe('To Do');
      await t.deliver(ticket({ status: 'wont-do', filed }));
      expect(issue).toMatchObject({ status: "Won't Do" });
      expect(await t.read({ ...filed, entity: entity() })).toMatchObject({
        status: 'wont-do',
        resolution: "Won't Do",
      });
      expect(
        jira.state.requests.filter(
          r => r.method === 'POST' && r.path === '/issue',
        ),
      ).toHaveLength(1);
    });

    it('finds the issue a crashed run filed by its label, and files nothing twice', async () => {
      jira.seed({
        summary: 'someone else’s',
        description: 'no key here',
        labels: [jiraKeyLabel(ticket().key)],
        status: 'To Do',
      });
      const mine = jira.seed({
        summary: 'Take over Demand forecast',
        description: `filed before the crash. Handoff key: ${ticket().key}`,
        labels: ['handoff', jiraKeyLabel(ticket().key)],
        status: 'To Do',
      });
      const filed = await tracker().deliver(ticket());
      expect(filed.id).toBe(mine.key);
      expect(jira.state.issues).toHaveLength(2);
      const search = jira.state.requests.find(r => r.method === 'GET');
      expect(new URL(search!.path, 'https://x').searchParams.get('jql')).toBe(
        `project = "PLAT" AND labels = "${jiraKeyLabel(
          ticket().key,
        )}" ORDER BY created ASC`,
      );
    });

    it('keeps what people wrote literal: no markup, no mentions, within Jira’s limits', async () => {
      await tracker().deliver(
        ticket({
          title: `[~admin] {color:red}urgent{color}\n${'x'.repeat(400)}`,
          body: 'cc [~sre-lead] @sre {noformat}{code}x{code} [click|https://evil.example.com] !https://evil.example.com/p.png!',
        }),
      );
      const [issue] = jira.state.issues;
      expect(issue.summary.length).toBeLessThanOrEqual(255);
      expect(issue.summary).not.toContain('\n');
      // Cloud: Atlassian Document Format with text nodes only (no mention,
      // link or mark). Data Center: the text inside one {noformat} block it
      // cannot close.
      const nodeTypes = new Set<string>();
      let marks = 0;
      const walk = (n: any) => {
        nodeTypes.add(n.type);
        if (n.marks) marks += 1;
        (n.content ?? []).forEach(walk);
      };
      const literal =
        deployment === 'cloud'
          ? (walk(issue.description),
            {
              nodeTypes: [...nodeTypes].sort(),
              marks,
              kept: JSON.stringify(issue.description).includes(
                'cc [~sre-lead] @sre',
              ),
            })
          : {
              startsInside: (issue.description as string).startsWith(
                '{noformat}\ncc [~sre-lead] @sre { noformat}',
              ),
              blocks: (issue.description as string).match(/\{noformat\}/g)
                ?.length,
            };
      expect(literal).toEqual(
        deployment === 'cloud'
          ? { nodeTypes: ['doc', 'paragraph', 'text'], marks: 0, kept: true }
          : { startsInside: true, blocks: 2 },
      );
      await tracker().deliver(ticket({ key: 'k2', body: 'y'.repeat(100_000) }));
      expect(
        JSON.stringify(jira.state.issues[1].description).length,
      ).toBeLessThan(32_767);
    });

    it.each([
      [
        401,
        undefined,
        {},
        { permanent: true },
        /refused Handoff's credentials for PLAT on .* \(401\)/,
      ],
      [
        403,
        undefined,
        {},
        { permanent: true },
        /may not create or change issues in PLAT/,
      ],
      [
        404,
        undefined,
        {},
        { permanent: true },
        /No Jira project or issue PLAT on .*\(404\)/,
      ],
      [
        400,
        {
          errorMessages: [],
          errors: { issuetype: 'Specify a valid issue type' },
        },
        {},
        { permanent: true },
        /Jira refused the issue in PLAT on .* \(400\): issuetype: Specify a valid issue type/,
      ],
      [
        429,
        undefined,
        { 'retry-after': '42' },
        { permanent: false, retryAfterMs: 42_000 },
        /rate limit/,
      ],
      [
        503,
        undefined,
        {},
        { permanent: false },
        /Jira answered 503 for PLAT on .*; Handoff tries again/,
      ],
    ])(
      'a %s from Jira becomes a plain reason that never carries the credentials',
      async (status, body, headers, expected, message) => {
        jira.failNext(status, body, headers as Record<string, string>);
        const error = await tracker()
          .deliver(ticket())
          .catch(e => e);
        expect(error).toBeInstanceOf(TrackerError);
        expect(error.message).toMatch(message);
        expect(error).toMatchObject(expected);
        const said = JSON.stringify({ ...error, message: error.message });
        expect(said).not.toContain(API_TOKEN);
        expect(said).not.toContain(PAT);
        expect(jira.state.issues).toHaveLength(0);
      },
    );

    it('finds the project on the entity, else its owning group, else the configured one; none is a plain reason', async () => {
      const group: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: {
          name: 'data-science',
          annotations: { 'jira/project-key': 'PLAT' },
        },
        spec: {},
      };
      await tracker({ owner: group }).deliver(ticket({ entity: entity() }));
      await tracker({ project: 'PLAT' }).deliver(
        ticket({ key: 'k3', entity: entity() }),
      );
      expect(jira.state.issues.map(i => i.key)).toEqual(['PLAT-1', 'PLAT-2']);
      const none = await tracker()
        .deliver(ticket({ entity: entity() }))
        .catch(e => e);
      expect(none).toMatchObject({
        permanent: true,
        message:
          'No Jira project for component:default/forecast: add the jira/project-key annotation to it or to its owning group, or set handoff.jira.project',
      });
      const odd = await tracker()
        .deliver(
          ticket({
            entity: entity({ 'jira/project-key': 'PLAT" OR project = "HR' }),
          }),
        )
        .catch(e => e);
      expect(odd).toMatchObject({ permanent: true });
      expect(odd.message).toMatch(/must be a project key like PAY/);
    });
  },
);
