import type { Stage } from './lifecycle';

/**
 * Where a capability stands, as served by `GET /readiness/:kind/:namespace/:name`.
 *
 * @public
 */
export type ReadinessSummary = {
  entityRef: string;
  title: string;
  /** The current stage. */
  stage: Stage;
  /** When the current stage was entered; absent when only the registration annotation set it. */
  stageSince?: string;
  /** The entity's catalog owner, as an entity ref. */
  owner?: string;
  /** The spec path from the entity's annotation, when it has one. */
  specLocation?: string;
  /** When the capability is next due for review. */
  nextReviewAt?: string;
};

/**
 * One row of `GET /capabilities`.
 *
 * @public
 */
export type CapabilityListResponse = {
  items: ReadinessSummary[];
};
