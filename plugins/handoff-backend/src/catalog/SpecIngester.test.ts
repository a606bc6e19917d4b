import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { DatabaseHandoffStore } from '../database/DatabaseHandoffStore';
import { readySpec } from '../__testUtils__/fixtures';
import { SpecIngester } from './SpecIngester';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'the scheduled spec pass on %s',
  databaseId => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-pass-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Entities in name order, each in its own folder with what `setup` puts there. */
    function entity(name: string, setup: (folder: string) => void) {
      const folder = path.join(dir, name);
      fs.mkdirSync(folder);
      setup(folder);
      return {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name,
          namespace: 'default',
          annotations: {
            'backstage.io/managed-by-location': `file:${folder}/catalog-info.yaml`,
            'handoff.dev/spec': './handoff.yaml',
          },
        },
        spec: { owner: 'group:default/data-science' },
      };
    }
    const write = (f: string) =>
      fs.writeFileSync(path.join(f, 'handoff.yaml'), readySpec);

    async function ingesterWith(entities: any[], breakOn?: string) {
      const knex = await databases.init(databaseId);
      const real = await DatabaseHandoffStore.create({
        database: mockServices.database({ knex }),
      });
      // A store that fails for one entity, as a database error would.
      const store = Object.create(real, {
        recordSpec: {
          value: async (read: any) => {
            if (read.entityRef === breakOn) throw new Error('value too long');
            return real.recordSpec(read);
          },
        },
      });
      const logger = mockServices.logger.mock();
      return {
        store: real,
        logger,
        ingester: new SpecIngester({
          store,
          catalog: catalogServiceMock({ entities }),
          auth: mockServices.auth(),
          urlReader: mockServices.urlReader.mock(),
          integrations: ScmIntegrations.fromConfig(mockServices.rootConfig()),
          logger,
        }),
      };
    }

    it('goes on past a FIFO, a device and an entity the database refuses, recording why each failed', async () => {
      const { ingester, store, logger } = await ingesterWith(
        [
          entity('a-fifo', f =>
            execFileSync('mkfifo', [path.join(f, 'handoff.yaml')]),
          ),
          entity('b-zero', f =>
            fs.symlinkSync('/dev/zero', path.join(f, 'handoff.yaml')),
          ),
          entity('c-refused', write),
          entity('d-good', write),
        ],
        'component:default/c-refused',
      );
      const totals = await ingester.ingestAll();
      expect(totals).toEqual({
        finished: true,
        read: 4,
        notModified: 0,
        created: 1,
        unreadable: 2,
        failed: 1,
        heldBack: 0,
      });
      expect(await store.latestSpec('component:default/d-good')).toMatchObject({
        version: 1,
        valid: true,
      });
      expect(
        (await store.getReadStatus('component:default/c-refused'))?.readError,
      ).toBe('Could not be stored: value too long');
      expect(
        (await store.getReadStatus('component:default/a-fifo'))?.readError,
      ).toMatch(/^No spec file .* in the entity's folder/);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('component:default/c-refused'),
      );
    });

    it('stops when the scheduler aborts the task', async () => {
      const { ingester, store } = await ingesterWith([
        entity('a', write),
        entity('b', write),
      ]);
      const controller = new AbortController();
      controller.abort();
      expect(await ingester.ingestAll(controller.signal)).toEqual({
        read: 0,
        notModified: 0,
        created: 0,
        unreadable: 0,
        heldBack: 0,
        failed: 0,
        finished: false,
      });
      expect(await store.latestSpec('component:default/a')).toBeUndefined();
    });
  },
);
