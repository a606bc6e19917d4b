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
