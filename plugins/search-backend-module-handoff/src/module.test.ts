import {
  SchedulerService,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import searchPlugin from '@backstage/plugin-search-backend';
import handoffPlugin from '@handoff/backstage-plugin-handoff-backend';
import {
  DatabaseHandoffStore,
  DatabaseProjectionStore,
} from '@handoff/backstage-plugin-handoff-backend/testUtils';
import request from 'supertest';
import { Entity } from '@backstage/catalog-model';
import searchModuleCatalogCollator from '@backstage/plugin-search-backend-module-catalog';
import { searchModuleHandoffCollator } from './module';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const FRAUD = 'component:default/fraud-scoring';

describe.each(databases.eachSupportedId())(
  'Handoff capabilities in portal search on %s',
  databaseId => {
    async function start(
      result:
        | AuthorizeResult.ALLOW
        | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
      entities: Entity[] = [],
    ) {
      const knex = await databases.init(databaseId);
      // The test backend's scheduler is one instance for every plugin: this
      // probe hands it to the test, which runs the index task on demand.
      let scheduler: SchedulerService | undefined;
      const probe = createBackendPlugin({
        pluginId: 'probe',
        register(reg) {
          reg.registerInit({
            deps: { s: coreServices.scheduler },
            async init({ s }) {
              scheduler = s;
            },
          });
        },
      });
      const { server } = await startTestBackend({
        features: [
          handoffPlugin,
          searchPlugin,
          searchModuleHandoffCollator,
          searchModuleCatalogCollator,
          probe,
          catalogServiceMock.factory({ entities }),
          mockServices.database.factory({ knex }),
          mockServices.permissions.factory({ result }),
          // As in a real portal: search filters results by permission.
          mockServices.rootConfig.factory({
            data: { permission: { enabled: true } },
          }),
        ],
      });
      const database = mockServices.database({ knex });
      const store = await DatabaseHandoffStore.create({ database });
      const projection = await DatabaseProjectionStore.create({ database });
      await projection.upsert(
        [
          {
            entityRef: 'group:default/risk',
            kind: 'group',
            title: 'Risk engineering',
          },
          {
            entityRef: FRAUD,
            kind: 'component',
            title: 'Fraud scoring',
            ownerRef: 'group:default/risk',
            specLocation: './handoff.yaml',
          },
          // Not a capability: never indexed by Handoff.
          {
            entityRef: 'api:default/fraud-api',
            kind: 'api',
            ownerRef: 'group:default/risk',
          },
        ],
        new Date(),
      );
      const text = `intent: { problem: Card fraud slips through the nightly batch checks }\nrisk: { data: high, customerImpact: high, compliance: medium, operationalDependency: medium }\n`;
      await store.recordSpec({
        entityRef: FRAUD,
        content: text,
        contentHash: 'h1',
        document: {
          intent: {
            problem: 'Card fraud slips through the nightly batch checks',
          },
          risk: {
            data: 'high',
            customerImpact: 'high',
            compliance: 'medium',
            operationalDependency: 'medium',
          },
        },
        valid: true,
        errors: [],
        sourceLocation: 'file:/tmp/handoff.yaml',
        entityState: {},
      });
      await store.appendDecision({
        entityRef: FRAUD,
        decision: 'start-pilot',
        fromStage: 'proposed',
        toStage: 'pilot',
        actor: 'user:default/ada',
        rationale: 'Worth a pilot',
        nextReviewAt: '2027-01-15T00:00:00.000Z',
        expectedSequence: 0,
      });
      const index = () => scheduler!.triggerTask('search_index_handoff');
      const indexCatalog = () =>
        scheduler!.triggerTask('search_index_software_catalog');
      return { server, store, index, indexCatalog };
    }

    const user = mockCredentials.user.header('user:default/ada');
    const search = async (server: any, query: string) =>
      (
        await request(server)
          .get(`/api/search/query?${query}`)
          .set('Authorization', user)
      ).body.results as Array<{ type: string; document: any }>;

    it('indexes each capability with its stage, owner, risk and problem, and follows a decision', async () => {
      const { server, store, index } = await start();
      await index();
      const found = await search(server, 'term=fraud&types[0]=handoff');
      expect(found).toHaveLength(1);
      const odd = await request(server)
        .get('/api/handoff/search/capabilities?limit=0')
        .set('Authorization', mockCredentials.service.header());
      expect(odd.status).toBe(400);
      expect(odd.body.error.message).toMatch(/limit/);
      expect(found[0]).toMatchObject({
        type: 'handoff',
        document: {
          title: 'Fraud scoring',
          location: '/catalog/default/component/fraud-scoring/handoff',
          entityRef: FRAUD,
          stage: 'pilot',
          owner: 'group:default/risk',
          ownerTitle: 'Risk engineering',
          riskTier: 'high',
          nextReviewAt: '2027-01-15T00:00:00.000Z',
          problem: 'Card fraud slips through the nightly batch checks',
        },
      });
      // The problem statement is searchable.
      expect(
        await search(server, 'term=nightly&types[0]=handoff'),
      ).toHaveLength(1);

      await store.appendDecision({
        entityRef: FRAUD,
        decision: 'reframe',
        fromStage: 'pilot',
        toStage: 'reframed',
        actor: 'user:default/ada',
        rationale: 'Wrong problem',
        nextReviewAt: '2027-02-15T00:00:00.000Z',
        expectedSequence: 1,
      });
      await index();
      const after = await search(server, 'term=fraud&types[0]=handoff');
      expect(after.map(r => r.document.stage)).toEqual(['reframed']);
      // Filters by stage and risk tier, as the search page offers them.
      expect(
        await search(
          server,
          'term=fraud&types[0]=handoff&filters[stage]=reframed&filters[riskTier]=high',
        ),
      ).toHaveLength(1);
      expect(
        await search(
          server,
          'term=fraud&types[0]=handoff&filters[stage]=pilot',
        ),
      ).toHaveLength(0);
    });

    it('lists each capability once under all types: the catalog keeps its other entities, Handoff the capability', async () => {
      const entity = (kind: string, name: string, annotations = {}) => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind,
        metadata: { name, namespace: 'default', annotations },
        spec: {
          owner: 'group:default/risk',
          type: 'service',
          lifecycle: 'production',
        },
      });
      const { server, index, indexCatalog } = await start(
        AuthorizeResult.ALLOW,
        [
          entity('Component', 'fraud-scoring', {
            'handoff.dev/spec': './handoff.yaml',
          }),
          entity('API', 'fraud-api'),
        ],
      );
      await index();
      await indexCatalog();
      const all = await search(server, 'term=fraud');
      expect(all.map(r => `${r.type} ${r.document.title}`).sort()).toEqual([
        'handoff Fraud scoring',
        'software-catalog fraud-api',
      ]);
    });

    it('shows a capability only to whoever may read its catalog entity, and serves its documents only to services', async () => {
      const { server, index } = await start(AuthorizeResult.DENY);
      await index();
      expect(await search(server, 'term=fraud&types[0]=handoff')).toEqual([]);
      const direct = await request(server)
        .get('/api/handoff/search/capabilities')
        .set('Authorization', user);
      expect(direct.status).toBe(403);
      // A service the permission framework does not let read the audit
      // (a CI token, say) is refused as well.
      const asService = await request(server)
        .get('/api/handoff/search/capabilities')
        .set('Authorization', mockCredentials.service.header());
      expect(asService.status).toBe(403);
    });
  },
);
