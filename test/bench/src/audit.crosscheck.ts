/*
 * The audit's answer checked against an independent one, entity by entity:
 * "which entities have an owner missing from the catalog or an overdue
 * review", from the audit's projection and from paging the catalog API, in
 * both of the audit's scopes, on SQLite and PostgreSQL, at a few hundred and
 * a few thousand entities. Part of the test command (scripts/test.sh); the
 * benchmark (yarn bench:audit) asks the same at 50,000.
 */
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import {
  EntityProjection,
  PortfolioAudit,
} from '@handoff/backstage-plugin-handoff-backend/testUtils';
import { answerThroughCatalogApi, compareWithAudit } from './auditReference';
import { startCatalog } from './harness';
import { growCatalog, seedAuditDatabase } from './portfolioSetup';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each([300, 2_000])('with %i components', size => {
  let started: Awaited<ReturnType<typeof startCatalog>>;
  const now = new Date();

  beforeAll(async () => {
    started = await startCatalog(await databases.init('SQLITE_3'));
    // Two steps, so the delta the catalog processes later is checked too.
    await growCatalog(started, 0, Math.round(size / 2));
    await growCatalog(started, Math.round(size / 2), size);
  });

  afterAll(() => started?.backend.stop());

  it.each(databases.eachSupportedId())(
    'the audit on %p names exactly the entities the catalog API names',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await seedAuditDatabase(knex, size, now);
      const { catalog, auth } = started;
      await new EntityProjection({
        catalog,
        auth,
        store,
        logger: mockServices.logger.mock(),
      }).syncAll();
      const audit = new PortfolioAudit(knex, () => now);
      for (const scope of ['capabilities', 'all'] as const) {
        const reference = await answerThroughCatalogApi(
          catalog,
          auth,
          knex,
          now,
          scope,
        );
        const comparison = await compareWithAudit(
          audit,
          reference,
          scope,
          knex,
        );
        // On failure Jest prints the refs only one side counts, and why.
        expect({ scope, ...comparison }).toEqual({
          scope,
          auditCount: reference.size,
          auditTotal: reference.size,
          catalogCount: reference.size,
          onlyCatalog: 0,
          onlyAudit: 0,
          differences: [],
        });
        // The question is not empty: each cause is represented.
        const entries = [...reference.values()];
        expect(entries.some(e => !e.ownerInCatalog)).toBe(true);
        expect(entries.some(e => e.overdue)).toBe(true);
        if (scope === 'all') {
          expect(entries.some(e => !e.capability)).toBe(true);
        }
      }
    },
  );
});
