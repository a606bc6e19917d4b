import type { Stage } from './lifecycle';
import type { GatePolicy } from './policy';
import type { RiskLevel } from './spec';

/**
 * A turnaround the gate policy promises: a hand-off accepted by the
 * receiving owner, or a readiness review concluded by a decision.
 *
 * @public
 */
export type SlaKind = 'handoffAcceptance' | 'readinessReview';

/** @public */
export const SLA_TITLES: Record<SlaKind, string> = {
  handoffAcceptance: 'Hand-off acceptance',
  readinessReview: 'Readiness review',
};

/** The stage whose time each turnaround bounds. @public */
export const SLA_STAGES: Record<SlaKind, Stage> = {
  handoffAcceptance: 'handed-off',
  readinessReview: 'readiness-review',
};

const DAY = 24 * 60 * 60 * 1000;
const isWorkingDay = (t: number) => {
  const day = new Date(t).getUTCDay();
  return day !== 0 && day !== 6;
};

/**
 * The instant `days` working days (Monday to Friday, UTC) after `start`:
 * a hand-off recorded on a Friday at noon with an SLA of 1 working day is
 * due on Monday at noon.
 *
 * @public
 */
export function addWorkingDays(start: Date, days: number): Date {
  let t = start.getTime();
  for (let left = days; left > 0; ) {
    t += DAY;
    if (isWorkingDay(t)) left -= 1;
  }
  return new Date(t);
}

/**
 * The fewest working days an SLA from `start` needed to be kept at `end`:
 * `end` is within `n` working days of `start` (by {@link addWorkingDays})
 * exactly when `n` is at least this.
 *
 * @public
 */
export function workingDaysTaken(start: Date, end: Date): number {
  let n = 0;
  for (let t = start.getTime(); t < end.getTime(); n++) {
    do t += DAY;
    while (!isWorkingDay(t));
  }
  return n;
}

/**
 * Whole working days (Monday to Friday, UTC) from `from` to `to`; 0 when
 * `to` is not later.
 *
 * @public
 */
export function workingDaysBetween(from: Date, to: Date): number {
  let count = 0;
  for (let t = from.getTime() + DAY; t <= to.getTime(); t += DAY) {
    if (isWorkingDay(t)) count += 1;
  }
  return count;
}

/**
 * What the policy promises for a capability of `tier` in `stage`: which
 * turnaround and in how many working days, or nothing.
 *
 * @public
 */
export function slaFor(
  policy: Pick<GatePolicy, 'sla'>,
  tier: RiskLevel | undefined,
  stage: Stage,
): { kind: SlaKind; workingDays: number } | undefined {
  if (!tier || !policy.sla) return undefined;
  for (const kind of Object.keys(SLA_STAGES) as SlaKind[]) {
    const workingDays = policy.sla[kind]?.[tier];
    if (SLA_STAGES[kind] === stage && workingDays) {
      return { kind, workingDays };
    }
  }
  return undefined;
}

/**
 * A turnaround being waited for: since when, by when it is due, and how
 * many working days it has waited so far.
 *
 * @public
 */
export type SlaClock = {
  kind: SlaKind;
  workingDays: number;
  since: string;
  dueAt: string;
  waitedWorkingDays: number;
  breached: boolean;
};

/**
 * The clock of a turnaround that started at `since`, as of `now`.
 *
 * @public
 */
export function slaClock(
  sla: { kind: SlaKind; workingDays: number },
  since: Date,
  now: Date,
): SlaClock {
  const due = addWorkingDays(since, sla.workingDays);
  return {
    ...sla,
    since: since.toISOString(),
    dueAt: due.toISOString(),
    waitedWorkingDays: workingDaysBetween(since, now),
    breached: now.getTime() > due.getTime(),
  };
}
