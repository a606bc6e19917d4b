import { durationToMilliseconds } from '@backstage/types';
import { REVIEW_CADENCE_DAYS, riskTier } from './gates';
import { riskProfileSchema } from './spec';
import type { RiskLevel } from './spec';

/**
 * The review date one cadence after `from` for a risk tier (by default high
 * 30 days, medium 90, low 180; the gate policy's `reviewCadenceDays`). The one place a next review date is computed.
 *
 * @public
 */
export function nextReviewDate(
  from: Date,
  tier: RiskLevel,
  cadenceDays: Record<RiskLevel, number> = REVIEW_CADENCE_DAYS,
): Date {
  return new Date(
    from.getTime() + durationToMilliseconds({ days: cadenceDays[tier] }),
  );
}

/**
 * The risk tier a spec document calls for, read from its risk profile even
 * when another part of the spec is invalid; high when it has none.
 *
 * @public
 */
export function documentRiskTier(document: unknown): RiskLevel {
  const risk = riskProfileSchema.safeParse(
    (document as { risk?: unknown } | undefined)?.risk,
  );
  return riskTier(risk.success ? risk.data : undefined);
}

/**
 * The first review of a capability nobody decided on yet: one cadence after
 * its spec was first seen.
 *
 * @public
 */
export function firstReviewDate(
  firstSeenAt: string | Date,
  document: unknown,
  cadenceDays: Record<RiskLevel, number> = REVIEW_CADENCE_DAYS,
): Date {
  return nextReviewDate(
    new Date(firstSeenAt),
    documentRiskTier(document),
    cadenceDays,
  );
}

/**
 * The first review of a capability nobody decided on yet, when it was
 * registered with a review date of its own (the `handoff.dev/next-review`
 * annotation): the earlier of the two. An annotation that is not a date is
 * ignored.
 *
 * @public
 */
export function registeredReviewDate(
  first: Date | undefined,
  annotation: unknown,
): Date | undefined {
  const registered =
    typeof annotation === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(annotation)
      ? new Date(`${annotation}T00:00:00Z`)
      : undefined;
  if (!registered || Number.isNaN(registered.getTime())) return first;
  return first && first.getTime() < registered.getTime() ? first : registered;
}

/**
 * Whole days from `from` to `to` (negative when `to` is earlier).
 *
 * @public
 */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor(
    (to.getTime() - from.getTime()) / durationToMilliseconds({ days: 1 }),
  );
}

/**
 * One success criterion measured over review cycles, oldest first, and
 * whether it missed its target in the last two cycles.
 *
 * @public
 */
export type KpiHistory = {
  metric: string;
  /** The criterion's target in the latest spec, when it still has it. */
  target?: number | string;
  unit?: string;
  points: Array<{
    sequence: number;
    reviewedAt: string;
    measured: number | string;
    met: boolean;
  }>;
  /** Missed in each of the last two review cycles. */
  missedTwice: boolean;
};

/**
 * The success criteria measured over a capability's review cycles (any
 * order), with the targets of `criteria` (the latest spec's).
 *
 * @public
 */
export function kpiHistory(
  cycles: Array<{
    sequence: number;
    reviewedAt: string;
    readout: {
      kpis?: Array<{ metric: string; measured: number | string; met: boolean }>;
    };
  }>,
  criteria: Array<{
    metric: string;
    target: number | string;
    unit?: string;
  }> = [],
): KpiHistory[] {
  const ordered = [...cycles].sort((a, b) => a.sequence - b.sequence);
  const key = (metric: string) => metric.trim().toLocaleLowerCase('en-US');
  const byMetric = new Map<string, KpiHistory>();
  for (const cycle of ordered) {
    for (const k of cycle.readout.kpis ?? []) {
      const criterion = criteria.find(c => key(c.metric) === key(k.metric));
      let history = byMetric.get(key(k.metric));
      if (!history) {
        history = {
          metric: criterion?.metric ?? k.metric,
          target: criterion?.target,
          unit: criterion?.unit,
          points: [],
          missedTwice: false,
        };
        byMetric.set(key(k.metric), history);
      }
      history.points.push({
        sequence: cycle.sequence,
        reviewedAt: cycle.reviewedAt,
        measured: k.measured,
        met: k.met,
      });
    }
  }
  const [previous, last] = ordered.slice(-2).map(c => c.sequence);
  for (const history of byMetric.values()) {
    const missedIn = (sequence?: number) =>
      history.points.some(p => p.sequence === sequence && !p.met);
    history.missedTwice =
      last !== undefined && missedIn(previous) && missedIn(last);
  }
  return [...byMetric.values()];
}
