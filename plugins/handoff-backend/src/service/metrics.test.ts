import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { metrics } from '@opentelemetry/api';
import {
  PrometheusExporter,
  PrometheusSerializer,
} from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import request from 'supertest';
import { DatabaseHandoffStore } from '../database/DatabaseHandoffStore';
import { DatabaseProjectionStore } from '../database/ProjectionStore';
import { seedPortfolio } from '../__testUtils__/portfolioFixture';
import { handoffPlugin } from '../plugin';
import { userInfoFactory } from '../__testUtils__/fixtures';
import { HandoffMetrics } from './metrics';

jest.setTimeout(60_000);

// The backend's instrumentation, as a company sets it up: a Prometheus
// exporter on the global meter provider, before the backend starts.
const exporter = new PrometheusExporter({ preventServerStart: true });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));

/** What Prometheus would scrape, as lines. */
async function scrape() {
  const { resourceMetrics, errors } = await exporter.collect();
  expect(errors).toEqual([]);
  return (
    new PrometheusSerializer()
      .serialize(resourceMetrics)
      .split('\n')
      .filter(line => line.startsWith('handoff_'))
      // Every series names the plugin's scope; the rest is what we assert.
      .map(line =>
        line
          .replace(/,?otel_scope_[a-z]+="[^"]*"/g, '')
          .replace('{,', '{')
          .replace('{}', ''),
      )
  );
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'Handoff metrics on %s',
  databaseId => {
    it("reports the audit's figures as gauges and counts decisions and acceptances", async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const store = await DatabaseHandoffStore.create({ database });
      const projection = await DatabaseProjectionStore.create({ database });
      await seedPortfolio(store, projection, new Date());
      const backend = await startTestBackend({
        features: [
          handoffPlugin,
          catalogServiceMock.factory({
            entities: [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Resource',
                metadata: {
                  name: 'e-pipeline',
                  namespace: 'default',
                  annotations: { 'handoff.dev/spec': './handoff.yaml' },
                },
                spec: { owner: 'group:default/sre' },
              },
            ],
          }),
          mockServices.database.factory({ knex }),
          userInfoFactory,
        ],
      });
      const { server } = backend;
      try {
        const before = await scrape();
        // The audit's own counts: the same numbers as its facets.
        const facets = await request(server)
          .get('/api/handoff/portfolio/facets')
          .set('Authorization', mockCredentials.user.header());
        expect(facets.status).toBe(200);
        for (const [stage, n] of Object.entries(facets.body.stage)) {
          expect(before).toContain(
            `handoff_capabilities{stage="${stage}"} ${n}`,
          );
        }
        expect(before).toContain(
          `handoff_gaps{gap="pending-transfer"} ${facets.body.gap['pending-transfer']}`,
        );
        expect(before).toContain(`handoff_gaps{gap="sla-breached"} 0`);
        expect(facets.body.gap['pending-transfer']).toBeGreaterThan(0);

        // SRE accepts the pending hand-off: counted, with how long it took
        // (the counts add up over this process's backends).
        const count = (lines: string[]) =>
          Number(
            lines
              .find(l =>
                l.startsWith('handoff_handoff_acceptance_duration_count'),
              )
              ?.split(' ')[1] ?? 0,
          );
        const accepted = await request(server)
          .post('/api/handoff/transfer/resource/default/e-pipeline/accept')
          .set(
            'Authorization',
            mockCredentials.user.header('user:default/grace'),
          );
        expect(accepted.status).toBe(200);
        const after = await scrape();
        expect(count(after)).toBe(count(before) + 1);
        // Accepted within the day it was handed off: the first bucket.
        expect(after).toContain(
          `handoff_handoff_acceptance_duration_bucket{le="1"} ${count(after)}`,
        );

        // A decision: counted by decision and tier, with how long the gate
        // check and the write took.
        const series = (lines: string[], prefix: string) =>
          Number(
            lines
              .find(l => l.startsWith(prefix))
              ?.split(' ')
              .pop() ?? 0,
          );
        const stopped = await request(server)
          .post('/api/handoff/decisions/resource/default/e-pipeline')
          .set(
            'Authorization',
            mockCredentials.user.header('user:default/grace'),
          )
          .send({
            decision: 'stop',
            rationale: 'The pipeline is replaced by the new ledger feed',
            expectedSequence: 1,
          });
        expect(stopped.status).toBe(201);
        const later = await scrape();
        const total = 'handoff_decisions_total{decision="stop",tier=';
        expect(series(later, total)).toBe(series(after, total) + 1);
        const timed = 'handoff_decision_duration_count{decision="stop"}';
        expect(series(later, timed)).toBe(series(after, timed) + 1);
        expect(
          series(later, 'handoff_decision_duration_sum{decision="stop"}'),
        ).toBeGreaterThan(0);
      } finally {
        await backend.stop();
      }
    });
  },
);

it("reports each spec pass run's time and what its reads found", async () => {
  const handoffMetrics = new HandoffMetrics({
    facets: async () => ({ stage: { pilot: 2 }, risk: {}, gap: {} } as any),
  });
  try {
    const reads = (lines: string[], outcome: string) =>
      Number(
        lines
          .find(l =>
            l.startsWith(`handoff_spec_reads_total{outcome="${outcome}"}`),
          )
          ?.split(' ')
          .pop() ?? 0,
      );
    const before = await scrape();
    handoffMetrics.specPassRun('changed', 1.5, {
      read: 7,
      notModified: 4,
      created: 2,
      unreadable: 1,
      failed: 0,
      heldBack: 0,
    });
    const after = await scrape();
    expect(reads(after, 'unchanged')).toBe(reads(before, 'unchanged') + 4);
    expect(reads(after, 'new-version')).toBe(reads(before, 'new-version') + 2);
    expect(reads(after, 'unreadable')).toBe(reads(before, 'unreadable') + 1);
    expect(after).toContain(
      'handoff_spec_pass_duration_bucket{pass="changed",le="1"} 0',
    );
    expect(after).toContain(
      'handoff_spec_pass_duration_bucket{pass="changed",le="5"} 1',
    );
    // Every stage, tier and gap is reported, an empty one as 0, so a count
    // that falls to nothing never keeps its last value in Prometheus.
    expect(after).toContain('handoff_capabilities{stage="pilot"} 2');
    expect(after).toContain('handoff_capabilities{stage="operating"} 0');
    expect(after).toContain('handoff_capabilities_risk{risk="high"} 0');
    expect(after).toContain('handoff_gaps{gap="overdue"} 0');
  } finally {
    handoffMetrics.close();
  }
});
