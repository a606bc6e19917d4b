import fs from 'fs';
import path from 'path';
import {
  evaluateGate,
  GateInput,
  riskTier,
  rulesChooser,
  stillToWrite,
} from './gates';
import { DEFAULT_GATE_POLICY, GatePolicy } from './policy';
import { HandoffSpec, validateHandoffSpec } from './spec';

const example = (name: string): HandoffSpec => {
  const result = validateHandoffSpec(
    fs.readFileSync(
      path.resolve(
        __dirname,
        `../../../examples/capabilities/${name}/handoff.yaml`,
      ),
      'utf8',
    ),
  );
  if (!result.valid) throw new Error(`${name} is invalid`);
  return result.spec;
};

const base = (
  spec: HandoffSpec | undefined,
  patch: Partial<GateInput> = {},
): GateInput => ({
  decision: 'hand-off',
  spec,
  specState: spec ? 'valid' : 'missing',
  ownersResolve: { operatingOwner: true, supportPath: true },
  checks: [],
  approvals: [],
  transferAccepted: false,
  complianceApprovers: ['group:default/risk-and-compliance'],
  ...patch,
});

const COMPLIANCE = 'group:default/risk-and-compliance';

const unmet = (input: GateInput) =>
  evaluateGate(input)
    .requirements.filter(r => !r.met)
    .map(r => `${r.id}: ${r.reason}`);

describe('riskTier and cadence', () => {
  it('is the highest of the four dimensions', () => {
    expect(
      riskTier({
        data: 'low',
        customerImpact: 'low',
        compliance: 'low',
        operationalDependency: 'low',
      }),
    ).toBe('low');
    expect(
      riskTier({
        data: 'low',
        customerImpact: 'medium',
        compliance: 'low',
        operationalDependency: 'low',
      }),
    ).toBe('medium');
    expect(
      riskTier({
        data: 'low',
        customerImpact: 'medium',
        compliance: 'high',
        operationalDependency: 'low',
      }),
    ).toBe('high');
    expect(riskTier(undefined)).toBe('high');
  });
});

/** A spec carrying every artifact, at one risk level on every dimension. */
const complete = (level: 'low' | 'medium' | 'high'): HandoffSpec => ({
  ...example('fraud-scoring'),
  risk: {
    data: level,
    customerImpact: level,
    compliance: level,
    operationalDependency: level,
  },
});

const ids = (input: GateInput) =>
  evaluateGate(input).requirements.map(r => r.id);

describe('the default gate policy', () => {
  const rows: Array<
    [string, GateInput['decision'], string | undefined, string[]]
  > = [
    [
      'low',
      'start-pilot',
      undefined,
      ['spec-valid', 'pilot-success-criteria', 'review-required'],
    ],
    [
      'low',
      'start-review',
      undefined,
      ['spec-valid', 'intent', 'acceptance-criteria', 'review-required'],
    ],
    [
      'low',
      'hand-off',
      undefined,
      [
        'spec-valid',
        'intent',
        'acceptance-criteria',
        'rollback',
        'operating-owner',
        'review-required',
      ],
    ],
    [
      'low',
      'operate',
      'readiness-review',
      [
        'spec-valid',
        'operated-by-builder',
        'intent',
        'acceptance-criteria',
        'rollback',
        'operating-owner',
        'review-required',
      ],
    ],
    ['low', 'operate', 'handed-off', ['transfer-accepted', 'review-required']],
    ['low', 'review', 'operating', ['owner-reviews']],
    [
      'medium',
      'start-review',
      undefined,
      [
        'spec-valid',
        'intent',
        'acceptance-criteria',
        'success-criteria',
        'test-plan',
        'pilot-evidence',
        'data-contracts',
        'data-quality',
        'review-required',
      ],
    ],
    [
      'medium',
      'hand-off',
      undefined,
      [
        'spec-valid',
        'intent',
        'acceptance-criteria',
        'rollback',
        'operating-owner',
        'success-criteria',
        'test-plan',
        'data-contracts',
        'data-quality',
        'slos',
        'approval-accountable',
        'review-required',
        'separation-of-duties',
      ],
    ],
    [
      'medium',
      'operate',
      'handed-off',
      ['transfer-accepted', 'review-required'],
    ],
    [
      'high',
      'start-review',
      undefined,
      [
        'spec-valid',
        'intent',
        'acceptance-criteria',
        'success-criteria',
        'test-plan',
        'pilot-evidence',
        'data-contracts',
        'data-quality',
        'features',
        'model-failure-modes',
        'model-evaluation',
        'nfr',
        'regulatory',
        'checks',
        'review-required',
      ],
    ],
    [
      'high',
      'hand-off',
      undefined,
      [
        'spec-valid',
        'intent',
        'acceptance-criteria',
        'rollback',
        'operating-owner',
        'success-criteria',
        'test-plan',
        'data-contracts',
        'data-quality',
        'slos',
        'approval-accountable',
        'features',
        'model-failure-modes',
        'model-evaluation',
        'nfr',
        'regulatory',
        'deployment-checklist',
        'dashboards',
        'support-path',
        'checks',
        'approval-compliance',
        'review-required',
        'separation-of-duties',
      ],
    ],
    [
      'high',
      'operate',
      'handed-off',
      ['transfer-accepted', 'checks', 'review-required'],
    ],
  ];
  it.each(rows)(
    'asks a %s-tier %s (from %s) for exactly its rules',
    (tier, decision, fromStage, expected) => {
      expect(
        ids(
          base(complete(tier as 'low'), {
            decision,
            fromStage: fromStage as any,
          }),
        ),
      ).toEqual(expected);
    },
  );

  it('lets a low-risk capability hand off with four things', () => {
    const low = complete('low');
    const lean: HandoffSpec = {
      apiVersion: low.apiVersion,
      kind: low.kind,
      intent: { problem: 'Finance re-keys a monthly report' },
      risk: low.risk,
      acceptanceCriteria: ['The report arrives by the 2nd'],
      deployment: {
        checklist: [{ item: 'Tell finance', done: false }],
        rollback: { procedure: 'Switch the old report back on' },
      },
      owners: { operatingOwner: 'group:default/payments' },
    };
    expect(evaluateGate(base(lean)).met).toBe(true);
    expect(unmet(base({ ...lean, acceptanceCriteria: [] }))).toEqual([
      'acceptance-criteria: Not in the spec yet: Acceptance criteria',
    ]);
    expect(
      unmet(
        base({
          ...lean,
          deployment: { checklist: lean.deployment!.checklist },
        }),
      ),
    ).toEqual([
      'rollback: Not in the spec yet: Deployment checklist and rollback: the rollback',
    ]);
    expect(
      unmet(
        base(lean, {
          ownersResolve: { operatingOwner: false, supportPath: false },
        }),
      ),
    ).toEqual([
      'operating-owner: group:default/payments is not a Group or User in the catalog',
    ]);
  });

  it('does not count a placeholder the template wrote (text starting with TODO) as the artifact', () => {
    const low = complete('low');
    const lean: HandoffSpec = {
      apiVersion: low.apiVersion,
      kind: low.kind,
      intent: { problem: 'Finance re-keys a monthly report' },
      risk: low.risk,
      acceptanceCriteria: ['The report arrives by the 2nd', 'TODO: agree'],
      deployment: {
        checklist: [{ item: 'Tell finance', done: false }],
        rollback: { procedure: '  TODO write the rollback' },
      },
      owners: { operatingOwner: 'group:default/payments' },
    };
    expect(unmet(base(lean))).toEqual([
      'acceptance-criteria: Still to write: Acceptance criterion 2',
      'rollback: Still to write: Deployment checklist and rollback: the rollback procedure',
    ]);
    // A word that merely starts like it is not a placeholder.
    expect(
      evaluateGate(
        base({
          ...lean,
          acceptanceCriteria: ['TODOS are tracked in Jira'],
          deployment: {
            ...lean.deployment!,
            rollback: { procedure: 'Redeploy; a TODO is not a procedure' },
          },
        }),
      ).met,
    ).toBe(true);
    // Missing and still to do, both named.
    expect(
      unmet(
        base(
          {
            ...lean,
            successCriteria: [
              { metric: 'TODO', target: '95%', measuredBy: 'TODO: agree' },
            ],
          },
          { decision: 'start-pilot' },
        ),
      ),
    ).toEqual([
      'pilot-success-criteria: Still to write: Success criterion 1: the metric and how it is measured',
    ]);
  });

  it('never gates the honest outcomes, and blocks the rest when the spec is missing or invalid', () => {
    expect(unmet(base(undefined, { decision: 'start-pilot' }))).toEqual([
      'spec-valid: The entity has no handoff spec',
      'pilot-success-criteria: Not in the spec yet: Success criteria',
    ]);
    // An invalid spec is judged on being valid alone: the rules its risk
    // profile chooses are listed, not judged, and nothing stands in for it.
    const lowRisk = rulesChooser({
      risk: complete('low').risk,
      intent: 'not an object',
    });
    for (const decision of ['start-review', 'hand-off', 'review'] as const) {
      const gate = evaluateGate(
        base(lowRisk, { decision, specState: 'invalid' }),
      );
      expect(gate.met).toBe(false);
      expect(gate.requirements[0]).toMatchObject({
        id: 'spec-valid',
        met: false,
        waivable: false,
      });
      for (const r of gate.requirements.slice(1)) {
        if (r.id === 'review-required' || r.id === 'owner-reviews') continue;
        expect(r).toMatchObject({
          met: false,
          reason: 'Judged once the spec is valid',
          waivable: false,
        });
      }
      expect(
        unmet(base(lowRisk, { decision, specState: 'invalid' })).join('\n'),
      ).not.toMatch(/Not in the spec yet/);
    }
    // The low tier's rules, not the high tier's: no test plan at low risk.
    const handOff = evaluateGate(
      base(lowRisk, { decision: 'hand-off', specState: 'invalid' }),
    );
    expect(handOff.requirements.map(r => r.id)).not.toContain('test-plan');
    expect(
      evaluateGate(
        base(rulesChooser({ risk: 'bogus' }), {
          decision: 'hand-off',
          specState: 'invalid',
        }),
      ).requirements.map(r => r.id),
    ).toContain('test-plan');
    for (const decision of ['harden', 'reframe', 'stop'] as const) {
      expect(evaluateGate(base(undefined, { decision }))).toEqual({
        decision,
        met: true,
        requirements: [],
      });
    }
  });

  it('names every field of a data contract that lacks a drift tolerance (or a reason to be exempt)', () => {
    const spec = example('churn-model');
    const without = (...names: string[]): HandoffSpec => ({
      ...spec,
      dataContracts: spec.dataContracts!.map(c => ({
        ...c,
        fields: Object.fromEntries(
          Object.entries(c.fields).map(([k, f]) => [
            k,
            names.includes(k) ? { ...f, driftTolerance: undefined } : f,
          ]),
        ),
      })),
    });
    expect(unmet(base(without('plan'), { decision: 'start-review' }))).toEqual([
      'data-contracts: Not in the spec yet: Data contract “subscriber-activity”: field “plan”, its drift tolerance (or why drift does not apply)',
    ]);
    expect(
      unmet(
        base(
          { ...spec, dataContracts: undefined },
          { decision: 'start-review' },
        ),
      ),
    ).toEqual([
      'data-contracts: Not in the spec yet: Data contracts',
      'data-quality: Not in the spec yet: Data contracts',
    ]);
  });

  it('asks a high-risk capability for passing checks and a compliance approval; a drift breach always waits for review', () => {
    const spec = example('fraud-scoring');
    const accountable = {
      role: 'accountable' as const,
      approver: 'user:default/margaret',
      roleRef: 'user:default/margaret',
    };
    expect(
      unmet(
        base(spec, {
          checks: [{ name: 'drift-nightly', kind: 'drift', status: 'fail' }],
          approvals: [accountable],
        }),
      ),
    ).toEqual([
      'checks: Failing: drift-nightly',
      'approval-compliance: Not approved yet',
      'review-required: Review required: drift-nightly failed; a passing result from its reporter or a recorded review clears it',
    ]);
    // At low tier a failing test does not block, a drift breach does.
    const low = complete('low');
    expect(
      unmet(
        base(low, { checks: [{ name: 'unit', kind: 'test', status: 'fail' }] }),
      ),
    ).toEqual([]);
    expect(
      unmet(
        base(low, {
          checks: [{ name: 'drift', kind: 'drift', status: 'fail' }],
        }),
      ),
    ).toEqual([
      'review-required: Review required: drift failed; a passing result from its reporter or a recorded review clears it',
    ]);
    const passing = evaluateGate(
      base(spec, {
        checks: [{ name: 'drift-nightly', kind: 'drift', status: 'pass' }],
        approvals: [
          accountable,
          {
            role: 'compliance',
            approver: 'user:default/linus',
            roleRef: COMPLIANCE,
          },
        ],
        recorder: 'user:default/ada',
      }),
    );
    expect(passing.met).toBe(true);
    expect(
      passing.requirements.find(r => r.id === 'approval-compliance')?.reason,
    ).toBe('Approved by user:default/linus');
  });

  it('tells which requirements an exception may waive: artifacts, owners and checks, never people', () => {
    const gate = evaluateGate(base(complete('high')));
    const waivable = Object.fromEntries(
      gate.requirements.map(r => [r.id, r.waivable]),
    );
    expect(waivable).toMatchObject({
      rollback: true,
      'operating-owner': true,
      checks: true,
      'approval-accountable': false,
      'approval-compliance': false,
      'review-required': false,
      'separation-of-duties': false,
    });
  });
});

describe('a gate policy of your own', () => {
  const policy: GatePolicy = {
    ...DEFAULT_GATE_POLICY,
    rules: [
      {
        id: 'runbook',
        description: 'A runbook linked from the spec',
        decisions: ['hand-off'],
        require: { artifact: 'acceptanceCriteria' },
      },
      {
        id: 'security-review',
        description: 'Approval by the security team',
        decisions: ['hand-off'],
        when: { data: 'high' },
        require: { approval: 'group:default/security' },
      },
      {
        id: 'data-checks',
        description: 'Drift and schema checks pass',
        decisions: ['hand-off'],
        require: { checks: { kinds: ['drift', 'schema'] } },
      },
    ],
  };
  it('asks exactly what its rules say, with a named group as approver', () => {
    const spec = example('churn-model');
    const input = base(spec, {
      checks: [
        { name: 'unit', kind: 'test', status: 'fail' },
        { name: 'schema', kind: 'schema', status: 'pass' },
      ],
    });
    const gate = evaluateGate(input, policy);
    expect(gate.requirements.map(r => `${r.id}: ${r.met}`)).toEqual([
      'spec-valid: true',
      'runbook: true',
      'security-review: false',
      'data-checks: true',
      'review-required: true',
      'separation-of-duties: true',
    ]);
    expect(gate.requirements[2]).toMatchObject({
      approval: { role: 'group:default/security' },
      waivable: false,
    });
    const approved = evaluateGate(
      {
        ...input,
        approvals: [
          {
            role: 'group:default/security',
            approver: 'user:default/grace',
            roleRef: 'group:default/security',
          },
        ],
      },
      policy,
    );
    expect(approved.met).toBe(true);
  });
});

describe('approvals bound to who is accountable now, and separation of duties', () => {
  const spec = example('fraud-scoring');
  const accountable = {
    role: 'accountable' as const,
    approver: 'user:default/margaret',
    roleRef: 'user:default/margaret',
  };
  const compliance = {
    role: 'compliance' as const,
    approver: 'user:default/linus',
    roleRef: COMPLIANCE,
  };
  const gate = (patch: Partial<GateInput>) =>
    evaluateGate(
      base(spec, {
        checks: [{ name: 'drift-nightly', kind: 'drift', status: 'pass' }],
        approvals: [accountable, compliance],
        recorder: 'user:default/ada',
        ...patch,
      }),
    );

  it('voids an approval when the accountable owner changes, in plain words', () => {
    const changed: HandoffSpec = {
      ...spec,
      owners: {
        ...spec.owners,
        raci: { ...spec.owners?.raci, accountable: 'user:default/grace' },
      },
    };
    expect(
      unmet(base(changed, { approvals: [accountable, compliance] })),
    ).toEqual([
      'approval-accountable: Approval void: the accountable owner changed from user:default/margaret to user:default/grace. Approve again.',
    ]);
  });

  it('voids a compliance approval when the approver groups change', () => {
    expect(
      unmet(
        base(spec, {
          approvals: [accountable, compliance],
          complianceApprovers: ['group:default/legal'],
        }),
      ),
    ).toEqual([
      'approval-compliance: Approval void: the compliance approvers changed from group:default/risk-and-compliance to group:default/legal. Approve again.',
    ]);
  });

  it('compares owner refs whatever their form', () => {
    expect(
      gate({
        approvals: [{ ...accountable, roleRef: 'user:default/margaret' }],
        spec: {
          ...spec,
          risk: { ...spec.risk, compliance: 'low' },
          owners: {
            ...spec.owners,
            raci: { ...spec.owners?.raci, accountable: 'user:Margaret' },
          },
        },
      }).met,
    ).toBe(true);
  });

  it('refuses a recorder who is the only approver, and one person approving twice', () => {
    expect(
      gate({ recorder: 'user:default/margaret' }).requirements,
    ).toContainEqual(
      expect.objectContaining({
        id: 'separation-of-duties',
        met: false,
        reason:
          'Separation of duties: neither approver may be the person recording it',
      }),
    );
    expect(
      unmet(
        base(
          { ...spec, risk: { ...spec.risk, compliance: 'low' } },
          {
            checks: [{ name: 'drift-nightly', kind: 'drift', status: 'pass' }],
            approvals: [accountable],
            recorder: 'user:default/margaret',
          },
        ),
      ),
    ).toEqual([
      'separation-of-duties: Separation of duties: whoever records the decision cannot be its only approver',
    ]);
    expect(
      gate({
        approvals: [
          accountable,
          { ...compliance, approver: accountable.approver },
        ],
      })
        .requirements.filter(r => !r.met)
        .map(r => `${r.id}: ${r.reason}`),
    ).toEqual([
      'separation-of-duties: Separation of duties: its approvals must come from different people',
    ]);
    expect(gate({}).met).toBe(true);
    expect(
      gate({ recorder: 'user:default/margaret', separationOfDuties: false })
        .met,
    ).toBe(true);
  });

  it("asks a medium or high tier readiness review for the pilot's evidence, naming what lacks", () => {
    const sample = example('churn-model');
    expect(unmet(base(sample, { decision: 'start-review' }))).toEqual([]);
    const { pilot: _pilot, ...withoutPilot } = sample;
    expect(unmet(base(withoutPilot, { decision: 'start-review' }))).toEqual([
      'pilot-evidence: Not in the spec yet: Pilot evidence',
    ]);
    expect(
      unmet(
        base(
          { ...sample, pilot: { validatedBy: sample.pilot!.validatedBy } },
          { decision: 'start-review' },
        ),
      ),
    ).toEqual([
      'pilot-evidence: Not in the spec yet: Pilot evidence: the usage and the feedback',
    ]);
    const low = example('recommendation-api');
    expect(
      evaluateGate(base(low, { decision: 'start-review' })).requirements.map(
        r => r.id,
      ),
    ).not.toContain('pilot-evidence');
  });

  it('lets the building team operate from a readiness review only when it is the operating owner, with the hand-off artifacts and approvals', () => {
    const sample = example('support-assistant');
    const approved = {
      approvals: [
        {
          role: 'accountable' as const,
          approver: 'user:default/grace',
          roleRef: 'user:default/grace',
        },
      ],
      recorder: 'user:default/ada',
    };
    const withAccountable = {
      ...sample,
      owners: { ...sample.owners, raci: { accountable: 'user:default/grace' } },
    };
    const operate = (patch: Partial<GateInput>) =>
      base(withAccountable, {
        decision: 'operate',
        fromStage: 'readiness-review',
        ...approved,
        ...patch,
      });
    // The same artifacts and approvals as a hand-off, and the builder operates it.
    const handOff = unmet(
      base(withAccountable, { decision: 'hand-off', ...approved }),
    );
    expect(handOff.length).toBeGreaterThan(0);
    expect(
      unmet(operate({ catalogOwner: 'group:default/customer-support' })),
    ).toEqual(handOff);
    expect(unmet(operate({ catalogOwner: 'group:default/payments' }))).toEqual([
      'operated-by-builder: The operating owner group:default/customer-support is not the catalog owner group:default/payments: hand it off instead',
      ...handOff,
    ]);
    expect(
      unmet(
        operate({
          catalogOwner: 'group:default/customer-support',
          approvals: [],
        }),
      ),
    ).toEqual([...handOff, 'approval-accountable: Not approved yet']);
    // After a hand-off, operate asks for the transfer, not the artifacts again.
    expect(
      unmet(base(sample, { decision: 'operate', fromStage: 'handed-off' })),
    ).toEqual(['transfer-accepted: The ownership transfer is still pending']);
  });

  it("a policy's work requirement waits for every item of the sources it names", () => {
    const policy: GatePolicy = {
      ...DEFAULT_GATE_POLICY,
      rules: [
        ...DEFAULT_GATE_POLICY.rules,
        {
          id: 'hand-off-work',
          description: 'The hand-off work is done',
          decisions: ['operate-after-hand-off'],
          require: { work: { done: ['take-over', 'delivery'] } },
        },
      ],
    };
    const operate = (openWork?: GateInput['openWork']) =>
      evaluateGate(
        base(example('fraud-scoring'), {
          decision: 'operate',
          fromStage: 'handed-off',
          transferAccepted: true,
          openWork,
        }),
        policy,
      ).requirements.find(r => r.id === 'hand-off-work');
    expect(operate([])).toMatchObject({ met: true, reason: 'All done' });
    // Hardening items are not what this rule asks about.
    expect(operate([{ source: 'harden', title: 'x' }])).toMatchObject({
      met: true,
    });
    expect(
      operate([
        { source: 'delivery', title: 'Move the job' },
        { source: 'take-over', title: 'Take over' },
        { source: 'delivery', title: 'Page on-call' },
        { source: 'delivery', title: 'Write the runbook' },
      ]),
    ).toMatchObject({
      met: false,
      waivable: true,
      reason: 'Not done yet: Move the job; Take over; Page on-call and 1 more',
    });
    // Where work items are not known (the CLI), it is not met.
    expect(operate(undefined)).toMatchObject({
      met: false,
      reason: 'Work items are known only to the portal',
    });
  });

  it('lets only the operating or catalog owner record a review', () => {
    const sample = example('fraud-scoring');
    const review = (ownership: string[]) =>
      unmet(
        base(sample, {
          decision: 'review',
          fromStage: 'operating',
          catalogOwner: 'group:default/risk-and-compliance',
          recorderOwnership: ownership,
        }),
      );
    expect(
      review(['user:default/margaret', 'group:default/risk-and-compliance']),
    ).toEqual([]);
    expect(review(['user:default/ada', 'group:default/data-science'])).toEqual([
      'owner-reviews: Only group:default/risk-and-compliance (or a member) can record a review and confirm ownership',
    ]);
  });

  it('lets a recorded review clear a drift breach but not a failing check', () => {
    const sample = example('fraud-scoring');
    const checks = [
      {
        name: 'drift-nightly',
        kind: 'drift',
        status: 'fail' as const,
        reviewedIn: 9,
      },
    ];
    const unmetIds = unmet(base(sample, { decision: 'hand-off', checks })).map(
      r => r.split(':')[0],
    );
    expect(unmetIds).toContain('checks');
    expect(unmetIds).not.toContain('review-required');
  });
});

describe('what is still to write', () => {
  const low = example('invoice-export');
  const lean: HandoffSpec = {
    apiVersion: low.apiVersion,
    kind: low.kind,
    intent: { problem: 'Finance re-keys a monthly report' },
    risk: low.risk,
    successCriteria: [
      { metric: 'TODO', target: 'TODO', measuredBy: 'TODO: agree' },
    ],
    acceptanceCriteria: ['The report arrives by the 2nd', 'TODO: agree'],
    deployment: {
      checklist: [{ item: 'Tell finance', done: false }],
      rollback: { procedure: 'TODO write the rollback' },
    },
  };

  it('lists every placeholder and missing artifact ahead, in words, by section, with the first decision it blocks', () => {
    expect(
      stillToWrite(lean, 'proposed').map(
        e => `${e.section} | ${e.text} | ${e.blocks} | ${e.kind}`,
      ),
    ).toEqual([
      'Success criteria | Success criterion 1: the metric, its target and how it is measured | start-pilot | todo',
      'Acceptance criteria | Acceptance criterion 2 | start-review | todo',
      'Test plan | Test plan | start-review | missing',
      'Deployment checklist and rollback | Deployment checklist and rollback: the rollback procedure | hand-off | todo',
      'Owners | Owners: the operating owner | hand-off | missing',
      'Pilot evidence | Pilot evidence | start-review | missing',
    ]);
    // Nothing in words reads like a path.
    for (const entry of stillToWrite(lean, 'proposed')) {
      expect(entry.text).not.toMatch(/\[\d+\]|[a-z]\.[a-z]/);
    }
  });

  it('asks only what the decisions ahead of the stage ask', () => {
    // Once the pilot started, its success criteria no longer block starting it.
    expect(
      stillToWrite(lean, 'pilot').find(e => e.section === 'Success criteria')
        ?.blocks,
    ).not.toBe('start-pilot');
    // A stopped capability has nothing left to write.
    expect(stillToWrite(lean, 'stopped')).toEqual([]);
  });

  it('asks more of a higher risk: the rules the risk profile chooses', () => {
    const high = {
      ...lean,
      risk: { ...lean.risk, customerImpact: 'high' as const },
    };
    expect(stillToWrite(high, 'proposed').length).toBeGreaterThan(
      stillToWrite(lean, 'proposed').length,
    );
  });
});
