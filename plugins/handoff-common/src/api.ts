import type { ApprovalRole, GateResult, StillToWrite } from './gates';
import type { SpecError, SpecArtifactChange } from './spec';
import type { Stage } from './lifecycle';
import type { ReviewReadout } from './requests';
import type { SlaClock } from './sla';

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
  /** Its work items: how many, how many done (or won't do), how many open past their due date. */
  work?: { total: number; closed: number; pastDue: number };
  /** Whether the next review date has passed. */
  overdue?: boolean;
  /** The latest periodic review: when, by whom, its decision number. */
  lastReview?: { sequence: number; at: string; by: string };
  /** The sequence of the latest decision (0 for none): send it back with a decision. */
  sequence?: number;
  /** The latest spec version, whose validity gates are judged on. */
  specVersion?: number;
  specValid?: boolean;
  /** The decisions the stage allows, each with its gate. */
  gates?: GateResult[];
  /** The ownership transfer of the latest hand-off, if any. */
  transfer?: TransferResponse;
  /** The turnaround the gate policy promises that it waits for now. */
  sla?: SlaClock;
  /** The spec's success criteria, which a review measures. */
  successCriteria?: Array<{
    metric: string;
    target: number | string;
    unit?: string;
  }>;
  /**
   * What the spec still lacks before the decisions ahead of its stage, in
   * words and in the order of its sections (only for a valid spec).
   */
  stillToWrite?: StillToWrite[];
  /** Checks whose latest result fails. */
  failingChecks?: string[];
  /**
   * Drift or schema checks whose latest result fails: a review is required and
   * every gated decision waits until the reporter posts a passing result.
   */
  reviewRequired?: string[];
  /** From the latest valid spec. */
  operatingOwner?: string;
  supportPath?: string;
  riskTier?: 'low' | 'medium' | 'high';
  /** The longest time to the next review for its risk tier, under the gate policy. */
  reviewWithinDays?: number;
  /** The stages its recorded decisions went from and to (empty without decisions). */
  stagesVisited?: Stage[];
  /**
   * Who may grant its exceptions (groups or users): the gate policy's
   * grantors for its tier, else the configured exception approvers; empty
   * when anyone holding the permission may.
   */
  exceptionGrantors?: string[];
  /**
   * Why the latest read of its spec failed, when it did: the file is missing,
   * or its host did not answer and the version shown is the one read before.
   */
  specReadError?: string;
};

/**
 * One row of `GET /capabilities`.
 *
 * @public
 */
export type CapabilityListResponse = {
  items: ReadinessSummary[];
  /** How many capabilities match, across every page. */
  totalItems: number;
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
};

/**
 * One version of an entity's handoff spec, without its content.
 *
 * @public
 */
export type SpecVersionSummary = {
  entityRef: string;
  version: number;
  contentHash: string;
  valid: boolean;
  errorCount: number;
  sourceLocation: string;
  firstSeenAt: string;
  lastSeenAt: string;
};

/**
 * One version of an entity's handoff spec, in full.
 *
 * @public
 */
export type SpecVersion = SpecVersionSummary & {
  /** The file as read. */
  content: string;
  /** The parsed YAML (valid or not), when it parsed. */
  document?: Record<string, unknown>;
  errors: SpecError[];
  /** The catalog entity as it was when this version was first seen. */
  entityState: { etag?: string; owner?: string; lifecycle?: string };
};

/**
 * `GET /specs/:kind/:namespace/:name`: the latest spec and the latest read.
 *
 * @public
 */
export type EntitySpecResponse = {
  entityRef: string;
  /** The annotation's value, e.g. `./handoff.yaml`; absent when the entity has none. */
  specLocation?: string;
  /** Why the latest read failed (file missing, unreachable), if it did. */
  readError?: string;
  readAt?: string;
  latest?: SpecVersion;
};

/**
 * `GET /specs/:kind/:namespace/:name/diff?from=1&to=2`.
 *
 * @public
 */
export type SpecDiffResponse = {
  entityRef: string;
  from: SpecVersionSummary;
  to: SpecVersionSummary;
  changes: SpecArtifactChange[];
};

/**
 * `POST /specs/:kind/:namespace/:name/refresh`: what reading the file again found.
 *
 * @public
 */
export type SpecRefreshResponse = {
  status: 'created' | 'unchanged' | 'unreadable';
  /** The latest version after the read (absent when unreadable). */
  version?: number;
  valid?: boolean;
  /** Why the file could not be read. */
  error?: string;
};

/**
 * One review cycle, as served by `GET /cycles/:kind/:namespace/:name`
 * (newest first): the review's readout, and which artifacts of the spec
 * changed since the previous review (or since the decision that started its
 * operation), the previous version being the requirements for the next.
 *
 * @public
 */
export type ReviewCycle = {
  sequence: number;
  reviewedAt: string;
  reviewedBy: string;
  rationale: string;
  readout: ReviewReadout;
  nextReviewAt?: string;
  /** The spec version this review judged. */
  specVersion?: number;
  /** The spec version the previous cycle judged. */
  sinceSpecVersion?: number;
  changes: SpecArtifactChange[];
};

/**
 * One recorded decision, as the API returns it.
 *
 * @public
 */
export type DecisionResponse = {
  entityRef: string;
  sequence: number;
  decision: string;
  fromStage?: Stage;
  toStage: Stage;
  actor: string;
  rationale: string;
  specVersion?: number;
  gate?: GateResult;
  /** An exception: why, and until when it stands (by default the next review). */
  exception?: { justification: string; expiresAt?: string };
  nextReviewAt?: string;
  /** A review's readout. */
  readout?: ReviewReadout;
  createdAt: string;
};

/** @public */
export type ApprovalResponse = {
  entityRef: string;
  decisionSequence: number;
  decision: string;
  role: ApprovalRole;
  approver: string;
  /** Who the role pointed to when it was given: the accountable owner, or the compliance groups. */
  roleRef?: string;
  /** The spec version the approver saw. */
  specVersion?: number;
  comment?: string;
  createdAt: string;
};

/** @public */
export type TransferResponse = {
  entityRef: string;
  decisionSequence: number;
  toOwner: string;
  /** Cancelled when a later decision supersedes the hand-off that created it. */
  status: 'pending' | 'accepted' | 'cancelled';
  acceptedBy?: string;
  acceptedAt?: string;
  createdAt: string;
};

/** @public */
export type CheckResultResponse = {
  id: number;
  entityRef: string;
  name: string;
  kind: string;
  status: 'pass' | 'fail';
  value?: number;
  details?: string;
  link?: string;
  reporter: string;
  /** Reported by a person rather than a pipeline: shown as manual. */
  manual: boolean;
  /** A failing drift or schema result judged by a recorded review (that decision's number). */
  reviewedIn?: number;
  createdAt: string;
};

/** @public */
export type AuditEntry = {
  id: number;
  entityRef: string;
  actor: string;
  action: string;
  before?: unknown;
  after?: unknown;
  createdAt: string;
};
