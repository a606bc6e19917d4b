import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseHandoffStore } from '../database/DatabaseHandoffStore';
import { DatabaseProjectionStore } from '../database/ProjectionStore';
import { EntityProjection } from './EntityProjection';
import { projectionRows } from '../__testUtils__/projectionRows';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const component = (name: string, owner: string, extra: object = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'handoff.dev/spec': './handoff.yaml',
      'handoff.dev/stage': 'pilot',
    },
  },
  spec: { type: 'service', lifecycle: 'experimental', owner },
  relations: [{ type: 'ownedBy', targetRef: owner }],
  ...extra,
});
const group = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

describe.each(databases.eachSupportedId())(
  'the catalog projection on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      await DatabaseHandoffStore.create({ database });
      return Object.assign(
        await DatabaseProjectionStore.create({ database }),
        projectionRows(knex),
      );
    }
    const projectionOf = (store: DatabaseProjectionStore, entities: any[]) =>
      new EntityProjection({
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        store,
        logger: mockServices.logger.mock(),
        pageSize: 1,
      });

    it('adds, changes and removes entities page by page, and tracks owners that stop or start resolving', async () => {
      const store = await setup();
      const first = await projectionOf(store, [
        component('a', 'group:default/team-a'),
        component('b', 'group:default/ghost'),
        group('team-a'),
      ]).syncAll();
      expect(first).toEqual({ synced: 2, removed: 0, failed: 0 });
      expect(await store.list()).toEqual([
        {
          entityRef: 'component:default/a',
          kind: 'component',
          type: 'service',
          lifecycle: 'experimental',
          ownerRef: 'group:default/team-a',
          ownerResolves: true,
          specLocation: './handoff.yaml',
          registeredStage: 'pilot',
          title: undefined,
        },
        expect.objectContaining({
          entityRef: 'component:default/b',
          ownerRef: 'group:default/ghost',
          ownerResolves: false,
        }),
      ]);

      // team-a is dissolved, ghost now exists, a is gone, c is new.
      const second = await projectionOf(store, [
        component('b', 'group:default/ghost', {
          spec: { type: 'website', owner: 'group:default/ghost' },
        }),
        component('c', 'group:default/team-a'),
        group('ghost'),
      ]).syncAll();
      // a and the dissolved team-a left the catalog.
      expect(second).toEqual({ synced: 2, removed: 2, failed: 0 });
      const rows = await store.list();
      expect(rows.map(r => [r.entityRef, r.type, r.ownerResolves])).toEqual([
        ['component:default/b', 'website', true],
        ['component:default/c', 'service', false],
      ]);
    });

    it('projects one entity it is handed, and resolves its owner once the owner arrives', async () => {
      const store = await setup();
      const projection = projectionOf(store, []);
      await projection.projectEntity(component('a', 'group:default/team-a'));
      expect(await store.get('component:default/a')).toMatchObject({
        ownerRef: 'group:default/team-a',
        registeredStage: 'pilot',
        ownerResolves: false,
      });
      await projection.projectEntity(group('team-a'));
      expect(await store.get('component:default/a')).toMatchObject({
        ownerResolves: true,
      });
    });

    it('brings changed and new entities into the audit between full syncs, reading only those, and shows groups by their display name', async () => {
      const store = await setup();
      const withEtag = (entity: any, etag: string) => ({
        ...entity,
        metadata: { ...entity.metadata, etag },
      });
      const teamA = {
        ...group('team-a'),
        spec: {
          type: 'team',
          children: [],
          profile: { displayName: 'Team A' },
        },
      };
      expect(
        await projectionOf(store, [
          withEtag(component('a', 'group:default/team-a'), '1'),
          withEtag(teamA, '1'),
        ]).syncAll(),
      ).toEqual({ synced: 1, removed: 0, failed: 0 });
      expect(await store.get('group:default/team-a')).toMatchObject({
        title: 'Team A',
      });
      expect(await store.syncStatus()).toMatchObject({
        synced: 1,
        removed: 0,
        finishedAt: expect.any(String),
      });

      // a's owner changed, b is new, team-a did not change.
      const catalog = catalogServiceMock({
        entities: [
          withEtag(component('a', 'group:default/ghost'), '2'),
          withEtag(component('b', 'group:default/team-a'), '1'),
          withEtag(teamA, '1'),
        ],
      });
      const read = jest.spyOn(catalog, 'getEntitiesByRefs');
      const delta = new EntityProjection({
        catalog,
        auth: mockServices.auth(),
        store,
        logger: mockServices.logger.mock(),
      });
      expect(await delta.syncChanged()).toEqual({ synced: 2, finished: true });
      expect(read.mock.calls.flatMap(([req]) => req.entityRefs).sort()).toEqual(
        ['component:default/a', 'component:default/b'],
      );
      expect(await store.get('component:default/a')).toMatchObject({
        ownerRef: 'group:default/ghost',
        ownerResolves: false,
      });
      expect(await store.get('component:default/b')).toMatchObject({
        ownerResolves: true,
      });
      // Nothing changed since: nothing is read.
      read.mockClear();
      expect(await delta.syncChanged()).toEqual({ synced: 0, finished: true });
      expect(read).not.toHaveBeenCalled();
    });
  },
);
