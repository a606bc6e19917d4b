/**
 * Readiness stages, in the order a capability normally moves through them,
 * followed by the two honest outcomes.
 *
 * @public
 */
export const STAGES = [
  'proposed',
  'pilot',
  'readiness-review',
  'hardening',
  'handed-off',
  'operating',
  'reframed',
  'stopped',
] as const;

/** @public */
export type Stage = (typeof STAGES)[number];

/** @public */
export function isStage(value: unknown): value is Stage {
  return (
    typeof value === 'string' && (STAGES as readonly string[]).includes(value)
  );
}

/**
 * Human-readable stage names.
 *
 * @public
 */
export const STAGE_TITLES: Record<Stage, string> = {
  proposed: 'Proposed',
  pilot: 'Pilot',
  'readiness-review': 'Readiness review',
  hardening: 'Hardening',
  'handed-off': 'Handed off',
  operating: 'Operating',
  reframed: 'Reframed',
  stopped: 'Stopped',
};

/**
 * The decisions that move a capability between stages.
 *
 * @public
 */
export const DECISIONS = [
  'start-pilot',
  'start-review',
  'harden',
  'hand-off',
  'operate',
  'review',
  'reframe',
  'stop',
] as const;

/** @public */
export type Decision = (typeof DECISIONS)[number];

/** @public */
export const DECISION_TITLES: Record<Decision, string> = {
  'start-pilot': 'Start the pilot',
  'start-review': 'Start the readiness review',
  harden: 'Harden further',
  'hand-off': 'Hand off',
  operate: 'Operate',
  review: 'Record a review',
  reframe: 'Reframe',
  stop: 'Stop',
};

const ACTIVE: Stage[] = [
  'proposed',
  'pilot',
  'readiness-review',
  'hardening',
  'handed-off',
  'operating',
];

/**
 * Each decision: the stages it may be taken from, and the stage it leads to
 * (`unchanged` for a periodic review, which keeps the stage).
 *
 * - operate from readiness review: the team that built it operates it, no transfer;
 * - harden from operating: a review found something to fix;
 * - review after hand-off: each cycle of use is reviewed and its readout recorded.
 *
 * @public
 */
export const TRANSITIONS: Record<
  Decision,
  { from: Stage[]; to: Stage | 'unchanged' }
> = {
  'start-pilot': { from: ['proposed', 'reframed'], to: 'pilot' },
  'start-review': { from: ['pilot', 'hardening'], to: 'readiness-review' },
  harden: { from: ['readiness-review', 'operating'], to: 'hardening' },
  'hand-off': { from: ['readiness-review', 'hardening'], to: 'handed-off' },
  operate: { from: ['readiness-review', 'handed-off'], to: 'operating' },
  review: { from: ['handed-off', 'operating'], to: 'unchanged' },
  reframe: { from: ACTIVE, to: 'reframed' },
  stop: { from: [...ACTIVE, 'reframed'], to: 'stopped' },
};

/**
 * The stage a decision taken in `from` leads to.
 *
 * @public
 */
export function stageAfter(decision: Decision, from: Stage): Stage {
  const to = TRANSITIONS[decision].to;
  return to === 'unchanged' ? from : to;
}

/**
 * The decisions that clear an overdue review: the others keep a passed
 * review date, so moving a capability on never counts as reviewing it.
 *
 * @public
 */
export const REVIEWING_DECISIONS: readonly Decision[] = [
  'review',
  'harden',
  'reframe',
  'stop',
];

/**
 * The decisions that may be taken in a stage.
 *
 * @public
 */
export function allowedDecisions(stage: Stage): Decision[] {
  return DECISIONS.filter(d => TRANSITIONS[d].from.includes(stage));
}

/**
 * The current stage, derived from the append-only decision history (oldest
 * first) and the stage the capability was registered in.
 *
 * @public
 */
export function currentStage(
  history: ReadonlyArray<{ toStage: Stage }>,
  registeredStage: Stage = 'proposed',
): Stage {
  return history.length ? history[history.length - 1].toStage : registeredStage;
}

/**
 * The stage of a capability: its latest decision's, else the stage it was
 * registered at (the `handoff.dev/stage` annotation), else `proposed`. The one
 * place the current stage is decided (the audit's SQL mirrors it).
 *
 * @public
 */
export function stageOf(
  latest: { toStage: Stage } | undefined,
  registeredAnnotation: unknown,
): Stage {
  return currentStage(
    latest ? [latest] : [],
    isStage(registeredAnnotation) ? registeredAnnotation : 'proposed',
  );
}
