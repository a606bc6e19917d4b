import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { DatabaseHandoffStore } from './DatabaseHandoffStore';
import { SpecRead } from './HandoffStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const read = (content: string, valid = true): SpecRead => ({
  entityRef: 'component:default/churn-model',
  content,
  contentHash: `hash-of-${content}`,
  document: { intent: { problem: content } },
  valid,
  errors: valid
    ? []
    : [{ path: 'risk', message: 'is required', line: 3, column: 1 }],
  sourceLocation: 'file:/repo/handoff.yaml',
  entityState: { etag: 'e1', owner: 'group:default/data-science' },
});

describe.each(databases.eachSupportedId())(
  'spec versions on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      return DatabaseHandoffStore.create({
        database: mockServices.database({ knex }),
      });
    }

    it('keeps one version for an unchanged file and moves its last-seen time', async () => {
      const store = await createStore();
      const first = await store.recordSpec(
        read('a'),
        new Date('2026-11-01T00:00:00Z'),
      );
      const again = await store.recordSpec(
        read('a'),
        new Date('2026-11-02T00:00:00Z'),
      );
      expect(first.created).toBe(true);
      expect(again.created).toBe(false);
      expect(again.version.version).toBe(1);
      const versions = await store.listSpecVersions(
        'component:default/churn-model',
      );
      expect(versions).toHaveLength(1);
      expect(versions[0]).toMatchObject({
        version: 1,
        firstSeenAt: '2026-11-01T00:00:00.000Z',
        lastSeenAt: '2026-11-02T00:00:00.000Z',
      });
    });

    it('keeps every distinct version, invalid ones with their errors', async () => {
      const store = await createStore();
      await store.recordSpec(read('a'));
      await store.recordSpec(read('b', false));
      await store.recordSpec(read('a'));
      const versions = await store.listSpecVersions(
        'component:default/churn-model',
      );
      expect(
        versions.map(v => [v.version, v.contentHash, v.valid, v.errorCount]),
      ).toEqual([
        [3, 'hash-of-a', true, 0],
        [2, 'hash-of-b', false, 1],
        [1, 'hash-of-a', true, 0],
      ]);
      const invalid = await store.getSpecVersion(
        'component:default/churn-model',
        2,
      );
      expect(invalid).toMatchObject({
        content: 'b',
        valid: false,
        errors: [{ path: 'risk', message: 'is required', line: 3, column: 1 }],
        document: { intent: { problem: 'b' } },
        entityState: { etag: 'e1', owner: 'group:default/data-science' },
      });
      expect(
        (await store.latestSpec('component:default/churn-model'))?.version,
      ).toBe(3);
      expect(
        await store.getSpecVersion('component:default/churn-model', 9),
      ).toBeUndefined();
    });

    it('stores concurrent reads of one change once', async () => {
      const store = await createStore();
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map(() => store.recordSpec(read('same'))),
      );
      expect(results.filter(r => r.created)).toHaveLength(1);
      expect(
        await store.listSpecVersions('component:default/churn-model'),
      ).toHaveLength(1);
    });

    it('remembers the latest read, including why it failed', async () => {
      const store = await createStore();
      await store.recordReadStatus({
        entityRef: 'component:default/x',
        readError: "No spec file ./x in the entity's folder",
        readAt: '2026-11-01T00:00:00.000Z',
      });
      expect(await store.getReadStatus('component:default/x')).toEqual({
        entityRef: 'component:default/x',
        readError: "No spec file ./x in the entity's folder",
        readAt: '2026-11-01T00:00:00.000Z',
        sourceLocation: undefined,
      });
      await store.recordReadStatus({
        entityRef: 'component:default/x',
        sourceLocation: 'file:/x',
        readAt: '2026-11-02T00:00:00.000Z',
      });
      expect(await store.getReadStatus('component:default/x')).toMatchObject({
        readError: undefined,
        sourceLocation: 'file:/x',
      });
    });
  },
);
