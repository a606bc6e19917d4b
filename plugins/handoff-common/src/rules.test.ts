import { stageOf } from './lifecycle';
import { actsFor, mayAcceptTransfer, normalizeOwnerRef } from './ownership';
import {
  daysBetween,
  firstReviewDate,
  nextReviewDate,
  registeredReviewDate,
} from './review';

describe('the one room of each rule', () => {
  it('decides the stage from the latest decision, else the registration annotation, else proposed', () => {
    expect(stageOf({ toStage: 'operating' }, 'pilot')).toBe('operating');
    expect(stageOf(undefined, 'pilot')).toBe('pilot');
    expect(stageOf(undefined, 'not-a-stage')).toBe('proposed');
    expect(stageOf(undefined, undefined)).toBe('proposed');
  });

  it('sets the next review one cadence later: high 30, medium 90, low 180 days', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    expect(nextReviewDate(from, 'high').toISOString()).toBe(
      '2026-01-31T00:00:00.000Z',
    );
    expect(nextReviewDate(from, 'medium').toISOString()).toBe(
      '2026-04-01T00:00:00.000Z',
    );
    expect(nextReviewDate(from, 'low').toISOString()).toBe(
      '2026-06-30T00:00:00.000Z',
    );
    // A document without a readable risk profile is treated as high risk.
    expect(firstReviewDate(from, { risk: 'nonsense' }).toISOString()).toBe(
      '2026-01-31T00:00:00.000Z',
    );
    expect(daysBetween(from, new Date('2026-01-11T12:00:00Z'))).toBe(10);
  });

  it('lets a registered review date bring the first review forward, never push it out', () => {
    const first = new Date('2026-12-01T00:00:00Z');
    expect(registeredReviewDate(first, '2026-10-15')?.toISOString()).toBe(
      '2026-10-15T00:00:00.000Z',
    );
    expect(registeredReviewDate(first, '2099-01-01')).toBe(first);
    for (const odd of ['next week', '2026-13-45', '', 42, undefined]) {
      expect(registeredReviewDate(first, odd)).toBe(first);
    }
    // With no spec (no first cadence) the registered date stands alone.
    expect(registeredReviewDate(undefined, '2026-10-15')?.toISOString()).toBe(
      '2026-10-15T00:00:00.000Z',
    );
  });

  it('compares owner refs as the catalog does: kind and namespace defaults, any case', () => {
    expect(normalizeOwnerRef('SRE')).toBe('group:default/sre');
    expect(normalizeOwnerRef('user:Ada')).toBe('user:default/ada');
    const grace = ['user:default/grace', 'group:default/sre'];
    expect(actsFor('group:sre', grace)).toBe(true);
    expect(actsFor('Group:Default/SRE', grace)).toBe(true);
    expect(actsFor('group:default/data-science', grace)).toBe(false);
    expect(
      mayAcceptTransfer({ toOwner: 'sre', status: 'pending' }, grace),
    ).toBe(true);
    expect(
      mayAcceptTransfer({ toOwner: 'sre', status: 'accepted' }, grace),
    ).toBe(false);
  });
});
