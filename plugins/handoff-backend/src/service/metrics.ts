import {
  PORTFOLIO_GAPS,
  PortfolioFacets,
  STAGES,
} from '@handoff/backstage-plugin-handoff-common';

const RISK_TIERS = ['low', 'medium', 'high'] as const;
import { BatchObservableCallback, metrics } from '@opentelemetry/api';
import type { PassTotals } from '../catalog/SpecIngester';

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
  private readonly decisionDuration = this.meter.createHistogram(
    'handoff.decision.duration',
    {
      description:
        'Time to check a decision against its gate and write it, by decision',
      unit: 's',
      advice: {
        explicitBucketBoundaries: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      },
    },
  );
  private readonly passDuration = this.meter.createHistogram(
    'handoff.spec.pass.duration',
    {
      description: 'Time of one run of the spec pass (full or changed only)',
      unit: 's',
      advice: {
        explicitBucketBoundaries: [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300],
      },
    },
  );
  private readonly specReads = this.meter.createCounter('handoff.spec.reads', {
    description:
      'Specs the pass read, by outcome: new-version, unchanged, unreadable, failed, held-back',
  });
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
      // Every stage, tier and gap each time, zero included: a count that
      // falls to nothing must read 0, not keep its last value.
      for (const stage of STAGES) {
        result.observe(capabilities, figures.stage[stage] ?? 0, { stage });
      }
      for (const risk of RISK_TIERS) {
        result.observe(byRisk, figures.risk[risk] ?? 0, { risk });
      }
      for (const gap of PORTFOLIO_GAPS) {
        result.observe(gaps, figures.gap[gap] ?? 0, { gap });
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

  decisionRecorded(decision: string, tier?: string, seconds?: number) {
    this.decisions.add(1, { decision, tier: tier ?? 'unknown' });
    if (seconds !== undefined) {
      this.decisionDuration.record(seconds, { decision });
    }
  }

  /** One run of the spec pass: how long it took and what its reads found. */
  specPassRun(kind: 'full' | 'changed', seconds: number, totals: PassTotals) {
    this.passDuration.record(seconds, { pass: kind });
    const outcomes = {
      'new-version': totals.created,
      unchanged: totals.notModified,
      unreadable: totals.unreadable,
      failed: totals.failed,
      'held-back': totals.heldBack,
    };
    for (const [outcome, n] of Object.entries(outcomes)) {
      if (n > 0) this.specReads.add(n, { outcome });
    }
  }

  transferAccepted(createdAt: string, acceptedAt: string) {
    this.acceptance.record(
      (Date.parse(acceptedAt) - Date.parse(createdAt)) / 86_400_000,
    );
  }
}
