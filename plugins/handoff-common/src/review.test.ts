import { reviewReadoutSchema } from './requests';
import { kpiHistory } from './review';

describe('kpiHistory', () => {
  const cycle = (
    sequence: number,
    kpis: Array<{ metric: string; measured: number | string; met: boolean }>,
  ) => ({
    sequence,
    reviewedAt: `2026-0${sequence}-01T00:00:00.000Z`,
    readout: { kpis },
  });

  it('lines each criterion up over the cycles and flags one missed in the last two', () => {
    const history = kpiHistory(
      [
        cycle(3, [{ metric: 'wape', measured: 22, met: false }]),
        cycle(1, [{ metric: 'WAPE', measured: 17, met: true }]),
        cycle(2, [
          { metric: 'WAPE', measured: 21, met: false },
          { metric: 'Stockouts', measured: 5, met: false },
        ]),
      ],
      [{ metric: 'WAPE', target: 18, unit: 'percent' }],
    );
    expect(history).toEqual([
      {
        metric: 'WAPE',
        target: 18,
        unit: 'percent',
        points: [
          expect.objectContaining({ sequence: 1, measured: 17, met: true }),
          expect.objectContaining({ sequence: 2, measured: 21, met: false }),
          expect.objectContaining({ sequence: 3, measured: 22, met: false }),
        ],
        missedTwice: true,
      },
      // Missed once, then not measured in the last cycle: not flagged; no
      // longer in the spec: no target.
      {
        metric: 'Stockouts',
        target: undefined,
        unit: undefined,
        points: [expect.objectContaining({ sequence: 2, met: false })],
        missedTwice: false,
      },
    ]);
    // One cycle is never "twice".
    expect(
      kpiHistory([cycle(1, [{ metric: 'WAPE', measured: 30, met: false }])])[0]
        .missedTwice,
    ).toBe(false);
  });

  it('refuses a review that measures one criterion twice', () => {
    const result = reviewReadoutSchema.safeParse({
      usage: { value: 1, unit: 'run', period: 'week' },
      friction: 'none',
      incidents: 'none',
      ownerConfirmed: true,
      nextChange: 'nothing',
      kpis: [
        { metric: 'WAPE', measured: 17, met: true },
        { metric: ' wape', measured: 18, met: true },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['kpis', 1, 'metric'],
      message: 'is measured twice in this review',
    });
  });
});
