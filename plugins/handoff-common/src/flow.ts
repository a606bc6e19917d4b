import { REVIEWING_DECISIONS, Stage, STAGES } from './lifecycle';
import type { GatePolicy } from './policy';
import { addWorkingDays, SLA_STAGES, SlaKind } from './sla';
import type { RiskLevel } from './spec';

/**
 * One decision of a capability's trail, as the flow figures read it.
 *
 * @public
 */
export type FlowDecision = {
  decision: string;
  fromStage?: Stage;
  toStage: Stage;
  createdAt: string;
  /** The next review date this decision set, if it set one. */
  nextReviewAt?: string;
  /** Whether it was recorded with an exception to its gate. */
  exception?: boolean;
};

/**
 * One capability's trail: its decisions (any order) and its hand-offs'
 * ownership transfers.
 *
 * @public
 */
export type FlowHistory = {
  entityRef: string;
  /** Its risk tier now, which chooses its SLAs. */
  tier?: RiskLevel;
  decisions: FlowDecision[];
  transfers: Array<{ createdAt: string; acceptedAt?: string }>;
  /** Its work items with a due date: when due, and when closed if they are. */
  work?: Array<{ dueAt: string; closedAt?: string }>;
};

/**
 * Durations in days: how many, the median and the 85th percentile.
 *
 * @public
 */
export type FlowDistribution = {
  count: number;
  median?: number;
  p85?: number;
};

/**
 * What the decision trail says about a window of time.
 *
 * @public
 */
export type FlowFigures = {
  from: string;
  to: string;
  /** Days spent in each stage, for every stay that ended in the window. */
  timeInStage: Partial<Record<Stage, FlowDistribution>>;
  /** Days to operating, for capabilities first operating in the window. */
  leadTime: { fromProposed: FlowDistribution; fromPilot: FlowDistribution };
  /** Days from a hand-off to its acceptance, for acceptances in the window; and those still waiting at its end. */
  handoffTurnaround: FlowDistribution & { waiting: number };
  /** Reviews due in the window (up to now): recorded by their date, late, or not recorded yet. */
  reviews: {
    due: number;
    onTime: number;
    late: number;
    notYet: number;
    daysLate: FlowDistribution;
  };
  /** Decisions recorded in the window, and how many had an exception. */
  exceptions: { decisions: number; withException: number };
  /** Capabilities reframed or stopped in the window after they had been handed off. */
  reversals: number;
  /**
   * Work items due in the window (up to now): closed by their due time,
   * closed after it, or still open past it.
   */
  work: { due: number; onTime: number; late: number; open: number };
  /**
   * Turnarounds with an SLA that ended in the window (a hand-off accepted,
   * a readiness review concluded): how many, and how many within it.
   */
  slas: Record<SlaKind, { count: number; withinSla: number }>;
};

const DAY = 24 * 60 * 60 * 1000;
const byRef = (a: string, b: string) => {
  const [x, y] = [a.toLocaleLowerCase('en-US'), b.toLocaleLowerCase('en-US')];
  if (x === y) return 0;
  return x < y ? -1 : 1;
};

const days = (from: number, to: number) => (to - from) / DAY;

/**
 * The value at or below which `p` of the values lie, by nearest rank:
 * sorted[ceil(p × n) − 1]. The median is the 50th percentile.
 *
 * @public
 */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

function distribution(values: number[]): FlowDistribution {
  const round = (n: number | undefined) =>
    n === undefined ? undefined : Math.round(n * 10) / 10;
  return {
    count: values.length,
    median: round(percentile(values, 0.5)),
    p85: round(percentile(values, 0.85)),
  };
}

/**
 * The flow figures of a window `[from, to)` from capabilities' decision
 * trails; `now` bounds what can be due (a review due tomorrow is not late).
 * The trail is the only input: the figures of a window never change once it
 * has passed, whatever replica computes them.
 *
 * @public
 */
export function flowFigures(
  histories: FlowHistory[],
  window: { from: Date; to: Date; now?: Date; sla?: GatePolicy['sla'] },
): FlowFigures {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const now = Math.min((window.now ?? window.to).getTime(), to);
  const inWindow = (t: number) => t >= from && t < to;
  const stays = new Map<Stage, number[]>();
  const fromProposed: number[] = [];
  const fromPilot: number[] = [];
  const turnaround: number[] = [];
  let waiting = 0;
  const reviews = { due: 0, onTime: 0, late: 0, notYet: 0 };
  const daysLate: number[] = [];
  const exceptions = { decisions: 0, withException: 0 };
  let reversals = 0;
  const work = { due: 0, onTime: 0, late: 0, open: 0 };
  const slas: FlowFigures['slas'] = {
    handoffAcceptance: { count: 0, withinSla: 0 },
    readinessReview: { count: 0, withinSla: 0 },
  };
  /** Counts a turnaround that ended in the window against its SLA, if any. */
  const keptSla = (
    kind: SlaKind,
    tier: RiskLevel | undefined,
    start: number,
    end: number,
  ) => {
    const workingDays = tier && window.sla?.[kind]?.[tier];
    if (!workingDays) return;
    slas[kind].count += 1;
    if (end <= addWorkingDays(new Date(start), workingDays).getTime()) {
      slas[kind].withinSla += 1;
    }
  };

  for (const history of histories) {
    const trail = history.decisions
      .map(d => ({ ...d, at: Date.parse(d.createdAt) }))
      .sort((a, b) => a.at - b.at);
    // Each stay: from the decision that entered a stage to the one that left it.
    for (let i = 1; i < trail.length; i++) {
      const stage = trail[i - 1].toStage;
      if (trail[i].toStage !== stage && inWindow(trail[i].at)) {
        const list = stays.get(stage) ?? [];
        list.push(days(trail[i - 1].at, trail[i].at));
        stays.set(stage, list);
        if (stage === SLA_STAGES.readinessReview) {
          keptSla(
            'readinessReview',
            history.tier,
            trail[i - 1].at,
            trail[i].at,
          );
        }
      }
    }
    // Lead time: the first time it became operating, if that is in the window.
    const operating = trail.find(d => d.toStage === 'operating');
    if (operating && inWindow(operating.at)) {
      const start = trail[0];
      if (start.fromStage === 'proposed' || start.toStage === 'proposed') {
        fromProposed.push(days(start.at, operating.at));
      }
      const pilot = trail.find(d => d.toStage === 'pilot');
      if (pilot && pilot.at <= operating.at) {
        fromPilot.push(days(pilot.at, operating.at));
      }
    }
    for (const t of history.transfers) {
      const created = Date.parse(t.createdAt);
      const accepted = t.acceptedAt ? Date.parse(t.acceptedAt) : undefined;
      if (accepted !== undefined && inWindow(accepted)) {
        turnaround.push(days(created, accepted));
        keptSla('handoffAcceptance', history.tier, created, accepted);
      } else if (created < to && (accepted === undefined || accepted >= to)) {
        waiting += 1;
      }
    }
    // Reviews: each date a decision set is due once; the next reviewing
    // decision after it answers it.
    trail.forEach((d, i) => {
      if (!d.nextReviewAt) return;
      const due = Date.parse(d.nextReviewAt);
      if (!(due >= from && due < to && due <= now)) return;
      reviews.due += 1;
      const answer = trail
        .slice(i + 1)
        .find(next =>
          (REVIEWING_DECISIONS as readonly string[]).includes(next.decision),
        );
      // A review is on time on its due day (the date is a day, not an instant).
      if (answer && answer.at < due + DAY) {
        reviews.onTime += 1;
      } else if (answer && answer.at <= now) {
        reviews.late += 1;
        daysLate.push(Math.ceil(days(due + DAY, answer.at)));
      } else {
        reviews.notYet += 1;
        daysLate.push(Math.ceil(days(due + DAY, now)));
      }
    });
    for (const item of history.work ?? []) {
      const due = Date.parse(item.dueAt);
      if (!(due >= from && due < to && due <= now)) continue;
      work.due += 1;
      const closed = item.closedAt ? Date.parse(item.closedAt) : undefined;
      if (closed !== undefined && closed <= due) work.onTime += 1;
      else if (closed !== undefined && closed <= now) work.late += 1;
      else work.open += 1;
    }
    let handedOff = false;
    for (const d of trail) {
      if (inWindow(d.at)) {
        exceptions.decisions += 1;
        if (d.exception) exceptions.withException += 1;
      }
      if (
        handedOff &&
        (d.decision === 'reframe' || d.decision === 'stop') &&
        inWindow(d.at)
      ) {
        reversals += 1;
      }
      if (d.decision === 'hand-off') handedOff = true;
    }
  }

  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    timeInStage: Object.fromEntries(
      STAGES.filter(s => stays.has(s)).map(s => [
        s,
        distribution(stays.get(s)!),
      ]),
    ),
    leadTime: {
      fromProposed: distribution(fromProposed),
      fromPilot: distribution(fromPilot),
    },
    handoffTurnaround: { ...distribution(turnaround), waiting },
    reviews: { ...reviews, daysLate: distribution(daysLate) },
    exceptions,
    reversals,
    work,
    slas,
  };
}

/**
 * One week of a window's trend.
 *
 * @public
 */
export type FlowWeek = {
  from: string;
  to: string;
  /** Hand-offs accepted that week, and their median days to acceptance. */
  handoffsAccepted: number;
  medianDaysToAccept?: number;
  /** Capabilities that first became operating that week. */
  reachedOperating: number;
  /** Reviews due that week (up to now), and how many were recorded on time. */
  reviewsDue: number;
  reviewsOnTime: number;
};

/**
 * The window cut into weeks (the last one ends at the window's end), each
 * with the same definitions as the window's figures.
 *
 * @public
 */
export function flowWeeks(
  histories: FlowHistory[],
  window: { from: Date; to: Date; now?: Date; sla?: GatePolicy['sla'] },
): FlowWeek[] {
  const weeks: FlowWeek[] = [];
  const week = 7 * DAY;
  for (
    let end = window.to.getTime();
    end > window.from.getTime();
    end -= week
  ) {
    const from = new Date(Math.max(window.from.getTime(), end - week));
    const f = flowFigures(histories, { ...window, from, to: new Date(end) });
    weeks.unshift({
      from: from.toISOString(),
      to: new Date(end).toISOString(),
      handoffsAccepted: f.handoffTurnaround.count,
      medianDaysToAccept: f.handoffTurnaround.median,
      reachedOperating: f.leadTime.fromProposed.count,
      reviewsDue: f.reviews.due,
      reviewsOnTime: f.reviews.onTime,
    });
  }
  return weeks;
}

/**
 * One capability behind the figures: where it stands and what its trail
 * says about the window.
 *
 * @public
 */
export type FlowCapability = {
  entityRef: string;
  title?: string;
  owner?: string;
  tier?: RiskLevel;
  /** Its stage now, and days since its last stage change. */
  stage: Stage;
  daysInStage: number;
  /** Days from its first decision to operating, if it first operated in the window. */
  daysToOperating?: number;
  /** Days from its hand-off to acceptance, for an acceptance in the window. */
  daysToAccept?: number;
  /** A hand-off recorded and not yet accepted. */
  waitingForAcceptance: boolean;
  /** Its hand-offs accepted in the window that had an SLA, and how many within it. */
  handoffsWithSla: number;
  handoffsWithinSla: number;
  reviewsDue: number;
  reviewsLate: number;
  decisions: number;
  withException: number;
  /** Its work items due in the window, and how many were not closed by then. */
  workDue: number;
  workPastDue: number;
};

/**
 * Each capability's own figures for a window, by the same definitions as
 * {@link flowFigures}; those with nothing in the window and nothing waiting
 * are left out.
 *
 * @public
 */
export function flowCapabilities(
  histories: FlowHistory[],
  window: { from: Date; to: Date; now?: Date; sla?: GatePolicy['sla'] },
): FlowCapability[] {
  const now = (window.now ?? window.to).getTime();
  return histories
    .flatMap(history => {
      const f = flowFigures([history], window);
      const trail = [...history.decisions].sort(
        (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt),
      );
      const last = trail[trail.length - 1];
      if (!last) return [];
      const changed = [...trail]
        .reverse()
        .find((d, i, rev) => rev[i + 1]?.toStage !== d.toStage);
      const row: FlowCapability = {
        entityRef: history.entityRef,
        tier: history.tier,
        stage: last.toStage,
        daysInStage: Math.floor(days(Date.parse(changed!.createdAt), now)),
        daysToOperating: f.leadTime.fromProposed.median,
        daysToAccept: f.handoffTurnaround.median,
        waitingForAcceptance: f.handoffTurnaround.waiting > 0,
        handoffsWithSla: f.slas.handoffAcceptance.count,
        handoffsWithinSla: f.slas.handoffAcceptance.withinSla,
        reviewsDue: f.reviews.due,
        reviewsLate: f.reviews.late + f.reviews.notYet,
        decisions: f.exceptions.decisions,
        withException: f.exceptions.withException,
        workDue: f.work.due,
        workPastDue: f.work.late + f.work.open,
      };
      const active =
        row.decisions > 0 ||
        row.reviewsDue > 0 ||
        row.waitingForAcceptance ||
        row.workDue > 0;
      return active ? [row] : [];
    })
    .sort((a, b) => byRef(a.entityRef, b.entityRef));
}

/**
 * The figures of one group of capabilities: a risk tier, or an owner.
 *
 * @public
 */
export type FlowGroup = {
  by: 'tier' | 'owner';
  /** The tier, or the owner's entity ref. */
  key: string;
  /** The owner's display name, when the catalog has one. */
  title?: string;
  /** Capabilities in the group with a decision trail. */
  capabilities: number;
  figures: FlowFigures;
};

/**
 * The window's figures for each risk tier and for the owners with the most
 * capabilities (`owners` of them), by the same definitions as
 * {@link flowFigures}: the breakdown behind the totals.
 *
 * @public
 */
export function flowGroups(
  histories: FlowHistory[],
  window: { from: Date; to: Date; now?: Date; sla?: GatePolicy['sla'] },
  ownerOf: (entityRef: string) => { ref: string; title?: string } | undefined,
  owners = 10,
): FlowGroup[] {
  const groups: FlowGroup[] = [];
  for (const tier of ['high', 'medium', 'low'] as const) {
    const members = histories.filter(h => h.tier === tier);
    if (members.length) {
      groups.push({
        by: 'tier',
        key: tier,
        capabilities: members.length,
        figures: flowFigures(members, window),
      });
    }
  }
  const byOwner = new Map<string, { title?: string; members: FlowHistory[] }>();
  for (const history of histories) {
    const owner = ownerOf(history.entityRef);
    if (!owner) continue;
    const key = owner.ref.toLocaleLowerCase('en-US');
    const group = byOwner.get(key) ?? { title: owner.title, members: [] };
    group.members.push(history);
    byOwner.set(key, group);
  }
  const largest = [...byOwner]
    .sort(
      ([a, x], [b, y]) => y.members.length - x.members.length || byRef(a, b),
    )
    .slice(0, owners);
  for (const [key, group] of largest) {
    groups.push({
      by: 'owner',
      key,
      title: group.title,
      capabilities: group.members.length,
      figures: flowFigures(group.members, window),
    });
  }
  return groups;
}

/**
 * `GET /flow?days=30|90|365` (and the portfolio's filters): the figures of
 * the last `days` and of the period just before, for comparison; the
 * window's weeks; and the capabilities behind the figures.
 *
 * @public
 */
export type FlowResponse = {
  days: number;
  current: FlowFigures;
  previous: FlowFigures;
  weeks: FlowWeek[];
  capabilities: FlowCapability[];
  /** The window's figures by risk tier and for the largest owners. */
  groups: FlowGroup[];
};

/**
 * One stay of a capability in a stage: from the decision that entered it to
 * the one that left it (absent while it is still there).
 *
 * @public
 */
export type StageStay = {
  stage: Stage;
  from: string;
  to?: string;
  /** Days in the stage, to a tenth: to its end, or to `now`. */
  days: number;
};

/**
 * A capability's stays in each stage, oldest first, from its decisions
 * (any order); decisions that keep the stage (a review) do not cut a stay.
 *
 * @public
 */
export function stageStays(
  decisions: Array<{ toStage: Stage; createdAt: string }>,
  now: Date,
): StageStay[] {
  const trail = [...decisions].sort(
    (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt),
  );
  const stays: StageStay[] = [];
  for (const d of trail) {
    const last = stays[stays.length - 1];
    if (last?.stage === d.toStage) continue;
    if (last) last.to = d.createdAt;
    stays.push({ stage: d.toStage, from: d.createdAt, days: 0 });
  }
  for (const stay of stays) {
    const end = stay.to ? Date.parse(stay.to) : now.getTime();
    stay.days = Math.round(days(Date.parse(stay.from), end) * 10) / 10;
  }
  return stays;
}
