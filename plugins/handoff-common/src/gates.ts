import type { Decision } from './lifecycle';
import type { HandoffSpec, RiskLevel, RiskProfile } from './spec';
import { normalizeOwnerRef } from './ownership';

/**
 * Everything a gate is judged on, gathered by the backend at decision time.
 *
 * @public
 */
export type GateInput = {
  decision: Decision;
  /** The latest spec, when it is valid. */
  spec?: HandoffSpec;
  /** Whether the entity has a spec at all and whether the latest is valid. */
  specState: 'missing' | 'invalid' | 'valid';
  /** Whether the spec's operating owner and support path name real Group/User entities. */
  ownersResolve: { operatingOwner: boolean; supportPath: boolean };
  /** The latest result of each check reported for the entity. */
  checks: Array<{ name: string; kind: string; status: 'pass' | 'fail' }>;
  /**
   * Approvals recorded for this decision at the current stage, each with the
   * ref its role pointed to when it was given (the accountable owner, or the
   * compliance approver groups).
   */
  approvals: Array<{ role: ApprovalRole; approver: string; roleRef?: string }>;
  /** Whether the pending ownership transfer has been accepted. */
  transferAccepted: boolean;
  /** The groups whose members may give the compliance approval, as configured now. */
  complianceApprovers?: string[];
  /**
   * Who would record the decision (the viewer, on a readiness page). With
   * separation of duties on, their own approvals do not count for it.
   */
  recorder?: string;
  /** Separation of duties (on unless configured off). */
  separationOfDuties?: boolean;
};

/**
 * Requirements no exception can waive: a person's approval, separation of
 * duties, the receiving owner's acceptance. Exceptions waive artifacts and checks only.
 *
 * @public
 */
export const UNWAIVABLE_REQUIREMENTS = [
  'review-required',
  'approval-accountable',
  'approval-compliance',
  'separation-of-duties',
  'transfer-accepted',
];

/**
 * What an approval's role points to now: the accountable owner, or the
 * compliance approver groups (normalised, sorted, comma-separated).
 *
 * @public
 */
export function approvalRoleRef(
  role: ApprovalRole,
  spec: HandoffSpec | undefined,
  complianceApprovers: readonly string[] = [],
): string | undefined {
  if (role === 'accountable') {
    const accountable = spec?.owners?.raci?.accountable;
    return accountable ? normalizeOwnerRef(accountable) : undefined;
  }
  return complianceApprovers.length
    ? [...complianceApprovers].map(normalizeOwnerRef).sort().join(',')
    : undefined;
}

/** @public */
export type ApprovalRole = 'accountable' | 'compliance';

/**
 * One requirement of a gate, met or not, with the reason in plain words.
 *
 * @public
 */
export type GateRequirement = {
  id: string;
  description: string;
  met: boolean;
  reason: string;
};

/** @public */
export type GateResult = {
  decision: Decision;
  met: boolean;
  requirements: GateRequirement[];
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

const atLeast = (level: RiskLevel | undefined, min: RiskLevel) =>
  level !== undefined && LEVELS.indexOf(level) >= LEVELS.indexOf(min);

const req = (
  id: string,
  description: string,
  met: boolean,
  unmetReason: string,
  metReason = 'Done',
) => ({
  id,
  description,
  met,
  reason: met ? metReason : unmetReason,
});

/** Requirements on the spec's artifacts before a readiness review. */
function reviewArtifacts(spec: HandoffSpec | undefined): GateRequirement[] {
  const risk = spec?.risk;
  const out: GateRequirement[] = [
    req(
      'success-criteria',
      'Measurable success criteria',
      Boolean(spec?.successCriteria?.length),
      'The spec lists no success criteria',
    ),
    req(
      'acceptance-criteria',
      'Acceptance criteria',
      Boolean(spec?.acceptanceCriteria?.length),
      'The spec lists no acceptance criteria',
    ),
    req(
      'features',
      'Features with success metrics',
      Boolean(spec?.features?.length),
      'The spec lists no features',
    ),
    req(
      'test-plan',
      'A test plan',
      Boolean(spec?.testPlan?.cases.length),
      'The spec has no test plan',
    ),
  ];
  if (atLeast(risk?.data, 'medium')) {
    const contracts = spec?.dataContracts ?? [];
    // Every field carries a tolerance, or says why it needs none.
    const withoutDrift = contracts.flatMap(c =>
      Object.entries(c.fields)
        .filter(([, f]) => !f.driftTolerance && !f.driftExempt)
        .map(([name]) => `${c.name}.${name}`),
    );
    out.push(
      req(
        'data-contracts',
        `Data contracts with a drift tolerance on every field (data risk is ${risk?.data})`,
        contracts.length > 0 && withoutDrift.length === 0,
        contracts.length === 0
          ? 'The spec has no data contract'
          : `No drift tolerance (or driftExempt reason) on: ${withoutDrift.join(
              ', ',
            )}`,
      ),
      req(
        'data-quality',
        'Quality thresholds on every data contract',
        contracts.length > 0 && contracts.every(c => c.quality),
        'A data contract has no quality thresholds',
      ),
    );
  }
  if (spec?.model) {
    out.push(
      req(
        'model-failure-modes',
        'Model failure modes with mitigations (a model is used)',
        spec.model.failureModes.length > 0,
        'The model lists no failure modes',
      ),
      req(
        'model-evaluation',
        'A model evaluation metric',
        Boolean(spec.model.evaluationMetric),
        'The model has no evaluation metric',
      ),
    );
  }
  if (atLeast(risk?.customerImpact, 'medium')) {
    out.push(
      req(
        'nfr',
        `Non-functional requirements (customer impact is ${risk?.customerImpact})`,
        Boolean(spec?.nonFunctionalRequirements?.length),
        'The spec lists no non-functional requirements',
      ),
    );
  }
  if (atLeast(risk?.compliance, 'medium')) {
    out.push(
      req(
        'regulatory',
        `Regulatory constraints (compliance risk is ${risk?.compliance})`,
        Boolean(spec?.regulatoryConstraints?.length),
        'The spec lists no regulatory constraints',
      ),
    );
  }
  return out;
}

/** Requirements before hand-off, on top of the review's. */
function handOffArtifacts(
  spec: HandoffSpec | undefined,
  input: GateInput,
): GateRequirement[] {
  const risk = spec?.risk;
  const open = spec?.deployment?.checklist.filter(i => !i.done) ?? [];
  const out: GateRequirement[] = [
    req(
      'deployment-checklist',
      'Deployment checklist complete',
      Boolean(spec?.deployment) && open.length === 0,
      spec?.deployment
        ? `Not done: ${open.map(i => i.item).join('; ')}`
        : 'The spec has no deployment checklist',
    ),
    req(
      'rollback',
      'A rollback procedure',
      Boolean(spec?.deployment?.rollback),
      'The spec describes no rollback procedure',
    ),
    req(
      'dashboards',
      'Observability dashboards',
      Boolean(spec?.observability?.dashboards?.length),
      'The spec links no dashboard',
    ),
    req(
      'operating-owner',
      'An operating owner that exists in the catalog',
      Boolean(spec?.owners?.operatingOwner) &&
        input.ownersResolve.operatingOwner,
      spec?.owners?.operatingOwner
        ? `${spec.owners.operatingOwner} is not a Group or User in the catalog`
        : 'The spec names no operating owner',
    ),
    req(
      'support-path',
      'A support path that exists in the catalog',
      Boolean(spec?.owners?.supportPath) && input.ownersResolve.supportPath,
      spec?.owners?.supportPath
        ? `${spec.owners.supportPath} is not a Group or User in the catalog`
        : 'The spec names no support path',
    ),
  ];
  if (atLeast(risk?.operationalDependency, 'medium')) {
    out.push(
      req(
        'slos',
        `SLOs (operational dependency is ${risk?.operationalDependency})`,
        Boolean(spec?.observability?.slos?.length),
        'The spec defines no SLO',
      ),
    );
  }
  return out;
}

/**
 * The drift and schema checks whose latest result fails: while there is one,
 * the capability needs a review and every gated decision waits.
 *
 * @public
 */
export function reviewRequiredBy(
  checks: ReadonlyArray<{ name: string; kind: string; status: string }>,
): string[] {
  return checks
    .filter(c => c.status === 'fail' && ['drift', 'schema'].includes(c.kind))
    .map(c => c.name);
}

function noBreach(input: GateInput): GateRequirement {
  const breached = reviewRequiredBy(input.checks);
  return req(
    'review-required',
    'No drift or schema breach waiting for review',
    breached.length === 0,
    `Review required: ${breached.join(
      ', ',
    )} failed; a passing result from its reporter clears it`,
    'No breach',
  );
}

function checksPass(input: GateInput): GateRequirement {
  const failing = input.checks.filter(c => c.status === 'fail');
  return req(
    'checks',
    'Latest check results pass',
    failing.length === 0,
    `Failing: ${failing.map(c => c.name).join(', ')}`,
    input.checks.length
      ? `${input.checks.length} checks pass`
      : 'No check has reported a failure',
  );
}

function approvals(
  spec: HandoffSpec | undefined,
  input: GateInput,
): GateRequirement[] {
  const recorder = input.recorder && normalizeOwnerRef(input.recorder);
  const sod = input.separationOfDuties !== false;
  const roles: ApprovalRole[] =
    spec?.risk.compliance === 'high'
      ? ['accountable', 'compliance']
      : ['accountable'];
  /** The approval of a role that still holds, or why the recorded one does not. */
  const judge = (role: ApprovalRole) => {
    const now = approvalRoleRef(role, spec, input.complianceApprovers);
    const given = input.approvals.filter(a => a.role === role);
    const valid = given.find(a => a.roleRef && a.roleRef === now);
    const voided = given.find(a => a.roleRef !== now);
    return { now, valid, voided };
  };
  const voidReason = (role: ApprovalRole, was?: string, now?: string) =>
    role === 'accountable'
      ? `Approval void: the accountable owner changed from ${
          was ?? 'someone not recorded'
        } to ${now ?? 'nobody'}. Approve again.`
      : `Approval void: the compliance approvers changed from ${
          was ?? 'groups not recorded'
        } to ${now ?? 'none'}. Approve again.`;
  const out: GateRequirement[] = [];
  const judged = roles.map(role => ({ role, ...judge(role) }));
  for (const { role, now, valid, voided } of judged) {
    const description =
      role === 'accountable'
        ? `Approval by the accountable owner${now ? ` (${now})` : ''}`
        : 'Approval by a compliance approver (compliance risk is high)';
    let reason = 'Not approved yet';
    if (role === 'accountable' && !now) {
      reason = 'The spec names no accountable owner (owners.raci.accountable)';
    } else if (!valid && voided) {
      reason = voidReason(role, voided.roleRef, now);
    }
    out.push(
      req(
        `approval-${role}`,
        description,
        Boolean(valid),
        reason,
        `Approved by ${valid?.approver}`,
      ),
    );
  }
  if (sod) {
    const approvers = judged
      .map(j => j.valid?.approver)
      .filter((a): a is string => Boolean(a))
      .map(normalizeOwnerRef);
    const problems: string[] = [];
    if (recorder && approvers.length && approvers.every(a => a === recorder)) {
      problems.push('whoever records the decision cannot be its only approver');
    }
    if (roles.length > 1 && approvers.length > 1) {
      if (new Set(approvers).size < approvers.length) {
        problems.push(
          'the accountable and the compliance approvals must come from two different people',
        );
      }
      if (recorder && approvers.includes(recorder)) {
        problems.push('neither approver may be the person recording it');
      }
    }
    out.push(
      req(
        'separation-of-duties',
        'Separation of duties: approved by someone other than whoever records the decision',
        problems.length === 0,
        `Separation of duties: ${problems.join('; ')}`,
        'Approved by others than the recorder',
      ),
    );
  }
  return out;
}

/**
 * What must hold before a decision, judged from the spec's risk profile:
 * higher risk asks for more artifacts and approvals. Each requirement comes
 * back met or unmet with its reason.
 *
 * @public
 */
export function evaluateGate(input: GateInput): GateResult {
  const { decision, spec } = input;
  const requirements: GateRequirement[] = [];
  const specValid = req(
    'spec-valid',
    'A valid handoff spec',
    input.specState === 'valid',
    input.specState === 'missing'
      ? 'The entity has no handoff spec'
      : 'The latest handoff spec is invalid',
  );
  switch (decision) {
    case 'start-pilot':
      requirements.push(
        specValid,
        req(
          'success-criteria',
          'Measurable success criteria',
          Boolean(spec?.successCriteria?.length),
          'The spec lists no success criteria',
        ),
      );
      break;
    case 'start-review':
      requirements.push(
        specValid,
        ...reviewArtifacts(spec),
        checksPass(input),
        noBreach(input),
      );
      break;
    case 'hand-off':
      requirements.push(
        specValid,
        ...reviewArtifacts(spec),
        ...handOffArtifacts(spec, input),
        checksPass(input),
        noBreach(input),
        ...approvals(spec, input),
      );
      break;
    case 'operate':
      requirements.push(
        req(
          'transfer-accepted',
          'The operating owner accepted the hand-off',
          input.transferAccepted,
          'The ownership transfer is still pending',
        ),
        checksPass(input),
        noBreach(input),
      );
      break;
    default:
      // harden, reframe and stop are honest outcomes: always allowed.
      break;
  }
  return { decision, met: requirements.every(r => r.met), requirements };
}

/** Gate requirements about who owns it rather than what the spec carries. */
const OWNERSHIP_REQUIREMENTS = ['operating-owner', 'support-path'];

/**
 * The artifacts a hand-off needs for this spec's risk profile that the spec
 * does not carry yet (requirement ids, as in {@link evaluateGate}).
 *
 * @public
 */
export function missingArtifacts(spec: HandoffSpec): string[] {
  const input: GateInput = {
    decision: 'hand-off',
    spec,
    specState: 'valid',
    ownersResolve: { operatingOwner: true, supportPath: true },
    checks: [],
    approvals: [],
    transferAccepted: false,
  };
  return [...reviewArtifacts(spec), ...handOffArtifacts(spec, input)]
    .filter(r => !r.met && !OWNERSHIP_REQUIREMENTS.includes(r.id))
    .map(r => r.id);
}
