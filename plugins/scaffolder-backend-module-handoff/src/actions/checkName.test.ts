import { nameProblem } from './checkName';

describe('nameProblem', () => {
  it('accepts what the catalog accepts, in lower case', () => {
    for (const ok of ['churn-model', 'a1', 'x', 'a'.repeat(63)]) {
      expect(nameProblem(ok)).toBeUndefined();
    }
  });

  it('says plainly what is wrong with the rest', () => {
    expect(nameProblem('Churn Model')).toBe(
      'use only lower-case letters, digits and dashes (no capitals or spaces)',
    );
    expect(nameProblem('credit-limit-')).toBe(
      'start and end with a letter or digit, and use at most 63 characters',
    );
    expect(nameProblem('-x')).toMatch(/^start and end/);
    expect(nameProblem('a'.repeat(64))).toMatch(/^start and end/);
    expect(nameProblem('../etc')).toMatch(/^use only lower-case/);
  });
});
