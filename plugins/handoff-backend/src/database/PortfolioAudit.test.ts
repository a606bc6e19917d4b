import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { portfolioQuerySchema } from '@handoff/backstage-plugin-handoff-common';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { DatabaseHandoffStore } from './DatabaseHandoffStore';
import { DatabaseProjectionStore } from './ProjectionStore';
import { handoffPlugin } from '../plugin';
import { PortfolioAudit } from './PortfolioAudit';
import { seedPortfolio } from '../__testUtils__/portfolioFixture';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const query = (q: Record<string, string> = {}) => portfolioQuerySchema.parse(q);

describe.each(databases.eachSupportedId())(
  'the portfolio audit on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const store = await DatabaseHandoffStore.create({ database });
      const projection = await DatabaseProjectionStore.create({ database });
      await seedPortfolio(store, projection, new Date());
      return { knex, store, audit: new PortfolioAudit(knex) };
    }

    const refs = (page: { items: Array<{ entityRef: string }> }) =>
      page.items.map(r => r.entityRef);

    it('lists every capability with its stage, owner and gaps', async () => {
      const { audit } = await setup();
      const page = await audit.page(query({ scope: 'all' }));
      expect(page.totalCount).toBe(6);
      expect(
        page.items.map(r => [
          r.entityRef,
          r.stage,
          r.riskTier,
          r.specState,
          r.ownerResolves,
          r.gaps,
        ]),
      ).toEqual([
        [
          'component:default/a-forecast',
          'operating',
          'medium',
          'valid',
          true,
          ['overdue', 'operating-owner-differs'],
        ],
        [
          'component:default/b-churn',
          'pilot',
          'high',
          'valid',
          true,
          ['no-operating-owner', 'missing-artifacts'],
        ],
        [
          'component:default/c-ghost',
          undefined,
          undefined,
          undefined,
          false,
          ['owner-unresolved'],
        ],
        [
          'component:default/d-billing',
          'readiness-review',
          undefined,
          'invalid',
          true,
          [],
        ],
        [
          'component:default/f-stopped',
          'stopped',
          undefined,
          'missing',
          true,
          [],
        ],
        [
          'resource:default/e-pipeline',
          'handed-off',
          'medium',
          'valid',
          true,
          ['failing-checks', 'review-required', 'pending-transfer'],
        ],
      ]);
      const churn = page.items[1];
      expect(churn.missingArtifacts).toEqual([
        'acceptance-criteria',
        'rollback',
        'test-plan',
        'data-contracts',
        'data-quality',
        'features',
        'deployment-checklist',
        'dashboards',
      ]);
      expect(page.items[0]).toMatchObject({
        title: 'Demand Forecast',
        owner: 'group:default/ml',
        ownerTitle: 'Machine learning',
        operatingOwner: 'group:default/sre',
        operatingOwnerTitle: 'Site reliability',
        operatingOwnerResolves: true,
      });
    });

    it("says when a capability's spec was not read lately (its host did not answer), whatever the case of its ref", async () => {
      const { store, audit } = await setup();
      const held =
        'the host git.example.com did not answer; the version shown was read on 2026-12-01 and not since';
      // Spec reads keep the ref as the catalog spells it; the audit lowercases.
      await store.recordReadStatus({
        entityRef: 'component:default/B-Churn',
        sourceLocation: 'url:https://git.example.com/churn/handoff.yaml',
        readError: held,
        readAt: new Date().toISOString(),
      });
      await store.recordReadStatus({
        entityRef: 'component:default/a-forecast',
        sourceLocation: 'url:https://git.example.com/forecast/handoff.yaml',
        readAt: new Date().toISOString(),
      });
      // Not a capability: the audit says nothing about a spec it does not have.
      await store.recordReadStatus({
        entityRef: 'component:default/c-ghost',
        sourceLocation: 'url:https://git.example.com/ghost/handoff.yaml',
        readError: 'not found',
        readAt: new Date().toISOString(),
      });
      const page = await audit.page(query({ scope: 'all' }));
      const byRef = new Map(page.items.map(r => [r.entityRef, r]));
      expect(byRef.get('component:default/b-churn')?.specReadError).toBe(held);
      expect(byRef.get('component:default/b-churn')?.specState).toBe('valid');
      expect(byRef.get('component:default/a-forecast')?.specReadError).toBe(
        undefined,
      );
      expect(byRef.get('component:default/c-ghost')?.specReadError).toBe(
        undefined,
      );
    });

    it('separates capabilities from catalog entities: ownership is audited across the catalog, readiness only for capabilities', async () => {
      const { audit } = await setup();
      // By default the audit lists capabilities: c-ghost has no handoff spec.
      const capabilities = await audit.page(query());
      expect(refs(capabilities)).not.toContain('component:default/c-ghost');
      expect(capabilities.totalCount).toBe(5);
      expect(capabilities.items.every(r => r.capability)).toBe(true);

      const all = await audit.page(query({ scope: 'all' }));
      const ghost = all.items.find(
        r => r.entityRef === 'component:default/c-ghost',
      )!;
      expect(ghost).toEqual({
        entityRef: 'component:default/c-ghost',
        kind: 'component',
        type: 'service',
        owner: 'group:default/ghost',
        ownerResolves: false,
        capability: false,
        operatingOwnerResolves: false,
        missingArtifacts: [],
        failingChecks: 0,
        gaps: ['owner-unresolved'],
      });

      // Stage, risk and spec figures count capabilities only; the tiles count
      // the distinct entities in the view.
      const facets = await audit.facets({ scope: 'all' });
      expect(facets.total).toBe(6);
      expect(facets.inView).toMatchObject({ capabilities: 5 });
      expect(Object.values(facets.stage).reduce((sum, n) => sum + n!, 0)).toBe(
        5,
      );
      expect(facets.spec).not.toHaveProperty('missing', 3);
      expect(facets.gap['owner-unresolved']).toBe(1);
      expect((await audit.facets({})).gap['owner-unresolved']).toBe(0);
      // A stage filter asks about capabilities, in either scope.
      expect(
        refs(await audit.page(query({ scope: 'all', stage: 'proposed' }))),
      ).toEqual([]);
      // The roll-up counts an owner's entities; its stages are capabilities'.
      const ghostOwner = (await audit.owners({ scope: 'all' })).find(
        o => o.owner === 'group:default/ghost',
      );
      expect(ghostOwner).toMatchObject({ total: 1, byStage: {} });
      expect(
        (await audit.owners({})).find(o => o.owner === 'group:default/ghost'),
      ).toBeUndefined();
      expect(
        (await audit.owners({})).find(o => o.owner === 'group:default/ml'),
      ).toMatchObject({ ownerTitle: 'Machine learning' });
    });

    it('narrows by owner including child groups, kind, stage, risk, spec, gaps and text', async () => {
      const { audit } = await setup();
      expect(
        refs(await audit.page(query({ owner: 'group:default/engineering' }))),
      ).toEqual([
        'component:default/a-forecast',
        'component:default/b-churn',
        'component:default/f-stopped',
        'resource:default/e-pipeline',
      ]);
      // Short refs mean groups, as in the catalog.
      expect(refs(await audit.page(query({ owner: 'data-science' })))).toEqual([
        'component:default/a-forecast',
        'component:default/b-churn',
        'component:default/f-stopped',
      ]);
      // Gaps are alternatives: the "owner missing or review overdue" view.
      expect(
        refs(
          await audit.page(
            query({ scope: 'all', gap: 'owner-unresolved,overdue' }),
          ),
        ),
      ).toEqual(['component:default/a-forecast', 'component:default/c-ghost']);
      expect(
        refs(
          await audit.page(
            query({ gap: 'owner-unresolved,overdue', owner: 'ml' }),
          ),
        ),
      ).toEqual(['component:default/a-forecast']);
      expect(refs(await audit.page(query({ kind: 'resource' })))).toEqual([
        'resource:default/e-pipeline',
      ]);
      expect(
        refs(await audit.page(query({ stage: 'pilot,readiness-review' }))),
      ).toEqual(['component:default/b-churn', 'component:default/d-billing']);
      expect(refs(await audit.page(query({ risk: 'high' })))).toEqual([
        'component:default/b-churn',
      ]);
      expect(
        refs(await audit.page(query({ spec: 'missing,invalid' }))),
      ).toEqual(['component:default/d-billing', 'component:default/f-stopped']);
      expect(
        refs(await audit.page(query({ gap: 'pending-transfer' }))),
      ).toEqual(['resource:default/e-pipeline']);
      expect(refs(await audit.page(query({ q: 'FORECAST' })))).toEqual([
        'component:default/a-forecast',
      ]);
      expect(refs(await audit.page(query({ q: '100%' })))).toEqual([]);
    });

    it('sorts with empty values last and pages', async () => {
      const { audit } = await setup();
      expect(
        refs(
          await audit.page(
            query({ scope: 'all', sort: 'nextReview', order: 'asc' }),
          ),
        ),
      ).toEqual([
        // A stopped capability has no next review: it sorts with the empty
        // ones, and so does an entity that is no capability.
        'component:default/a-forecast',
        'component:default/b-churn',
        'component:default/d-billing',
        'resource:default/e-pipeline',
        'component:default/c-ghost',
        'component:default/f-stopped',
      ]);
      const byStage = await audit.page(
        query({
          scope: 'all',
          sort: 'stage',
          order: 'desc',
          limit: '2',
          offset: '1',
        }),
      );
      expect(byStage.totalCount).toBe(6);
      expect(refs(byStage)).toEqual([
        'component:default/a-forecast',
        'resource:default/e-pipeline',
      ]);
    });

    it('counts each filter value given the other filters', async () => {
      const { audit } = await setup();
      expect(
        await audit.facets({ owner: 'engineering', stage: ['operating'] }),
      ).toEqual({
        total: 1,
        kind: { component: 1 },
        // The stage facet ignores the stage filter: every stage in engineering.
        stage: { operating: 1, pilot: 1, stopped: 1, 'handed-off': 1 },
        risk: { medium: 1 },
        spec: { valid: 1 },
        gap: {
          overdue: 1,
          'owner-unresolved': 0,
          'no-operating-owner': 0,
          'operating-owner-differs': 1,
          'missing-artifacts': 0,
          'failing-checks': 0,
          'review-required': 0,
          'exception-expired': 0,
          'exception-pending': 0,
          'pending-transfer': 0,
          'sla-breached': 0,
          'kpi-missed': 0,
          'work-past-due': 0,
        },
        inView: {
          overdue: 1,
          ownershipGaps: 0,
          invalidSpecs: 0,
          capabilities: 1,
        },
      });
      const all = await audit.facets({ scope: 'all', gap: ['overdue'] });
      expect(all.total).toBe(1);
      expect(all.gap).toMatchObject({
        overdue: 1,
        'owner-unresolved': 1,
        'missing-artifacts': 1,
      });
      expect(all.spec).toEqual({ valid: 1 });
    });

    it('counts the tiles as the distinct rows of the view they open', async () => {
      const { audit } = await setup();
      for (const filter of [
        {},
        { gap: ['overdue' as const] },
        { owner: 'ml' },
      ]) {
        const facets = await audit.facets(filter);
        const rows = (
          await audit.page(query({ ...filter, gap: undefined } as any))
        ).items.filter(r =>
          (filter as any).gap ? r.gaps.includes('overdue') : true,
        );
        const ownership = rows.filter(
          r =>
            r.gaps.includes('owner-unresolved') ||
            r.gaps.includes('no-operating-owner'),
        );
        expect(facets.inView?.ownershipGaps).toBe(ownership.length);
        expect(facets.inView?.overdue).toBe(
          rows.filter(r => r.gaps.includes('overdue')).length,
        );
        expect(facets.total).toBe(rows.length);
      }
    });

    it('rolls up per owner', async () => {
      const { audit } = await setup();
      const owners = await audit.owners({ scope: 'all' });
      expect(owners.map(o => [o.owner, o.total, o.ownerResolves])).toEqual([
        ['group:default/ml', 2, true],
        ['group:default/data-science', 1, true],
        ['group:default/ghost', 1, false],
        ['group:default/sales', 1, true],
        ['group:default/sre', 1, true],
      ]);
      expect(owners[0]).toEqual({
        owner: 'group:default/ml',
        ownerTitle: 'Machine learning',
        ownerResolves: true,
        total: 2,
        byStage: { operating: 1, stopped: 1 },
        gaps: {
          overdue: 1,
          'owner-unresolved': 0,
          'no-operating-owner': 0,
          'operating-owner-differs': 1,
          'missing-artifacts': 0,
          'failing-checks': 0,
          'review-required': 0,
          'exception-expired': 0,
          'exception-pending': 0,
          'pending-transfer': 0,
          'sla-breached': 0,
          'kpi-missed': 0,
          'work-past-due': 0,
        },
        invalidSpecs: 0,
        missingSpecs: 1,
      });
    });

    it('follows the workflow: a decision and an accepted hand-off change the audit at once', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const store = await DatabaseHandoffStore.create({ database });
      const projection = await DatabaseProjectionStore.create({ database });
      await seedPortfolio(store, projection, new Date());
      const audit = new PortfolioAudit(knex);
      // Three weeks on, its hand-off still waits: past the SLA the default
      // policy promises (acceptance within 5 to 15 working days).
      const later = new PortfolioAudit(
        knex,
        () => new Date(Date.now() + 21 * 86_400_000),
      );
      const waiting = await later.page(
        query({ kind: 'resource', gap: 'sla-breached' }),
      );
      expect(waiting.items.map(i => i.entityRef)).toEqual([
        'resource:default/e-pipeline',
      ]);
      expect(waiting.items[0].gaps).toContain('sla-breached');
      expect((await audit.page(query({ gap: 'sla-breached' }))).items).toEqual(
        [],
      );
      await store.acceptTransfer(
        'resource:default/e-pipeline',
        1,
        'user:default/grace',
      );
      await store.addCheckResult({
        entityRef: 'resource:default/e-pipeline',
        name: 'drift-nightly',
        kind: 'drift',
        status: 'pass',
        reporter: 'ci-pipeline',
      });
      const [row] = (await audit.page(query({ kind: 'resource' }))).items;
      expect(row.gaps).toEqual([]);
      expect((await later.page(query({ gap: 'sla-breached' }))).items).toEqual(
        [],
      );
      expect(row.failingChecks).toBe(0);
    });

    describe('over HTTP', () => {
      async function start(
        policy:
          | AuthorizeResult.ALLOW
          | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
      ) {
        const knex = await databases.init(databaseId);
        const { server } = await startTestBackend({
          features: [
            handoffPlugin,
            catalogServiceMock.factory({ entities: [] }),
            mockServices.database.factory({ knex }),
            mockServices.permissions.factory({ result: policy }),
          ],
        });
        const database = mockServices.database({ knex });
        await seedPortfolio(
          await DatabaseHandoffStore.create({ database }),
          await DatabaseProjectionStore.create({ database }),
          new Date(),
        );
        return server;
      }
      const user = mockCredentials.user.header('user:default/ada');

      it('serves pages, facets, the roll-up and a CSV of any filtered view', async () => {
        const server = await start();
        const page = await request(server)
          .get(
            '/api/handoff/portfolio?scope=all&gap=owner-unresolved,overdue&limit=1',
          )
          .set('Authorization', user);
        expect(page.status).toBe(200);
        expect(page.body).toMatchObject({ totalCount: 2, offset: 0, limit: 1 });
        expect(page.body.items).toHaveLength(1);

        const facets = await request(server)
          .get('/api/handoff/portfolio/facets?owner=sre')
          .set('Authorization', user);
        expect(facets.body).toMatchObject({ total: 1, kind: { resource: 1 } });

        const owners = await request(server)
          .get('/api/handoff/portfolio/owners?spec=missing')
          .set('Authorization', user);
        // No spec read yet: a capability's state; c-ghost has no spec at all.
        expect(owners.body.items.map((o: any) => o.owner)).toEqual([
          'group:default/ml',
        ]);

        const csv = await request(server)
          .get('/api/handoff/portfolio.csv?owner=engineering&sort=entityRef')
          .set('Authorization', user);
        expect(csv.status).toBe(200);
        expect(csv.headers['content-type']).toMatch(/text\/csv/);
        expect(csv.headers['content-disposition']).toMatch(
          /handoff-portfolio\.csv/,
        );
        const rows = parse(csv.text, { columns: true });
        expect(rows.map((r: any) => r.entityRef)).toEqual([
          'component:default/a-forecast',
          'component:default/b-churn',
          'component:default/f-stopped',
          'resource:default/e-pipeline',
        ]);
        expect(rows[0]).toMatchObject({
          owner: 'group:default/ml',
          ownerResolves: 'yes',
          stage: 'operating',
          gaps: 'overdue operating-owner-differs',
        });
      });

      it('answers bad filters with 400 naming the field, and refusals with 403', async () => {
        const server = await start();
        const bad = await request(server)
          .get('/api/handoff/portfolio?stage=pilot,launched&limit=0')
          .set('Authorization', user);
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toMatch(
          /stage\[1\]: must be one of proposed, pilot/,
        );
        expect(bad.body.error.message).toMatch(/limit/);
        const unknown = await request(server)
          .get('/api/handoff/portfolio/facets?colour=red')
          .set('Authorization', user);
        expect(unknown.status).toBe(400);
        expect(unknown.body.error.message).toMatch(/colour/);
        const anonymous = await request(server)
          .get('/api/handoff/portfolio')
          .set('Authorization', mockCredentials.none.header());
        expect(anonymous.status).toBe(401);
      });

      it('syncs with the catalog when the platform team asks, and says how it went', async () => {
        const knex = await databases.init(databaseId);
        const { server } = await startTestBackend({
          features: [
            handoffPlugin,
            catalogServiceMock.factory({
              entities: [
                {
                  apiVersion: 'backstage.io/v1alpha1',
                  kind: 'Group',
                  metadata: { name: 'ml', namespace: 'default' },
                  spec: {
                    type: 'team',
                    children: [],
                    profile: { displayName: 'Machine learning' },
                  },
                },
                {
                  apiVersion: 'backstage.io/v1alpha1',
                  kind: 'Component',
                  metadata: {
                    name: 'x',
                    namespace: 'default',
                    annotations: { 'handoff.dev/spec': './handoff.yaml' },
                  },
                  spec: { owner: 'group:default/ml' },
                  relations: [
                    { type: 'ownedBy', targetRef: 'group:default/ml' },
                  ],
                },
              ],
            }),
            mockServices.database.factory({ knex }),
            mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
          ],
        });
        const before = await request(server)
          .get('/api/handoff/portfolio')
          .set('Authorization', user);
        expect(before.body.totalCount).toBe(0);
        expect(
          (
            await request(server)
              .get('/api/handoff/portfolio/sync')
              .set('Authorization', user)
          ).body,
        ).toEqual({ running: false, specHosts: [] });

        const asked = Date.now();
        const sync = await request(server)
          .post('/api/handoff/portfolio/sync')
          .set('Authorization', user);
        expect(sync.status).toBe(202);
        // The answer is the run it started, never the one before: a client
        // polls it until it ends.
        expect(sync.body.latest).toMatchObject({
          startedAt: expect.any(String),
        });
        expect(Date.parse(sync.body.latest.startedAt)).toBeGreaterThanOrEqual(
          asked - 1_000,
        );
        // It runs in the background; its progress is read until it ends.
        let status = sync.body;
        for (let i = 0; i < 100 && status.running; i++) {
          await new Promise(r => setTimeout(r, 50));
          status = (
            await request(server)
              .get('/api/handoff/portfolio/sync')
              .set('Authorization', user)
          ).body;
        }
        expect(status).toMatchObject({
          running: false,
          latest: { synced: 1, removed: 0, finishedAt: expect.any(String) },
        });
        const again = await request(server)
          .post('/api/handoff/portfolio/sync')
          .set('Authorization', user);
        expect(again.status).toBe(202);
        expect(Date.parse(again.body.latest.startedAt)).toBeGreaterThan(
          Date.parse(status.latest.startedAt),
        );
        expect(again.body.latest.finishedAt ?? 'running').not.toBe(
          status.latest.finishedAt,
        );
        for (
          let i = 0;
          i < 100 &&
          (
            await request(server)
              .get('/api/handoff/portfolio/sync')
              .set('Authorization', user)
          ).body.running;
          i++
        ) {
          await new Promise(r => setTimeout(r, 50));
        }
        const after = await request(server)
          .get('/api/handoff/portfolio')
          .set('Authorization', user);
        expect(after.body.items).toEqual([
          expect.objectContaining({
            entityRef: 'component:default/x',
            ownerTitle: 'Machine learning',
            capability: true,
          }),
        ]);
      });

      it('refuses a sync to whoever may not start one, and says plainly when one is running', async () => {
        const denied = await start(AuthorizeResult.DENY);
        expect(
          (
            await request(denied)
              .post('/api/handoff/portfolio/sync')
              .set('Authorization', user)
          ).status,
        ).toBe(403);
        // Nor may they read how the audit's sync went.
        expect(
          (
            await request(denied)
              .get('/api/handoff/portfolio/sync')
              .set('Authorization', user)
          ).status,
        ).toBe(403);

        const knex = await databases.init(databaseId);
        const { server } = await startTestBackend({
          features: [
            handoffPlugin,
            catalogServiceMock.factory({ entities: [] }),
            mockServices.database.factory({ knex }),
            mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
          ],
        });
        // A sync running on another replica, with progress a moment ago.
        const projection = await DatabaseProjectionStore.create({
          database: mockServices.database({ knex }),
        });
        const running = new Date();
        expect(await projection.claimSync(running, new Date(0))).toBe(true);
        await projection.recordSync({ startedAt: running, synced: 500 });
        const busy = await request(server)
          .post('/api/handoff/portfolio/sync')
          .set('Authorization', user);
        expect(busy.status).toBe(409);
        expect(busy.body.error.message).toBe(
          'A catalog sync is already running; its progress is shown here',
        );
        expect(
          (
            await request(server)
              .get('/api/handoff/portfolio/sync')
              .set('Authorization', user)
          ).body,
        ).toMatchObject({ running: true, latest: { synced: 500 } });
        // Its replica died a minute ago: shown as failed, and a new sync is taken at once.
        await knex('handoff_sync_status').update({
          updated_at: new Date(Date.now() - 60_000),
        });
        expect(
          (
            await request(server)
              .get('/api/handoff/portfolio/sync')
              .set('Authorization', user)
          ).body,
        ).toMatchObject({
          running: false,
          latest: {
            synced: 500,
            finishedAt: expect.any(String),
            error: expect.stringMatching(/^It stopped without finishing/),
          },
        });
        const taken = await request(server)
          .post('/api/handoff/portfolio/sync')
          .set('Authorization', user);
        expect(taken.status).toBe(202);
        expect(taken.body.latest.startedAt).not.toBe(running.toISOString());
        const anonymous = await request(server)
          .post('/api/handoff/portfolio/sync')
          .set('Authorization', mockCredentials.none.header());
        expect(anonymous.status).toBe(401);
      });

      it('refuses readers without the audit permission', async () => {
        const server = await start(AuthorizeResult.DENY);
        const csv = await request(server)
          .get('/api/handoff/portfolio.csv')
          .set('Authorization', user);
        expect(csv.status).toBe(403);
      });
    });
  },
);
