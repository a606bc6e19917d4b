import { PortfolioFacets } from '@handoff/backstage-plugin-handoff-common';
import { BatchObservableCallback, metrics } from '@opentelemetry/api';

/** How long one reading of the audit's figures serves every scrape. */
const FIGURES_TTL_MS = 30_000;

/**
 * Handoff's figures as OpenTelemetry metrics, for Prometheus or any
 * exporter the backend's instrumentation sets up (nothing is sent without
 * one). The gauges are the audit's own counts (`PortfolioAudit.facets`,
 * read at most every 30 seconds), so Prometheus and the audit page never
 * disagree; every replica reports the same values, so aggregate them with
 * `max`, not `sum`. The counters and the histogram count what this replica
 * recorded; aggregate them with `sum`.
 */
export class HandoffMetrics {
  private readonly meter = metrics.getMeter('backstage-plugin-handoff');
  private readonly decisions = this.meter.createCounter('handoff.decisions', {
    description: 'Decisions recorded, by decision and risk tier',
  });
  private readonly acceptance = this.meter.createHistogram(
    'handoff.handoff.acceptance.duration',
    {
      description:
        'Days from a hand-off to its acceptance by the receiving owner',
      unit: 'd',
      advice: { explicitBucketBoundaries: [1, 2, 5, 10, 15, 20, 30, 60, 90] },
    },
  );
  private cached?: { at: number; figures: Promise<PortfolioFacets> };
  private readonly stop: () => void;

  constructor(
    private readonly audit: { facets(filter: {}): Promise<PortfolioFacets> },
  ) {
    const capabilities = this.meter.createObservableGauge(
      'handoff.capabilities',
      { description: 'Capabilities by stage' },
    );
    const byRisk = this.meter.createObservableGauge(
      'handoff.capabilities.risk',
      { description: 'Capabilities by risk tier' },
    );
    const gaps = this.meter.createObservableGauge('handoff.gaps', {
      description:
        'Capabilities with each audit gap: overdue, sla-breached, pending-transfer…',
    });
    const observe: BatchObservableCallback = async result => {
      const figures = await this.figures();
      for (const [stage, n] of Object.entries(figures.stage)) {
        result.observe(capabilities, n ?? 0, { stage });
      }
      for (const [risk, n] of Object.entries(figures.risk)) {
        result.observe(byRisk, n ?? 0, { risk });
      }
      for (const [gap, n] of Object.entries(figures.gap)) {
        result.observe(gaps, n, { gap });
      }
    };
    const observed = [capabilities, byRisk, gaps];
    this.meter.addBatchObservableCallback(observe, observed);
    this.stop = () =>
      this.meter.removeBatchObservableCallback(observe, observed);
  }

  /** Stops reporting the audit's figures (the backend is stopping). */
  close() {
    this.stop();
  }

  private figures() {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > FIGURES_TTL_MS) {
      const figures = this.audit.facets({});
      this.cached = { at: now, figures };
      figures.catch(() => {
        this.cached = undefined;
      });
    }
    return this.cached.figures;
  }

  decisionRecorded(decision: string, tier?: string) {
    this.decisions.add(1, { decision, tier: tier ?? 'unknown' });
  }

  transferAccepted(createdAt: string, acceptedAt: string) {
    this.acceptance.record(
      (Date.parse(acceptedAt) - Date.parse(createdAt)) / 86_400_000,
    );
  }
}
