import {
  DEFAULT_GATE_POLICY,
  Decision,
  GatePolicy,
  POLICY_DECISIONS,
  PolicyDecision,
  Stage,
  evaluateGate,
  formatSpecError,
  rulesChooser,
  validateGatePolicy,
  validateHandoffSpec,
} from '@handoff/backstage-plugin-handoff-common';
import fs from 'fs/promises';

export type Output = {
  out: (line: string) => void;
  err: (line: string) => void;
};

/** The lifecycle decision and the stage it is taken from, for each decision a policy names. */
const DECISION_OF: Record<PolicyDecision, [Decision, Stage]> = {
  'start-pilot': ['start-pilot', 'proposed'],
  'start-review': ['start-review', 'pilot'],
  'hand-off': ['hand-off', 'readiness-review'],
  'operate-without-hand-off': ['operate', 'readiness-review'],
  'operate-after-hand-off': ['operate', 'handed-off'],
  review: ['review', 'operating'],
};

/** Requirements a file alone cannot answer: they need the catalog or the portal's records. */
const IN_THE_PORTAL = new Set([
  'review-required',
  'separation-of-duties',
  'operated-by-builder',
  'owner-reviews',
]);

export async function read(
  file: string,
  output: Output,
): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    output.err(
      `${file}: cannot be read (${
        (error as NodeJS.ErrnoException).code ?? String(error)
      })`,
    );
    return undefined;
  }
}

/** The gate policy of a file, or the default; undefined (and said why) when it is invalid. */
export async function loadPolicy(
  file: string | undefined,
  output: Output,
): Promise<GatePolicy | undefined> {
  if (!file) return DEFAULT_GATE_POLICY;
  const text = await read(file, output);
  if (text === undefined) return undefined;
  const parsed = validateGatePolicy(text);
  if (!parsed.valid) {
    output.err(`${file}: not a valid gate policy`);
    for (const e of parsed.errors) {
      output.err(`  ${formatSpecError({ ...e, path: e.path || 'policy' })}`);
    }
    return undefined;
  }
  return parsed.value;
}

/**
 * Prints what a decision's gate asks of a spec under a policy (the default
 * unless one is given), each requirement met or not with its reason;
 * resolves to 0 when everything a file can show is met, 1 when something is
 * not, 2 when a file cannot be read or the policy is invalid.
 */
export async function previewGate(
  file: string,
  options: { decision: string; policy?: string },
  output: Output,
): Promise<number> {
  if (!(POLICY_DECISIONS as readonly string[]).includes(options.decision)) {
    output.err(
      `--decision must be one of ${POLICY_DECISIONS.join(', ')}, not ${
        options.decision
      }`,
    );
    return 2;
  }
  const policy = await loadPolicy(options.policy, output);
  if (!policy) return 2;
  const text = await read(file, output);
  if (text === undefined) return 2;
  const spec = validateHandoffSpec(text);
  const [decision, fromStage] = DECISION_OF[options.decision as PolicyDecision];
  const kindOf = new Map(
    policy.rules.map(r => [r.id, Object.keys(r.require)[0]]),
  );
  // An invalid spec is judged on one thing, being valid; its risk profile
  // (when that part is valid) still chooses which rules will apply.
  const chooser = spec.valid ? spec.spec : rulesChooser(spec.document);
  const gate = evaluateGate(
    {
      decision,
      fromStage,
      spec: chooser,
      specState: spec.valid ? 'valid' : 'invalid',
      // Whether owners exist is the catalog's to say; here they count when named.
      ownersResolve: { operatingOwner: true, supportPath: true },
      checks: [],
      approvals: [],
      transferAccepted: false,
    },
    policy,
  );
  output.out(
    `${file}: ${options.decision}${
      options.policy ? ` under ${options.policy}` : ' under the default policy'
    }`,
  );
  let unmet = 0;
  let portal = 0;
  let waiting = 0;
  for (const r of gate.requirements) {
    const kind = kindOf.get(r.id);
    if (
      IN_THE_PORTAL.has(r.id) ||
      kind === 'approval' ||
      kind === 'checks' ||
      kind === 'transfer'
    ) {
      portal += 1;
      output.out(`  ? ${r.description}: checked in the portal`);
    } else if (r.id === 'spec-valid' && !spec.valid) {
      unmet += 1;
      output.out(
        `  ✗ ${r.description}: ${spec.errors.length} error${
          spec.errors.length === 1 ? '' : 's'
        }, listed below`,
      );
    } else if (!spec.valid) {
      waiting += 1;
      output.out(`  · ${r.description}: judged once the spec is valid`);
    } else if (r.met) {
      output.out(
        `  ✓ ${r.description}${
          kind === 'owner' ? ' (named; the portal checks it exists)' : ''
        }`,
      );
    } else {
      unmet += 1;
      output.out(`  ✗ ${r.description}: ${r.reason}`);
    }
  }
  if (!spec.valid) {
    if (!chooser) {
      output.out(
        '    The risk profile is not valid either, so the rules of the highest risk tier are listed.',
      );
    }
    for (const e of spec.errors) output.out(`    ${formatSpecError(e)}`);
  }
  const local = gate.requirements.length - portal - waiting;
  output.out(
    `${local - unmet} of ${local} met in the file${
      waiting ? `; ${waiting} judged once the spec is valid` : ''
    }${portal ? `; ${portal} checked in the portal` : ''}`,
  );
  return unmet ? 1 : 0;
}
