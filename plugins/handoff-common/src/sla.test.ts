import { flowFigures } from './flow';
import {
  addWorkingDays,
  slaClock,
  slaFor,
  workingDaysBetween,
  workingDaysTaken,
} from './sla';

const policy = {
  sla: {
    handoffAcceptance: { low: 15, medium: 10, high: 5 },
    readinessReview: { high: 10 },
  },
};

describe('SLAs', () => {
  it('counts working days, Monday to Friday', () => {
    // Friday noon + 1 working day: Monday noon.
    expect(addWorkingDays(new Date('2026-12-04T12:00:00Z'), 1)).toEqual(
      new Date('2026-12-07T12:00:00Z'),
    );
    // Saturday + 5: the Friday after.
    expect(addWorkingDays(new Date('2026-12-05T09:00:00Z'), 5)).toEqual(
      new Date('2026-12-11T09:00:00Z'),
    );
    expect(
      workingDaysBetween(
        new Date('2026-12-04T12:00:00Z'),
        new Date('2026-12-14T12:00:00Z'),
      ),
    ).toBe(6);
    expect(
      workingDaysBetween(new Date('2026-12-14'), new Date('2026-12-04')),
    ).toBe(0);
  });

  it('finds the turnaround a stage waits for, by tier', () => {
    expect(slaFor(policy, 'high', 'handed-off')).toEqual({
      kind: 'handoffAcceptance',
      workingDays: 5,
    });
    expect(slaFor(policy, 'high', 'readiness-review')).toEqual({
      kind: 'readinessReview',
      workingDays: 10,
    });
    // No target for the tier, no tier, no SLA in the policy, another stage.
    expect(slaFor(policy, 'low', 'readiness-review')).toBeUndefined();
    expect(slaFor(policy, undefined, 'handed-off')).toBeUndefined();
    expect(slaFor({}, 'high', 'handed-off')).toBeUndefined();
    expect(slaFor(policy, 'high', 'operating')).toBeUndefined();
  });

  it('says how long a hand-off has waited and whether it is past its SLA', () => {
    const sla = { kind: 'handoffAcceptance' as const, workingDays: 10 };
    const since = new Date('2026-11-16T10:00:00Z'); // a Monday
    expect(slaClock(sla, since, new Date('2026-11-27T10:00:00Z'))).toEqual({
      ...sla,
      since: since.toISOString(),
      dueAt: '2026-11-30T10:00:00.000Z',
      waitedWorkingDays: 9,
      breached: false,
    });
    expect(
      slaClock(sla, since, new Date('2026-12-02T10:00:00Z')),
    ).toMatchObject({ waitedWorkingDays: 12, breached: true });
  });

  it('counts hand-offs accepted and reviews concluded within their SLA', () => {
    const at = (iso: string) => `${iso}T10:00:00.000Z`;
    const figures = flowFigures(
      [
        {
          entityRef: 'component:default/quick',
          tier: 'high',
          decisions: [
            {
              decision: 'start-review',
              toStage: 'readiness-review',
              createdAt: at('2026-11-02'),
            },
            // 5 working days later: within 10.
            {
              decision: 'hand-off',
              toStage: 'handed-off',
              createdAt: at('2026-11-09'),
            },
          ],
          // Accepted after 3 working days: within 5.
          transfers: [
            { createdAt: at('2026-11-09'), acceptedAt: at('2026-11-12') },
          ],
        },
        {
          entityRef: 'component:default/slow',
          tier: 'high',
          decisions: [
            {
              decision: 'start-review',
              toStage: 'readiness-review',
              createdAt: at('2026-11-02'),
            },
            // 15 working days: past 10.
            {
              decision: 'hand-off',
              toStage: 'handed-off',
              createdAt: at('2026-11-23'),
            },
          ],
          // 8 working days: past 5.
          transfers: [
            { createdAt: at('2026-11-23'), acceptedAt: at('2026-12-03') },
          ],
        },
        {
          // Low tier: no readiness review target; acceptance within 15.
          entityRef: 'component:default/low',
          tier: 'low',
          decisions: [
            {
              decision: 'start-review',
              toStage: 'readiness-review',
              createdAt: at('2026-11-02'),
            },
            {
              decision: 'hand-off',
              toStage: 'handed-off',
              createdAt: at('2026-11-30'),
            },
          ],
          transfers: [
            { createdAt: at('2026-11-30'), acceptedAt: at('2026-12-04') },
          ],
        },
        {
          // No tier known: no SLA counted.
          entityRef: 'component:default/unknown',
          decisions: [],
          transfers: [
            { createdAt: at('2026-11-02'), acceptedAt: at('2026-12-01') },
          ],
        },
      ],
      {
        from: new Date('2026-11-01'),
        to: new Date('2026-12-06'),
        sla: policy.sla,
      },
    );
    expect(figures.slas).toEqual({
      handoffAcceptance: { count: 3, withinSla: 2 },
      readinessReview: { count: 2, withinSla: 1 },
    });
    expect(figures.handoffTurnaround.count).toBe(4);
  });
});

describe('workingDaysTaken', () => {
  it('is the fewest working days within which an end is kept', () => {
    const start = Date.UTC(2026, 0, 2, 12); // a Friday, at noon
    for (let hours = 0; hours < 24 * 30; hours += 7) {
      const end = new Date(start + hours * 60 * 60 * 1000);
      const n = workingDaysTaken(new Date(start), end);
      expect(end <= addWorkingDays(new Date(start), n)).toBe(true);
      // and one fewer would not have done.
      expect(n === 0 || end > addWorkingDays(new Date(start), n - 1)).toBe(
        true,
      );
    }
    // Friday noon to Monday noon is one working day.
    expect(
      workingDaysTaken(new Date(start), new Date(Date.UTC(2026, 0, 5, 12))),
    ).toBe(1);
  });
});
