import { actsFor, normalizeOwnerRef } from './ownership';
import type { HandoffSpec } from './spec';
import { approvals } from './gateApprovals';
import { checksPass, noBreach } from './gateChecks';
import {
  GateInput,
  GateRequirement,
  GateResult,
  atLeast,
  req,
  riskTier,
} from './gateTypes';

export { REVIEW_CADENCE_DAYS, riskTier } from './gateTypes';
export type {
  ApprovalRole,
  GateInput,
  GateRequirement,
  GateResult,
} from './gateTypes';
export { UNWAIVABLE_REQUIREMENTS, approvalRoleRef } from './gateApprovals';
export { reviewRequiredBy } from './gateChecks';

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

/** What the pilot showed, which a readiness review judges (medium and high tier). */
function pilotEvidence(spec: HandoffSpec | undefined): GateRequirement[] {
  if (!spec || riskTier(spec.risk) === 'low') return [];
  const pilot = spec.pilot;
  const lacking = [
    !pilot?.validatedBy?.length && 'who validated it (pilot.validatedBy)',
    !pilot?.usage?.length && 'usage figures (pilot.usage)',
    !pilot?.feedback?.length && 'a link to the feedback (pilot.feedback)',
  ].filter((l): l is string => Boolean(l));
  return [
    req(
      'pilot-evidence',
      `The pilot's evidence: who validated it, usage and feedback (${riskTier(
        spec.risk,
      )} risk)`,
      lacking.length === 0,
      `The spec's pilot section lacks ${lacking.join(', ')}`,
    ),
  ];
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

/** Operating without a transfer: only the catalog owner may be the operating owner. */
function builderOperates(
  spec: HandoffSpec | undefined,
  input: GateInput,
): GateRequirement {
  const operating = spec?.owners?.operatingOwner;
  const same =
    Boolean(operating && input.catalogOwner) &&
    normalizeOwnerRef(operating!) === normalizeOwnerRef(input.catalogOwner!);
  return req(
    'operated-by-builder',
    'The operating owner is the catalog owner (no hand-off to another team)',
    same,
    operating
      ? `The operating owner ${normalizeOwnerRef(
          operating,
        )} is not the catalog owner ${
          input.catalogOwner ?? '(none)'
        }: hand it off instead`
      : 'The spec names no operating owner',
  );
}

/** A periodic review is recorded by the owner, who confirms they still own it. */
function ownerReviews(
  spec: HandoffSpec | undefined,
  input: GateInput,
): GateRequirement {
  const owners = [
    ...new Set(
      [spec?.owners?.operatingOwner, input.catalogOwner]
        .filter((o): o is string => Boolean(o))
        .map(normalizeOwnerRef),
    ),
  ];
  const mine = input.recorderOwnership ?? [];
  return req(
    'owner-reviews',
    'Recorded by the operating owner or the catalog owner (or a member)',
    owners.some(o => actsFor(o, mine)),
    `Only ${
      owners.join(' or ') || 'the owner'
    } (or a member) can record a review and confirm ownership`,
    'Recorded by the owner',
  );
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
        ...pilotEvidence(spec),
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
      if (input.fromStage === 'readiness-review') {
        // The team that built it operates it: everything a hand-off needs,
        // and the operating owner is the team that owns it in the catalog.
        requirements.push(
          specValid,
          ...reviewArtifacts(spec),
          ...handOffArtifacts(spec, input),
          builderOperates(spec, input),
          checksPass(input),
          noBreach(input),
          ...approvals(spec, input),
        );
        break;
      }
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
    case 'review':
      requirements.push(ownerReviews(spec, input));
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
