import {
  FlowHistory,
  flowCapabilities,
  flowFigures,
  flowGroups,
  percentile,
  stageStays,
} from './flow';

const at = (day: number, hour = 12) =>
  new Date(Date.UTC(2026, 0, 1 + day, hour)).toISOString();
const date = (day: number) => at(day, 0).slice(0, 10);

// Known histories, in days from 2026-01-01 (noon).
const fast: FlowHistory = {
  entityRef: 'component:default/fast',
  decisions: [
    {
      decision: 'start-pilot',
      fromStage: 'proposed',
      toStage: 'pilot',
      createdAt: at(0),
    },
    {
      decision: 'start-review',
      fromStage: 'pilot',
      toStage: 'readiness-review',
      createdAt: at(10),
    },
    {
      decision: 'hand-off',
      fromStage: 'readiness-review',
      toStage: 'handed-off',
      createdAt: at(14),
      nextReviewAt: date(40),
    },
    {
      decision: 'operate',
      fromStage: 'handed-off',
      toStage: 'operating',
      createdAt: at(20),
    },
    // The review due on day 40, recorded on day 40: on time.
    {
      decision: 'review',
      fromStage: 'operating',
      toStage: 'operating',
      createdAt: at(40, 23),
      nextReviewAt: date(70),
    },
  ],
  transfers: [{ createdAt: at(14), acceptedAt: at(17) }],
};
const slow: FlowHistory = {
  entityRef: 'component:default/slow',
  decisions: [
    {
      decision: 'start-pilot',
      fromStage: 'proposed',
      toStage: 'pilot',
      createdAt: at(0),
    },
    {
      decision: 'start-review',
      fromStage: 'pilot',
      toStage: 'readiness-review',
      createdAt: at(30),
    },
    // Hardened with an exception, then handed off.
    {
      decision: 'harden',
      fromStage: 'readiness-review',
      toStage: 'hardening',
      createdAt: at(40),
      exception: true,
    },
    {
      decision: 'hand-off',
      fromStage: 'hardening',
      toStage: 'handed-off',
      createdAt: at(50),
      nextReviewAt: date(55),
    },
    // The review due on day 55 comes 3 days late, and reverses the hand-off.
    {
      decision: 'reframe',
      fromStage: 'handed-off',
      toStage: 'reframed',
      createdAt: at(58),
    },
    // Restarted: a second pilot, not a second lead time.
    {
      decision: 'start-pilot',
      fromStage: 'reframed',
      toStage: 'pilot',
      createdAt: at(60),
      nextReviewAt: date(80),
    },
  ],
  transfers: [{ createdAt: at(50) }],
};

describe('flowFigures', () => {
  it('takes percentiles by nearest rank', () => {
    expect(percentile([], 0.5)).toBeUndefined();
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.85)).toBe(9);
    expect(percentile([7], 0.85)).toBe(7);
  });

  it('gives each figure of a window from hand-built trails', () => {
    const figures = flowFigures([fast, slow], {
      from: new Date(at(0, 0)),
      to: new Date(at(90, 0)),
      now: new Date(at(75)),
    });
    expect(figures.timeInStage).toEqual({
      // fast: 10 days, slow: 30 and (restarted) nothing yet.
      pilot: { count: 2, median: 10, p85: 30 },
      // fast: 4; slow: 10.
      'readiness-review': { count: 2, median: 4, p85: 10 },
      hardening: { count: 1, median: 10, p85: 10 },
      // fast: 6 to operating; slow: 8 to reframed.
      'handed-off': { count: 2, median: 6, p85: 8 },
      reframed: { count: 1, median: 2, p85: 2 },
    });
    expect(figures.leadTime).toEqual({
      fromProposed: { count: 1, median: 20, p85: 20 },
      fromPilot: { count: 1, median: 20, p85: 20 },
    });
    // fast accepted in 3 days; slow's hand-off never accepted.
    expect(figures.handoffTurnaround).toEqual({
      count: 1,
      median: 3,
      p85: 3,
      waiting: 1,
    });
    // Due in the window up to now (day 75): fast's day 40 (on time, late in
    // its day), fast's day 70 (not recorded yet, 5 days late by now), slow's
    // day 55 (3 days late). slow's day 80 is not due yet.
    expect(figures.reviews).toEqual({
      due: 3,
      onTime: 1,
      late: 1,
      notYet: 1,
      daysLate: { count: 2, median: 3, p85: 5 },
    });
    expect(figures.exceptions).toEqual({ decisions: 11, withException: 1 });
    expect(figures.reversals).toBe(1);
  });

  it('counts what happened in the window only; an earlier window keeps its figures', () => {
    const first = flowFigures([fast, slow], {
      from: new Date(at(0, 0)),
      to: new Date(at(30, 0)),
      now: new Date(at(200)),
    });
    expect(first.timeInStage).toEqual({
      pilot: { count: 1, median: 10, p85: 10 },
      'readiness-review': { count: 1, median: 4, p85: 4 },
      'handed-off': { count: 1, median: 6, p85: 6 },
    });
    expect(first.handoffTurnaround).toMatchObject({ count: 1, waiting: 0 });
    expect(first.reviews.due).toBe(0);
    expect(first.reversals).toBe(0);
    expect(first.exceptions).toEqual({ decisions: 5, withException: 0 });
    // Slow's stay in pilot (days 0 to 30) ends at the next window's start.
    const second = flowFigures([fast, slow], {
      from: new Date(at(30, 0)),
      to: new Date(at(60, 0)),
      now: new Date(at(200)),
    });
    expect(second.timeInStage.pilot).toEqual({ count: 1, median: 30, p85: 30 });
    expect(second.leadTime.fromProposed.count).toBe(0);
    expect(second.handoffTurnaround).toMatchObject({ count: 0, waiting: 1 });
  });
});

describe('flowFigures: work items', () => {
  const withWork: FlowHistory = {
    ...fast,
    work: [
      // Closed before its due time: on time.
      { dueAt: at(20), closedAt: at(19) },
      // Closed the instant it was due: on time.
      { dueAt: at(21), closedAt: at(21) },
      // Closed two days after: late.
      { dueAt: at(22), closedAt: at(24) },
      // Never closed: open past due.
      { dueAt: at(23) },
      // Closed after now: still open past due as of now.
      { dueAt: at(25), closedAt: at(80) },
      // Due after now: not due yet.
      { dueAt: at(40) },
      // Due before the window: another window's.
      { dueAt: at(5) },
    ],
  };

  it('counts work items due in the window by their due time, closed on time, late or still open', () => {
    const window = {
      from: new Date(at(10, 0)),
      to: new Date(at(60, 0)),
      now: new Date(at(30)),
    };
    expect(flowFigures([withWork], window).work).toEqual({
      due: 5,
      onTime: 2,
      late: 1,
      open: 2,
    });
    // A capability with work due and nothing else in the window still counts.
    const quiet: FlowHistory = {
      entityRef: 'component:default/quiet',
      decisions: [fast.decisions[0]],
      transfers: [],
      work: [{ dueAt: at(26) }],
    };
    expect(flowCapabilities([withWork, quiet], window)).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/fast',
        workDue: 5,
        workPastDue: 3,
      }),
      expect.objectContaining({
        entityRef: 'component:default/quiet',
        decisions: 0,
        workDue: 1,
        workPastDue: 1,
      }),
    ]);
    // Without work items, nothing is due.
    expect(flowFigures([fast, slow], window).work).toEqual({
      due: 0,
      onTime: 0,
      late: 0,
      open: 0,
    });
  });
});

describe('stageStays', () => {
  it('cuts a trail into stays, a review not ending one, the last one running to now', () => {
    expect(stageStays(slow.decisions, new Date(at(65)))).toEqual([
      { stage: 'pilot', from: at(0), to: at(30), days: 30 },
      { stage: 'readiness-review', from: at(30), to: at(40), days: 10 },
      { stage: 'hardening', from: at(40), to: at(50), days: 10 },
      { stage: 'handed-off', from: at(50), to: at(58), days: 8 },
      { stage: 'reframed', from: at(58), to: at(60), days: 2 },
      { stage: 'pilot', from: at(60), days: 5 },
    ]);
    // fast: its review on day 40 stays in operating.
    expect(stageStays(fast.decisions, new Date(at(50))).pop()).toEqual({
      stage: 'operating',
      from: at(20),
      days: 30,
    });
    expect(stageStays([], new Date())).toEqual([]);
  });
});

describe('flowGroups', () => {
  const window = {
    from: new Date(at(0, 0)),
    to: new Date(at(90, 0)),
    now: new Date(at(75)),
  };
  const tiered = [
    { ...fast, tier: 'high' as const },
    { ...slow, tier: 'low' as const },
    {
      ...fast,
      entityRef: 'component:default/fast-two',
      tier: 'high' as const,
    },
  ];
  const owners: Record<string, { ref: string; title?: string }> = {
    'component:default/fast': {
      ref: 'group:default/payments',
      title: 'Payments',
    },
    'component:default/fast-two': { ref: 'Group:default/Payments' },
    'component:default/slow': { ref: 'group:default/risk', title: 'Risk' },
  };

  it('gives each tier and each owner the figures of its own capabilities', () => {
    const groups = flowGroups(tiered, window, ref => owners[ref]);
    expect(groups.map(g => [g.by, g.key, g.title, g.capabilities])).toEqual([
      ['tier', 'high', undefined, 2],
      ['tier', 'low', undefined, 1],
      // The largest owner first; refs matched whatever their case.
      ['owner', 'group:default/payments', 'Payments', 2],
      ['owner', 'group:default/risk', 'Risk', 1],
    ]);
    // One definition: a group's figures are flowFigures of its members.
    expect(groups[0].figures).toEqual(
      flowFigures([tiered[0], tiered[2]], window),
    );
    expect(groups[3].figures).toEqual(flowFigures([tiered[1]], window));
  });

  it('keeps the owners with the most capabilities, and leaves out a tier with none', () => {
    const groups = flowGroups(tiered, window, ref => owners[ref], 1);
    expect(groups.filter(g => g.by === 'owner').map(g => g.key)).toEqual([
      'group:default/payments',
    ]);
    expect(groups.some(g => g.key === 'medium')).toBe(false);
    // A capability with no known owner counts in its tier only.
    const orphan = flowGroups(tiered, window, () => undefined);
    expect(orphan.filter(g => g.by === 'owner')).toEqual([]);
  });
});
