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
