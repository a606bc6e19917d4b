import type { Decision, Stage } from './lifecycle';
import { actsFor, normalizeOwnerRef } from './ownership';
import { DEFAULT_GATE_POLICY } from './policy/defaultPolicy';
import { missingAt, unfinishedAt } from './policy/paths';
import type { GatePolicy, PolicyDecision, PolicyRule } from './policy/schema';
import type { HandoffSpec, RiskProfile } from './spec';
import { riskProfileSchema } from './spec/schema';
import { specPlace, specPlacesInWords } from './spec/words';
import { SPEC_ARTIFACT_TITLES } from './spec/diff';
import { approval, separationOfDuties } from './gateApprovals';
import { checksPass, noBreach } from './gateChecks';
import { exceptionStands } from './exceptions';
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
export { approvalRoleRef, normalizeRole } from './gateApprovals';
export { reviewRequiredBy } from './gateChecks';

/**
 * The decision a gate policy speaks of: operating is two, after a hand-off
 * and without one (from the readiness review). Harden, reframe and stop are
 * honest outcomes no policy gates.
 *
 * @public
 */
export function policyDecisionOf(
  decision: Decision,
  fromStage?: Stage,
): PolicyDecision | undefined {
  switch (decision) {
    case 'operate':
      return fromStage === 'readiness-review'
        ? 'operate-without-hand-off'
        : 'operate-after-hand-off';
    case 'start-pilot':
    case 'start-review':
    case 'hand-off':
    case 'review':
      return decision;
    default:
      return undefined;
  }
}

const DIMENSIONS: Array<keyof RiskProfile> = [
  'data',
  'customerImpact',
  'compliance',
  'operationalDependency',
];

/** Whether a rule applies to this decision and this spec's risk profile. */
function applies(
  rule: PolicyRule,
  decision: PolicyDecision,
  spec: HandoffSpec | undefined,
): boolean {
  if (!rule.decisions.includes(decision)) return false;
  const when = rule.when;
  if (!when) return true;
  if (when.tier && !atLeast(riskTier(spec?.risk), when.tier)) return false;
  for (const dimension of DIMENSIONS) {
    const min = when[dimension];
    if (min && !atLeast(spec?.risk[dimension], min)) return false;
  }
  return !when.has || missingAt(spec, when.has).length === 0;
}

const OWNER_LABELS = {
  operatingOwner: 'operating owner',
  supportPath: 'support path',
};

/** One rule of the policy, judged. */
function judge(
  rule: PolicyRule,
  input: GateInput,
): GateRequirement & { approver?: string } {
  const { require: r, id, description } = rule;
  const spec = input.spec;
  if (r.artifact !== undefined) {
    const found = [r.artifact].flat().map(p => unfinishedAt(spec, p));
    const missing = [...new Set(found.flatMap(f => f.missing))];
    const toDo = [...new Set(found.flatMap(f => f.toDo))];
    return req(
      id,
      description,
      missing.length === 0 && toDo.length === 0,
      [
        missing.length > 0 &&
          `Not in the spec yet: ${specPlacesInWords(missing, spec)}`,
        toDo.length > 0 && `Still to write: ${specPlacesInWords(toDo, spec)}`,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  if (r.owner !== undefined) {
    const named = spec?.owners?.[r.owner];
    return req(
      id,
      description,
      Boolean(named) && input.ownersResolve[r.owner],
      named
        ? `${named} is not a Group or User in the catalog`
        : `The spec names no ${OWNER_LABELS[r.owner]} (owners.${r.owner})`,
    );
  }
  if (r.approval !== undefined) {
    return approval(id, description, r.approval, input);
  }
  if (r.checks !== undefined) {
    return checksPass(id, description, input, r.checks.kinds);
  }
  if (r.work !== undefined) {
    const sources: readonly string[] = r.work.done;
    const open = input.openWork?.filter(w => sources.includes(w.source));
    let reason = 'Work items are known only to the portal';
    if (open?.length) {
      reason = `Not done yet: ${open
        .slice(0, 3)
        .map(w => w.title)
        .join('; ')}${open.length > 3 ? ` and ${open.length - 3} more` : ''}`;
    }
    return req(
      id,
      description,
      open !== undefined && open.length === 0,
      reason,
      'All done',
    );
  }
  return req(
    id,
    description,
    input.transferAccepted,
    'The ownership transfer is still pending',
    'Accepted',
    false,
  );
}

/** Operating without a transfer: only the catalog owner may be the operating owner. */
function builderOperates(input: GateInput): GateRequirement {
  const operating = input.spec?.owners?.operatingOwner;
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
    'Done',
    false,
  );
}

/** A periodic review is recorded by the owner, who confirms they still own it. */
function ownerReviews(input: GateInput): GateRequirement {
  const owners = [
    ...new Set(
      [input.spec?.owners?.operatingOwner, input.catalogOwner]
        .filter((o): o is string => Boolean(o))
        .map(normalizeOwnerRef),
    ),
  ];
  return req(
    'owner-reviews',
    'Recorded by the operating owner or the catalog owner (or a member)',
    owners.some(o => actsFor(o, input.recorderOwnership ?? [])),
    `Only ${
      owners.join(' or ') || 'the owner'
    } (or a member) can record a review and confirm ownership`,
    'Recorded by the owner',
    false,
  );
}

/** The decisions whose spec must be valid, and those a drift breach pauses. */
const NEEDS_VALID_SPEC: PolicyDecision[] = [
  'start-pilot',
  'start-review',
  'hand-off',
  'operate-without-hand-off',
];
const PAUSED_BY_BREACH: PolicyDecision[] = [
  'start-pilot',
  'start-review',
  'hand-off',
  'operate-without-hand-off',
  'operate-after-hand-off',
];

/**
 * What must hold before a decision: the rules of the gate policy that apply
 * to it and to the spec's risk profile (higher risk asks for more), and the
 * rules every policy has (a valid spec, no drift breach waiting for review,
 * separation of duties, the owner's own review). Each requirement comes back
 * met or unmet with its reason in plain words.
 *
 * @public
 */
export function evaluateGate(
  input: GateInput,
  policy: GatePolicy = DEFAULT_GATE_POLICY,
): GateResult {
  const { decision } = input;
  const asked = policyDecisionOf(decision, input.fromStage);
  if (!asked) return { decision, met: true, requirements: [] };
  const requirements: GateRequirement[] = [];
  // An invalid spec is judged on being valid alone: its rules are listed
  // (its risk profile, when that part parses, still chooses them) but none
  // is judged, and no exception stands in for validity.
  const invalid = input.specState === 'invalid';
  if (invalid) {
    requirements.push(
      req(
        'spec-valid',
        'A valid handoff spec',
        false,
        'The latest handoff spec is invalid: fix the errors listed with the spec; the other requirements are judged once it is valid',
        'Done',
        false,
      ),
    );
  } else if (NEEDS_VALID_SPEC.includes(asked)) {
    requirements.push(
      req(
        'spec-valid',
        'A valid handoff spec',
        input.specState === 'valid',
        'The entity has no handoff spec',
      ),
    );
  }
  if (asked === 'operate-without-hand-off') {
    requirements.push(builderOperates(input));
  }
  if (asked === 'review') requirements.push(ownerReviews(input));
  const judged = policy.rules
    .filter(rule => applies(rule, asked, input.spec))
    .map((rule): GateRequirement & { approver?: string } =>
      invalid
        ? req(
            rule.id,
            rule.description,
            false,
            'Judged once the spec is valid',
            'Done',
            false,
          )
        : judge(rule, input),
    );
  requirements.push(...judged.map(({ approver: _a, ...r }) => r));
  if (PAUSED_BY_BREACH.includes(asked)) requirements.push(noBreach(input));
  const approvals = judged.filter(r => r.approval);
  if (approvals.length && input.separationOfDuties !== false) {
    requirements.push(separationOfDuties(approvals, input));
  }
  const judgedAll = requirements.map(r => withException(r, input, policy));
  return {
    decision,
    met: judgedAll.every(r => r.met),
    requirements: judgedAll,
  };
}

/**
 * An unmet requirement an exception may waive: met while a granted exception
 * stands (unless the viewer granted it: another person records the
 * decision), and marked while one waits to be granted. Requirements the
 * policy names as never waived are not waivable.
 */
function withException(
  r: GateRequirement,
  input: GateInput,
  policy: GatePolicy,
): GateRequirement {
  if (policy.exceptions?.neverWaived?.includes(r.id)) {
    return { ...r, waivable: false };
  }
  if (r.met || r.waivable === false) return r;
  const mine = (input.exceptions ?? []).filter(e => e.requirement === r.id);
  const granted = mine.find(e => exceptionStands(e));
  if (granted) {
    const by = granted.answeredBy ?? '';
    const exception = {
      id: granted.id,
      status: 'granted' as const,
      by,
      until: granted.until,
    };
    if (
      input.recorder &&
      normalizeOwnerRef(by) === normalizeOwnerRef(input.recorder)
    ) {
      return {
        ...r,
        exception,
        reason: `${r.reason}. You granted its exception, so someone else records the decision`,
      };
    }
    return {
      ...r,
      met: true,
      exception,
      reason: `Waived until ${granted.until} by an exception ${by} granted (${r.reason})`,
    };
  }
  const pending = mine.find(e => e.status === 'pending');
  if (!pending) return r;
  return {
    ...r,
    exception: {
      id: pending.id,
      status: 'pending',
      by: pending.requestedBy,
      until: pending.until,
    },
    reason: `${r.reason}. Waiting for an exception to be granted (requested by ${pending.requestedBy})`,
  };
}

/**
 * The part of an invalid spec that still chooses a gate's rules: its risk
 * profile and whether it describes a model, when they parse. Undefined when
 * the risk profile does not (the highest tier's rules apply).
 *
 * @public
 */
export function rulesChooser(document: unknown): HandoffSpec | undefined {
  const doc = (document ?? {}) as { risk?: unknown; model?: unknown };
  const risk = riskProfileSchema.safeParse(doc.risk);
  if (!risk.success) return undefined;
  return {
    risk: risk.data,
    ...(doc.model !== undefined && { model: doc.model }),
  } as HandoffSpec;
}

const EMPTY_INPUT: GateInput = {
  decision: 'hand-off',
  specState: 'valid',
  ownersResolve: { operatingOwner: true, supportPath: true },
  checks: [],
  approvals: [],
  transferAccepted: false,
};

/**
 * The artifacts a hand-off needs under the policy for this spec's risk
 * profile that the spec does not carry yet (rule ids).
 *
 * @public
 */
export function missingArtifacts(
  spec: HandoffSpec,
  policy: GatePolicy = DEFAULT_GATE_POLICY,
): string[] {
  return policy.rules
    .filter(rule => rule.require.artifact !== undefined)
    .filter(rule => applies(rule, 'hand-off', spec))
    .filter(rule => !judge(rule, { ...EMPTY_INPUT, spec }).met)
    .map(rule => rule.id);
}

/**
 * The spec sections a capability of this risk profile will need under the
 * policy, up to and including operation (artifact paths, as the rules name
 * them): what a new capability's spec should carry a section for.
 *
 * @public
 */
export function requiredArtifacts(
  spec: HandoffSpec,
  policy: GatePolicy = DEFAULT_GATE_POLICY,
): string[] {
  const decisions: PolicyDecision[] = [
    'start-pilot',
    'start-review',
    'hand-off',
  ];
  return [
    ...new Set(
      policy.rules
        .filter(rule => decisions.some(d => applies(rule, d, spec)))
        .flatMap(rule =>
          rule.require.artifact === undefined ? [] : [rule.require.artifact],
        )
        .flat(),
    ),
  ];
}

/** The gated decisions ahead of each stage on the way to operating, in order. */
const AHEAD: Record<Stage, Array<[Decision, PolicyDecision]>> = {
  proposed: [
    ['start-pilot', 'start-pilot'],
    ['start-review', 'start-review'],
    ['hand-off', 'hand-off'],
    ['operate', 'operate-after-hand-off'],
  ],
  pilot: [
    ['start-review', 'start-review'],
    ['hand-off', 'hand-off'],
    ['operate', 'operate-after-hand-off'],
  ],
  'readiness-review': [
    ['hand-off', 'hand-off'],
    ['operate', 'operate-after-hand-off'],
  ],
  hardening: [
    ['start-review', 'start-review'],
    ['hand-off', 'hand-off'],
    ['operate', 'operate-after-hand-off'],
  ],
  'handed-off': [['operate', 'operate-after-hand-off']],
  operating: [['review', 'review']],
  reframed: [
    ['start-pilot', 'start-pilot'],
    ['start-review', 'start-review'],
    ['hand-off', 'hand-off'],
    ['operate', 'operate-after-hand-off'],
  ],
  stopped: [],
};

/**
 * One thing still to write in a spec, in words, with the first decision it
 * holds back.
 *
 * @public
 */
export type StillToWrite = {
  /** The spec section, as the Handoff tab titles it. */
  section: string;
  /** "Success criterion 1: the metric and its target". */
  text: string;
  /** The first decision ahead that waits for it. */
  blocks: Decision;
  /** Whether it is missing (not yet in the spec) or a TODO placeholder. */
  kind: 'missing' | 'todo';
};

/**
 * What is still to write in a spec before the decisions ahead of its stage,
 * under the gate policy and the spec's risk profile: every artifact a rule
 * asks for that is missing or still a TODO placeholder, in words, in the
 * order of the spec's sections, each with the first decision it blocks.
 *
 * @public
 */
export function stillToWrite(
  spec: HandoffSpec | undefined,
  stage: Stage,
  policy: GatePolicy = DEFAULT_GATE_POLICY,
): StillToWrite[] {
  // One entry per item and kind, in the order the decisions ahead ask.
  const found = new Map<
    string,
    {
      section: string;
      paths: string[];
      blocks: Decision;
      kind: StillToWrite['kind'];
    }
  >();
  for (const [decision, asked] of AHEAD[stage]) {
    const rules = policy.rules.filter(rule => applies(rule, asked, spec));
    for (const rule of rules) {
      // An artifact, or an owner the spec must name.
      const { artifact, owner } = rule.require;
      const paths = artifact !== undefined ? [artifact].flat() : [];
      if (owner !== undefined) paths.push(`owners.${owner}`);
      for (const path of paths) {
        const { missing, toDo } =
          owner !== undefined && path === `owners.${owner}`
            ? { missing: spec?.owners?.[owner] ? [] : [path], toDo: [] }
            : unfinishedAt(spec, path);
        const unfinished = [
          ...missing.map(at => ['missing', at] as const),
          ...toDo.map(at => ['todo', at] as const),
        ];
        for (const [kind, at] of unfinished) {
          const place = specPlace(at, spec);
          const key = `${place.item}\u0000${kind}`;
          const entry = found.get(key);
          if (!entry) {
            found.set(key, {
              section: place.section,
              paths: [at],
              blocks: decision,
              kind,
            });
          } else if (!entry.paths.includes(at)) {
            entry.paths.push(at);
          }
        }
      }
    }
  }
  const sections: string[] = Object.values(SPEC_ARTIFACT_TITLES);
  const rank = (section: string) => {
    const i = sections.indexOf(section);
    return i < 0 ? sections.length : i;
  };
  const entries = [...found.values()];
  return entries
    .map((entry, order) => ({ entry, order }))
    .sort(
      (a, b) =>
        rank(a.entry.section) - rank(b.entry.section) || a.order - b.order,
    )
    .map(({ entry }) => ({
      section: entry.section,
      text: specPlacesInWords(entry.paths, spec),
      blocks: entry.blocks,
      kind: entry.kind,
    }));
}
