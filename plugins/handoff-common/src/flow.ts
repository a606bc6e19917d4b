import { REVIEWING_DECISIONS, Stage, STAGES } from './lifecycle';
import type { GatePolicy } from './policy';
import { SLA_STAGES, SlaKind, workingDaysTaken } from './sla';
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
const WEEK = 7 * DAY;
const byRef = (a: string, b: string) => {
  const [x, y] = [a.toLocaleLowerCase('en-US'), b.toLocaleLowerCase('en-US')];
  if (x === y) return 0;
  return x < y ? -1 : 1;
};

const days = (from: number, to: number) => (to - from) / DAY;
/** Days to a tenth, as a whole number of tenths: what every figure shows. */
const tenthsOf = (d: number) => Math.round(d * 10);

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

/**
 * The distribution of durations counted by value (tenths of a day). Rounding
 * keeps order, so the nearest-rank percentile of the rounded values is the
 * rounded percentile of the exact ones.
 */
function distribution(counts: Map<number, number>): FlowDistribution {
  const values = [...counts.keys()].sort((a, b) => a - b);
  const count = values.reduce((n, v) => n + counts.get(v)!, 0);
  const at = (p: number) => {
    if (count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(p * count));
    let seen = 0;
    for (const v of values) {
      seen += counts.get(v)!;
      if (seen >= rank) return v / 10;
    }
    return undefined;
  };
  return { count, median: at(0.5), p85: at(0.85) };
}

/**
 * What a capability's trail contributes to the flow figures, each fact once,
 * dated by the instant that places it in a window. The figures of any
 * window, group or week are counts of these: the backend stores them with
 * each write to the trail and counts them in SQL; {@link flowFigures} counts
 * them in memory.
 *
 * - `decision`: a decision (`flag`: recorded with an exception).
 * - `stay`: a stay in `stage` that ended at `at`, `tenths` of a day long.
 * - `from-proposed`, `from-pilot`: first operating at `at`, `tenths` after
 *   the trail started proposed, or after the pilot.
 * - `accepted`: a hand-off accepted at `at`, `tenths` after it was recorded.
 * - `transfer`: a hand-off recorded at `at`, accepted at `endAt` if it was.
 * - `review`: a review due on `at`, answered at `endAt` (`flag`: by its
 *   day; `tenths`: whole days late, once answered).
 * - `work`: a work item due at `at`, closed at `endAt` (`flag`: by then).
 * - `reversal`: reframed or stopped at `at` after a hand-off.
 * - `trail`: one per capability with a trail (dated by its first fact).
 *
 * `workingDays` on a stay in readiness review and on an acceptance is the
 * fewest working days an SLA needed to keep it.
 *
 * @public
 */
export type FlowEvent = {
  kind:
    | 'decision'
    | 'stay'
    | 'from-proposed'
    | 'from-pilot'
    | 'accepted'
    | 'transfer'
    | 'review'
    | 'work'
    | 'reversal'
    | 'trail';
  at: number;
  endAt?: number;
  stage?: Stage;
  tenths?: number;
  workingDays?: number;
  flag?: boolean;
};

/**
 * The facts of one capability's trail that the flow figures count.
 *
 * @public
 */
export function flowEvents(history: FlowHistory): FlowEvent[] {
  const events: FlowEvent[] = [];
  const trail = history.decisions
    .map(d => ({ ...d, at: Date.parse(d.createdAt) }))
    .sort((a, b) => a.at - b.at);
  // Each stay: from the decision that entered a stage to the one that left it.
  for (let i = 1; i < trail.length; i++) {
    const stage = trail[i - 1].toStage;
    if (trail[i].toStage !== stage) {
      const [start, end] = [trail[i - 1].at, trail[i].at];
      events.push({
        kind: 'stay',
        stage,
        at: end,
        tenths: tenthsOf(days(start, end)),
        ...(stage === SLA_STAGES.readinessReview && {
          workingDays: workingDaysTaken(new Date(start), new Date(end)),
        }),
      });
    }
  }
  // Lead time: the first time it became operating.
  const operating = trail.find(d => d.toStage === 'operating');
  if (operating) {
    const start = trail[0];
    if (start.fromStage === 'proposed' || start.toStage === 'proposed') {
      events.push({
        kind: 'from-proposed',
        at: operating.at,
        tenths: tenthsOf(days(start.at, operating.at)),
      });
    }
    const pilot = trail.find(d => d.toStage === 'pilot');
    if (pilot && pilot.at <= operating.at) {
      events.push({
        kind: 'from-pilot',
        at: operating.at,
        tenths: tenthsOf(days(pilot.at, operating.at)),
      });
    }
  }
  for (const t of history.transfers) {
    const created = Date.parse(t.createdAt);
    const accepted = t.acceptedAt ? Date.parse(t.acceptedAt) : undefined;
    events.push({ kind: 'transfer', at: created, endAt: accepted });
    if (accepted !== undefined) {
      events.push({
        kind: 'accepted',
        at: accepted,
        tenths: tenthsOf(days(created, accepted)),
        workingDays: workingDaysTaken(new Date(created), new Date(accepted)),
      });
    }
  }
  // Reviews: each date a decision set is due once; the next reviewing
  // decision after it answers it.
  trail.forEach((d, i) => {
    if (!d.nextReviewAt) return;
    const due = Date.parse(d.nextReviewAt);
    const answer = trail
      .slice(i + 1)
      .find(next =>
        (REVIEWING_DECISIONS as readonly string[]).includes(next.decision),
      );
    // A review is on time on its due day (the date is a day, not an instant).
    const onTime = Boolean(answer && answer.at < due + DAY);
    events.push({
      kind: 'review',
      at: due,
      endAt: answer?.at,
      flag: onTime,
      ...(answer &&
        !onTime && { tenths: 10 * Math.ceil(days(due + DAY, answer.at)) }),
    });
  });
  for (const item of history.work ?? []) {
    const due = Date.parse(item.dueAt);
    const closed = item.closedAt ? Date.parse(item.closedAt) : undefined;
    events.push({
      kind: 'work',
      at: due,
      endAt: closed,
      flag: closed !== undefined && closed <= due,
    });
  }
  let handedOff = false;
  for (const d of trail) {
    events.push({ kind: 'decision', at: d.at, flag: Boolean(d.exception) });
    if (handedOff && (d.decision === 'reframe' || d.decision === 'stop')) {
      events.push({ kind: 'reversal', at: d.at });
    }
    if (d.decision === 'hand-off') handedOff = true;
  }
  if (events.length) {
    events.push({ kind: 'trail', at: Math.min(...events.map(e => e.at)) });
  }
  return events;
}

/**
 * A count of a window's facts alike in everything the figures read: what
 * the backend's SQL answers, and what {@link tallyFlow} counts in memory.
 * `outcome` sorts a due review or work item (`on-time`, `late`, `open` at
 * the window's end) and a decision (`exception`); a `transfer` row counts
 * hand-offs still waiting at the window's end. `week` numbers the window's
 * weeks back from its end (0 is the last).
 *
 * @public
 */
export type FlowTally = {
  kind: FlowEvent['kind'];
  stage?: Stage;
  tier?: RiskLevel;
  tenths?: number;
  workingDays?: number;
  outcome?: 'on-time' | 'late' | 'open' | 'exception';
  week?: number;
  count: number;
};

/**
 * A flow window: `[from, to)`; `now` bounds what can be due (a review due
 * tomorrow is not late); `sla` is the policy's turnaround promises.
 *
 * @public
 */
export type FlowWindow = {
  from: Date;
  to: Date;
  now?: Date;
  sla?: GatePolicy['sla'];
};

/** The last instant of a window that can be past due. */
const dueBy = (window: FlowWindow) =>
  Math.min((window.now ?? window.to).getTime(), window.to.getTime());

/**
 * Days late of a review not answered by `now`, in tenths: whole days since
 * its due day ended.
 *
 * @public
 */
export const openReviewTenths = (due: number, now: number) =>
  Math.max(0, 10 * Math.ceil(days(due + DAY, now)));

/**
 * Counts the facts of a window, as the backend's SQL counts its stored
 * ones: each fact dated in `[from, to)` (one due, also by `now`); hand-offs
 * recorded before `to` and not accepted by then.
 *
 * @public
 */
export function tallyFlow(
  events: Array<FlowEvent & { tier?: RiskLevel }>,
  window: FlowWindow,
  options: { byWeek?: boolean } = {},
): FlowTally[] {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const now = dueBy(window);
  const counts = new Map<string, FlowTally>();
  const add = (row: Omit<FlowTally, 'count'>) => {
    const key = JSON.stringify(row);
    const seen = counts.get(key);
    if (seen) seen.count += 1;
    else counts.set(key, { ...row, count: 1 });
  };
  for (const e of events) {
    if (e.kind === 'trail') continue;
    if (e.kind === 'transfer') {
      if (e.at < to && (e.endAt === undefined || e.endAt >= to)) {
        add({ kind: 'transfer' });
      }
      continue;
    }
    if (!(e.at >= from && e.at < to)) continue;
    const week = options.byWeek
      ? { week: Math.floor((to - e.at - 1) / WEEK) }
      : {};
    if (e.kind === 'review' || e.kind === 'work') {
      if (e.at > now) continue;
      const answered = e.endAt !== undefined && e.endAt <= now;
      if (e.flag) add({ kind: e.kind, outcome: 'on-time', ...week });
      else if (e.kind === 'work') {
        add({ kind: e.kind, outcome: answered ? 'late' : 'open', ...week });
      } else if (answered) {
        add({ kind: e.kind, outcome: 'late', tenths: e.tenths, ...week });
      } else {
        const tenths = openReviewTenths(e.at, now);
        add({ kind: e.kind, outcome: 'open', tenths, ...week });
      }
      continue;
    }
    add({
      kind: e.kind,
      ...(e.stage && { stage: e.stage }),
      ...(e.workingDays !== undefined && {
        tier: e.tier,
        workingDays: e.workingDays,
      }),
      ...(e.tenths !== undefined && { tenths: e.tenths }),
      ...(e.kind === 'decision' && e.flag && { outcome: 'exception' }),
      ...week,
    });
  }
  return [...counts.values()];
}

/**
 * The figures of a window from its tally: {@link flowFigures} for counts
 * made anywhere.
 *
 * @public
 */
export function figuresFromTally(
  tally: FlowTally[],
  window: FlowWindow,
): FlowFigures {
  const histograms = new Map<string, Map<number, number>>();
  const count = (key: string, value: number | undefined, n: number) => {
    const histogram = histograms.get(key) ?? new Map<number, number>();
    histograms.set(key, histogram);
    if (value !== undefined) {
      histogram.set(value, (histogram.get(value) ?? 0) + n);
    }
  };
  const reviews = { due: 0, onTime: 0, late: 0, notYet: 0 };
  const exceptions = { decisions: 0, withException: 0 };
  const work = { due: 0, onTime: 0, late: 0, open: 0 };
  const slas: FlowFigures['slas'] = {
    handoffAcceptance: { count: 0, withinSla: 0 },
    readinessReview: { count: 0, withinSla: 0 },
  };
  let reversals = 0;
  let waiting = 0;
  for (const row of tally) {
    const n = row.count;
    switch (row.kind) {
      case 'stay':
        count(`stay:${row.stage}`, row.tenths, n);
        break;
      case 'accepted':
      case 'from-proposed':
      case 'from-pilot':
        count(row.kind, row.tenths, n);
        break;
      case 'transfer':
        waiting += n;
        break;
      case 'review':
        reviews.due += n;
        if (row.outcome === 'on-time') reviews.onTime += n;
        else if (row.outcome === 'late') reviews.late += n;
        else reviews.notYet += n;
        if (row.outcome !== 'on-time') count('daysLate', row.tenths, n);
        break;
      case 'work':
        work.due += n;
        if (row.outcome === 'on-time') work.onTime += n;
        else if (row.outcome === 'late') work.late += n;
        else work.open += n;
        break;
      case 'decision':
        exceptions.decisions += n;
        if (row.outcome === 'exception') exceptions.withException += n;
        break;
      case 'reversal':
        reversals += n;
        break;
      default:
        break;
    }
    // A turnaround with an SLA: kept when it took no more working days.
    const kind: SlaKind | undefined =
      (row.kind === 'accepted' && 'handoffAcceptance') ||
      (row.kind === 'stay' &&
        row.stage === SLA_STAGES.readinessReview &&
        'readinessReview') ||
      undefined;
    const promised = kind && row.tier && window.sla?.[kind]?.[row.tier];
    if (kind && promised && row.workingDays !== undefined) {
      slas[kind].count += n;
      if (row.workingDays <= promised) slas[kind].withinSla += n;
    }
  }
  const of = (key: string) => distribution(histograms.get(key) ?? new Map());
  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    timeInStage: Object.fromEntries(
      STAGES.filter(s => histograms.has(`stay:${s}`)).map(s => [
        s,
        of(`stay:${s}`),
      ]),
    ),
    leadTime: {
      fromProposed: of('from-proposed'),
      fromPilot: of('from-pilot'),
    },
    handoffTurnaround: { ...of('accepted'), waiting },
    reviews: { ...reviews, daysLate: of('daysLate') },
    exceptions,
    reversals,
    work,
    slas,
  };
}

/** Each history's facts, with its tier (which chooses its SLAs). */
const eventsOf = (histories: FlowHistory[]) =>
  histories.flatMap(h => flowEvents(h).map(e => ({ ...e, tier: h.tier })));

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
  window: FlowWindow,
): FlowFigures {
  return figuresFromTally(tallyFlow(eventsOf(histories), window), window);
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
  window: FlowWindow,
): FlowWeek[] {
  return weeksFromTally(
    tallyFlow(eventsOf(histories), window, { byWeek: true }),
    window,
  );
}

/**
 * The window's weeks from a tally counted by week ({@link tallyFlow}'s
 * `byWeek`, or the backend's SQL).
 *
 * @public
 */
export function weeksFromTally(
  tally: FlowTally[],
  window: FlowWindow,
): FlowWeek[] {
  const weeks: FlowWeek[] = [];
  const from = window.from.getTime();
  for (let k = 0, end = window.to.getTime(); end > from; k++, end -= WEEK) {
    const start = new Date(Math.max(from, end - WEEK));
    const f = figuresFromTally(
      tally.filter(row => row.week === k),
      { ...window, from: start, to: new Date(end) },
    );
    weeks.unshift({
      from: start.toISOString(),
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
  window: FlowWindow,
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
  window: FlowWindow,
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
 * The tiles whose capabilities `GET /flow?behind=` lists: hand-offs
 * accepted with an SLA, capabilities that reached operating, reviews due,
 * hand-offs waiting for acceptance.
 *
 * @public
 */
export const FLOW_BEHIND = ['sla', 'operating', 'reviews', 'waiting'] as const;

/** @public */
export type FlowBehind = (typeof FLOW_BEHIND)[number];

/**
 * `GET /flow?days=30|90|365` (and the portfolio's filters): the figures of
 * the last `days` and of the period just before, for comparison; the
 * window's weeks; and the figures by risk tier and owner. The capabilities
 * behind them are `GET /flow/capabilities`, a page at a time.
 *
 * @public
 */
export type FlowResponse = {
  days: number;
  current: FlowFigures;
  previous: FlowFigures;
  weeks: FlowWeek[];
  /** The window's figures by risk tier and for the largest owners. */
  groups: FlowGroup[];
};

/**
 * `GET /flow/capabilities?days=…&behind=…&offset=…&limit=…` (and the
 * portfolio's filters): a page of the capabilities behind the window's
 * figures, or behind one tile, by entity ref.
 *
 * @public
 */
export type FlowCapabilitiesPage = {
  days: number;
  items: FlowCapability[];
  offset: number;
  limit: number;
  totalCount: number;
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
