import {
  TestDatabases,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The plugin's own worker and store, as the backend runs them with this module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  DatabaseHandoffStore,
  WorkDelivery,
} from '@handoff/backstage-plugin-handoff-backend/testUtils';
import { setupServer } from 'msw/node';
import { fakeJira } from './__testUtils__/fakeJira';
import { JiraTracker } from './JiraTracker';

jest.setTimeout(60_000);

/*
 * The outbox end to end: work items stored by a decision, delivered to a
 * (fake, typed by jira.js) Jira by the plugin's worker through this
 * module, on Jira Cloud — exactly once with two replicas at work and after a worker that
 * died between "issue created" and "item marked delivered".
 */

const server = setupServer();
registerMswTestHooks(server);

const entityRef = 'component:default/forecast';
const TOKEN = 'jira-delivery-secret';
const catalog = catalogServiceMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'forecast',
        namespace: 'default',
        annotations: { 'jira/project-key': 'PLAT' },
      },
      spec: { owner: 'group:default/data-science' },
    },
  ],
});

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'work delivery to Jira on %s',
  databaseId => {
    let jira: ReturnType<typeof fakeJira>;
    beforeEach(() => {
      jira = fakeJira({
        baseUrl: 'https://acme.atlassian.net',
        version: 3,
        project: 'PLAT',
      });
      server.use(jira.handler);
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
        tracker: new JiraTracker({
          baseUrl: 'https://acme.atlassian.net',
          deployment: 'cloud',
          auth: { email: 'handoff@acme.com', apiToken: TOKEN },
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
      expect(jira.state.issues).toHaveLength(12);
      const items = await store.listWorkItems(entityRef);
      expect(new Set(items.map(i => i.ticket?.url)).size).toBe(12);
      expect(items.every(i => i.ticket?.state === 'delivered')).toBe(true);
      // Nothing left: a third run sends nothing.
      expect(
        await worker(store).deliver({ budgetMs: 5_000, leaseMs: 5_000 }),
      ).toMatchObject({ delivered: 0, finished: true });
      expect(jira.state.issues).toHaveLength(12);
    });

    it('a worker that dies after Jira created the issue: the next one finds it by its key, and files nothing twice', async () => {
      const { store } = await setup(1);
      // The issue is created, then the worker dies before the database
      // hears of it (the write never happens; its lease stays).
      const dying = {
        ...store,
        workDelivered: () => new Promise<boolean>(() => {}),
      };
      void worker(dying).deliver({ budgetMs: 5_000, leaseMs: 200 });
      await new Promise(r => setTimeout(r, 400));
      expect(jira.state.issues).toHaveLength(1);
      expect((await store.listWorkItems(entityRef))[0].ticket).toMatchObject({
        state: 'pending',
      });

      // Another replica, once the lease ran out.
      const result = await worker(store).deliver({
        budgetMs: 5_000,
        leaseMs: 5_000,
      });
      expect(result.delivered).toBe(1);
      expect(jira.state.issues).toHaveLength(1);
      expect((await store.listWorkItems(entityRef))[0].ticket).toMatchObject({
        state: 'delivered',
        id: 'PLAT-1',
        url: 'https://acme.atlassian.net/browse/PLAT-1',
      });
    });
  },
);
