/**
 * Annotation on a catalog entity that points at its handoff spec, a path
 * relative to the entity's own `catalog-info.yaml` (for example `./handoff.yaml`).
 *
 * @public
 */
export const ANNOTATION_HANDOFF_SPEC = 'handoff.dev/spec';

/**
 * Annotation giving the readiness stage a capability had when it was first
 * registered. Once decisions are recorded, they alone define the stage.
 *
 * @public
 */
export const ANNOTATION_HANDOFF_STAGE = 'handoff.dev/stage';

/**
 * Annotation the catalog module sets (and strips from what a
 * catalog-info.yaml says) on a capability whose hand-off its receiving owner
 * accepted: that owner's entity ref, for permission rules.
 *
 * @public
 */
export const ANNOTATION_HANDOFF_OPERATING_OWNER = 'handoff.dev/operating-owner';

/**
 * Annotation giving the next review date (`2026-10-15`) a capability already
 * had when it joined Handoff, before any decision is recorded here. It can only
 * bring the first review forward, never push it past one cadence after the
 * spec was first seen.
 *
 * @public
 */
export const ANNOTATION_HANDOFF_NEXT_REVIEW = 'handoff.dev/next-review';
