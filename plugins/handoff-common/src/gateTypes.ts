import type { Decision, Stage } from './lifecycle';
import type { HandoffSpec, RiskLevel, RiskProfile } from './spec';
import type { WorkItemSource } from './work';
import type { HandoffException } from './exceptions';

/**
 * Everything a gate is judged on, gathered by the backend at decision time.
 *
 * @public
 */
export type GateInput = {
  decision: Decision;
  /** The stage the decision is taken from (operate asks different things from a readiness review than after a hand-off). */
  fromStage?: Stage;
  /** The entity's catalog owner (spec.owner), normalised. */
  catalogOwner?: string;
  /** The latest spec, when it is valid. */
  spec?: HandoffSpec;
  /** Whether the entity has a spec at all and whether the latest is valid. */
  specState: 'missing' | 'invalid' | 'valid';
  /** Whether the spec's operating owner and support path name real Group/User entities. */
  ownersResolve: { operatingOwner: boolean; supportPath: boolean };
  /** The latest result of each check reported for the entity. */
  checks: Array<{
    name: string;
    kind: string;
    status: 'pass' | 'fail';
    /** A failing drift or schema result a recorded review judged (its decision number). */
    reviewedIn?: number;
  }>;
  /**
   * Approvals recorded for this decision at the current stage, each with the
   * ref its role pointed to when it was given (the accountable owner, or the
   * compliance approver groups).
   */
  approvals: Array<{ role: ApprovalRole; approver: string; roleRef?: string }>;
  /** Whether the pending ownership transfer has been accepted. */
  transferAccepted: boolean;
  /**
   * The capability's work items not done yet (open or in progress); absent
   * where they are not known (the CLI), which a work requirement counts as
   * not met.
   */
  openWork?: Array<{ source: WorkItemSource; title: string }>;
  /** The groups whose members may give the compliance approval, as configured now. */
  complianceApprovers?: string[];
  /**
   * Who would record the decision (the viewer, on a readiness page). With
   * separation of duties on, their own approvals do not count for it.
   */
  recorder?: string;
  /** The recorder's user ref and the groups they belong to. */
  recorderOwnership?: string[];
  /** Separation of duties (on unless configured off). */
  separationOfDuties?: boolean;
  /**
   * The capability's exceptions waiting to be granted or in force (granted,
   * not expired); others are ignored.
   */
  exceptions?: Array<
    Pick<
      HandoffException,
      'id' | 'requirement' | 'status' | 'requestedBy' | 'answeredBy' | 'until'
    >
  >;
};

/**
 * Whose approval: the accountable owner, a compliance approver, or a member of
 * a named group (its entity ref, as the policy names it).
 *
 * @public
 */
export type ApprovalRole = 'accountable' | 'compliance' | (string & {});

/**
 * One requirement of a gate, met or not, with the reason in plain words.
 *
 * @public
 */
export type GateRequirement = {
  /** The policy rule's id, or one of the rules every policy has (spec-valid, review-required, separation-of-duties, operated-by-builder, owner-reviews). */
  id: string;
  description: string;
  met: boolean;
  reason: string;
  /**
   * Whether an exception may stand in for it: artifacts, owners and checks
   * yes; a person's approval, separation of duties, the receiving owner's
   * acceptance, a pending review or the owner's own review never.
   */
  waivable?: boolean;
  /** For an approval: whose. */
  approval?: { role: ApprovalRole };
  /** The exception that waives it (granted) or is asked to (pending). */
  exception?: {
    id: number;
    status: 'pending' | 'granted';
    /** Who requested it (pending) or granted it. */
    by: string;
    until: string;
  };
};

/** @public */
export type GateResult = {
  decision: Decision;
  met: boolean;
  requirements: GateRequirement[];
  /** The gate policy that judged it: a hash of its content. */
  policy?: { hash: string };
};

const LEVELS: RiskLevel[] = ['low', 'medium', 'high'];

/**
 * The overall risk tier: the highest of the four risk dimensions.
 *
 * @public
 */
export function riskTier(risk: RiskProfile | undefined): RiskLevel {
  if (!risk) return 'high';
  return Object.values(risk).reduce<RiskLevel>(
    (max, level) => (LEVELS.indexOf(level) > LEVELS.indexOf(max) ? level : max),
    'low',
  );
}

/**
 * Days until the next review, from the risk tier: high 30, medium 90, low 180.
 *
 * @public
 */
export const REVIEW_CADENCE_DAYS: Record<RiskLevel, number> = {
  high: 30,
  medium: 90,
  low: 180,
};

export const atLeast = (level: RiskLevel | undefined, min: RiskLevel) =>
  level !== undefined && LEVELS.indexOf(level) >= LEVELS.indexOf(min);

/** A requirement, met or not, with the reason in plain words (internal to the gates). */
export const req = (
  id: string,
  description: string,
  met: boolean,
  unmetReason: string,
  metReason = 'Done',
  waivable = true,
): GateRequirement => ({
  id,
  description,
  met,
  reason: met ? metReason : unmetReason,
  waivable,
});
