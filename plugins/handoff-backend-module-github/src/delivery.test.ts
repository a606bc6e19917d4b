import {
  TestDatabases,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The plugin's own worker and store, as the backend runs them with this module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  DatabaseHandoffStore,
  WorkDelivery,
} from '@handoff/backstage-plugin-handoff-backend/testUtils';
import { setupServer } from 'msw/node';
import { fakeGithub } from './__testUtils__/fakeGithub';
import { GithubTracker } from './GithubTracker';

jest.setTimeout(60_000);

/*
 * The outbox end to end: work items stored by a decision, delivered to a
 * (fake, OpenAPI-checked) GitHub by the plugin's worker through this
 * module — exactly once with two replicas at work and after a worker that
 * died between "issue created" and "item marked delivered".
 */

const server = setupServer();
registerMswTestHooks(server);

const entityRef = 'component:default/forecast';
const TOKEN = 'ghp_deliverysecret';
const catalog = catalogServiceMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'forecast',
        namespace: 'default',
        annotations: { 'github.com/project-slug': 'acme/forecast' },
      },
      spec: { owner: 'group:default/data-science' },
    },
  ],
});

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'work delivery to GitHub on %s',
  databaseId => {
    let github: ReturnType<typeof fakeGithub>;
    beforeEach(() => {
      github = fakeGithub({ owner: 'acme', repo: 'forecast' });
      server.use(github.handler);
    });
    afterEach(() => {
      if (github.state.violations.length) {
        throw new Error(github.state.violations.join('\n'));
      }
    });

    async function setup(items: number) {
      const knex = await databases.init(databaseId);
      const store = await DatabaseHandoffStore.create({
        database: mockServices.database({ knex }),
      });
      const recorded = await store.appendDecision({
        entityRef,
        decision: 'start-pilot',
        toStage: 'pilot',
        actor: 'user:default/ada',
        rationale: 'Go',
        expectedSequence: 0,
        work: Array.from({ length: items }, (_, i) => ({
          key: `${entityRef}#decision:1#delivery:${i}`,
          entityRef,
          source: 'delivery' as const,
          decisionSequence: 1,
          specPaths: [],
          title: `Work ${i}`,
          body: `Body ${i}`,
          watchers: [],
        })),
      });
      expect(recorded).not.toBe(false);
      return { knex, store };
    }

    const worker = (store: any) =>
      new WorkDelivery({
        store,
        tracker: new GithubTracker({
          integrations: ScmIntegrations.fromConfig(
            new ConfigReader({
              integrations: { github: [{ host: 'github.com', token: TOKEN }] },
            }),
          ),
          ownerOf: async () => undefined,
        }),
        catalog,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        baseUrl: 'https://portal.example.com',
        batchSize: 3,
      });

    it('two replicas deliver 12 items at once: 12 issues, each item linked to its own', async () => {
      const { store } = await setup(12);
      const [a, b] = await Promise.all([
        worker(store).deliver({ budgetMs: 20_000, leaseMs: 20_000 }),
        worker(store).deliver({ budgetMs: 20_000, leaseMs: 20_000 }),
      ]);
      expect(a.delivered + b.delivered).toBe(12);
      expect(github.state.issues).toHaveLength(12);
      const items = await store.listWorkItems(entityRef);
      expect(new Set(items.map(i => i.ticket?.url)).size).toBe(12);
      expect(items.every(i => i.ticket?.state === 'delivered')).toBe(true);
      // Nothing left: a third run sends nothing.
      expect(
        await worker(store).deliver({ budgetMs: 5_000, leaseMs: 5_000 }),
      ).toMatchObject({ delivered: 0, finished: true });
      expect(github.state.issues).toHaveLength(12);
    });

    it('a worker that dies after GitHub filed the issue: the next one finds it by its key, and files nothing twice', async () => {
      const { store } = await setup(1);
      // The issue is created, then the worker dies before the database
      // hears of it (the write never happens; its lease stays).
      const dying = {
        ...store,
        workDelivered: () => new Promise<boolean>(() => {}),
      };
      void worker(dying).deliver({ budgetMs: 5_000, leaseMs: 200 });
      await new Promise(r => setTimeout(r, 400));
      expect(github.state.issues).toHaveLength(1);
      expect((await store.listWorkItems(entityRef))[0].ticket).toMatchObject({
        state: 'pending',
      });

      // Another replica, once the lease ran out.
      const result = await worker(store).deliver({
        budgetMs: 5_000,
        leaseMs: 5_000,
      });
      expect(result.delivered).toBe(1);
      expect(github.state.issues).toHaveLength(1);
      expect((await store.listWorkItems(entityRef))[0].ticket).toMatchObject({
        state: 'delivered',
        id: 'acme/forecast#1',
        url: 'https://github.com/acme/forecast/issues/1',
      });
    });

    it('a refusal leaves the item open with its reason and a later try; a status change and a closed issue travel both ways', async () => {
      const { store, knex } = await setup(1);
      github.failNext(410);
      const first = await worker(store).deliver({
        budgetMs: 5_000,
        leaseMs: 5_000,
      });
      expect(first).toMatchObject({ delivered: 0, failed: 1 });
      const [waiting] = await store.listWorkItems(entityRef);
      expect(waiting.status).toBe('open');
      expect(waiting.ticket).toMatchObject({
        tracker: 'github',
        state: 'failed',
        error:
          'Issues are turned off in acme/forecast on github.com, or it is gone (410)',
        attempts: 1,
      });
      expect(Date.parse(waiting.ticket!.nextAttemptAt!)).toBeGreaterThan(
        Date.now() + 60 * 60_000,
      );
      // Not retried before its time.
      expect(
        await worker(store).deliver({ budgetMs: 5_000, leaseMs: 5_000 }),
      ).toMatchObject({ delivered: 0, failed: 0 });

      // Its time comes (as time passing would): it is filed.
      await knex('handoff_work_items').update({ delivery_next_at: new Date() });
      expect(
        await worker(store).deliver({ budgetMs: 5_000, leaseMs: 5_000 }),
      ).toMatchObject({ delivered: 1 });
      expect(github.state.issues[0].state).toBe('open');

      // Done in the portal: the issue closes as completed.
      const [filed] = await store.listWorkItems(entityRef);
      const done = await store.updateWorkStatus(entityRef, filed.id, {
        status: 'done',
        expectedRevision: filed.revision,
        by: 'user:default/grace',
      });
      expect(done).toMatchObject({ status: 'done', revision: 2 });
      const [pending] = await store.listWorkItems(entityRef);
      expect(pending.ticket?.state).toBe('pending');
      await worker(store).deliver({ budgetMs: 5_000, leaseMs: 5_000 });
      expect(github.state.issues[0]).toMatchObject({
        state: 'closed',
        state_reason: 'completed',
      });

      // Reopened in the portal, then closed as not planned on GitHub: the
      // read-back closes the item as won't do, in the trail.
      await store.updateWorkStatus(entityRef, filed.id, {
        status: 'open',
        expectedRevision: 2,
        by: 'user:default/grace',
      });
      await worker(store).deliver({ budgetMs: 5_000, leaseMs: 5_000 });
      expect(github.state.issues[0].state).toBe('open');
      github.state.issues[0].state = 'closed';
      github.state.issues[0].state_reason = 'not_planned';
      expect(await worker(store).readBack({})).toEqual({ read: 1, changed: 1 });
      const [closed] = await store.listWorkItems(entityRef);
      expect(closed).toMatchObject({
        status: 'wont-do',
        statusBy: 'plugin:handoff/github',
        statusNote: 'acme/forecast#1 in github: closed as not planned',
      });
      // Nothing to send back: the change came from GitHub. Its assignee
      // there is kept, as GitHub names them.
      expect(closed.ticket).toMatchObject({
        state: 'delivered',
        assignee: 'octocat',
      });
      const trail = await knex('handoff_audit_log')
        .where({ entity_ref: entityRef })
        .where('action', 'like', 'work:%')
        .orderBy('id')
        .pluck('action');
      expect(trail).toEqual([
        'work:create',
        'work:ticket',
        'work:status',
        'work:status',
        'work:status',
      ]);
      // No credential anywhere in what was stored.
      const stored = JSON.stringify(
        await knex('handoff_work_items').select(),
      ).concat(JSON.stringify(await knex('handoff_audit_log').select()));
      expect(stored).not.toContain(TOKEN);
    });
  },
);
