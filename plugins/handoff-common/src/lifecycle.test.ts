import {
  allowedDecisions,
  currentStage,
  DECISIONS,
  STAGES,
  TRANSITIONS,
} from './lifecycle';

describe('lifecycle', () => {
  it.each([
    ['proposed', ['start-pilot', 'reframe', 'stop']],
    ['pilot', ['start-review', 'reframe', 'stop']],
    ['readiness-review', ['harden', 'hand-off', 'reframe', 'stop']],
    ['hardening', ['start-review', 'hand-off', 'reframe', 'stop']],
    ['handed-off', ['operate', 'reframe', 'stop']],
    ['operating', ['reframe', 'stop']],
    ['reframed', ['start-pilot', 'stop']],
    ['stopped', []],
  ] as const)('allows from %s: %j', (stage, decisions) => {
    expect(allowedDecisions(stage)).toEqual(decisions);
  });

  it('leads every decision to a known stage', () => {
    for (const decision of DECISIONS) {
      expect(STAGES).toContain(TRANSITIONS[decision].to);
    }
  });

  it('derives the stage from the last decision, else the registered stage', () => {
    expect(currentStage([])).toBe('proposed');
    expect(currentStage([], 'pilot')).toBe('pilot');
    expect(
      currentStage(
        [{ toStage: 'readiness-review' }, { toStage: 'hardening' }],
        'pilot',
      ),
    ).toBe('hardening');
  });
});
