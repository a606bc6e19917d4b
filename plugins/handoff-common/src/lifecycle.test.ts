import {
  allowedDecisions,
  currentStage,
  DECISIONS,
  STAGES,
  TRANSITIONS,
  stageAfter,
} from './lifecycle';

describe('lifecycle', () => {
  it.each([
    ['proposed', ['start-pilot', 'reframe', 'stop']],
    ['pilot', ['start-review', 'reframe', 'stop']],
    ['readiness-review', ['harden', 'hand-off', 'operate', 'reframe', 'stop']],
    ['hardening', ['start-review', 'hand-off', 'reframe', 'stop']],
    ['handed-off', ['operate', 'review', 'reframe', 'stop']],
    ['operating', ['harden', 'review', 'reframe', 'stop']],
    ['reframed', ['start-pilot', 'stop']],
    ['stopped', []],
  ] as const)('allows from %s: %j', (stage, decisions) => {
    expect(allowedDecisions(stage)).toEqual(decisions);
  });

  it('leads every decision to a known stage', () => {
    for (const decision of DECISIONS) {
      for (const from of TRANSITIONS[decision].from) {
        expect(STAGES).toContain(stageAfter(decision, from));
      }
    }
  });

  it('keeps the stage on a review and moves it on every other decision', () => {
    expect(stageAfter('review', 'operating')).toBe('operating');
    expect(stageAfter('review', 'handed-off')).toBe('handed-off');
    expect(stageAfter('operate', 'readiness-review')).toBe('operating');
    expect(stageAfter('harden', 'operating')).toBe('hardening');
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
