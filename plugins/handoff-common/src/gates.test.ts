import fs from 'fs';
import path from 'path';
import { evaluateGate, GateInput, riskTier } from './gates';
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

describe('evaluateGate', () => {
  it('lets a low-risk capability start its review with few artifacts', () => {
    const spec = example('invoice-export');
    expect(unmet(base(spec, { decision: 'start-review' }))).toEqual([]);
  });

  it('asks a low-risk capability for hand-off artifacts and the accountable approval only', () => {
    const spec = example('invoice-export');
    expect(unmet(base(spec))).toEqual([
      'deployment-checklist: Not done: Finance confirms the totals',
      'approval-accountable: Not approved yet',
    ]);
  });

  it('asks a medium-risk capability for data contracts, NFRs and SLOs', () => {
    const spec = example('support-assistant');
    expect(unmet(base(spec, { decision: 'start-review' }))).toEqual([
      'model-evaluation: The model has no evaluation metric',
      'nfr: The spec lists no non-functional requirements',
    ]);
    expect(unmet(base(spec))).toEqual([
      'model-evaluation: The model has no evaluation metric',
      'nfr: The spec lists no non-functional requirements',
      'deployment-checklist: The spec has no deployment checklist',
      'rollback: The spec describes no rollback procedure',
      'dashboards: The spec links no dashboard',
      'slos: The spec defines no SLO',
      'approval-accountable: Not approved yet',
    ]);
  });

  it('asks a high-risk capability for a compliance approval and passing checks too', () => {
    const spec = example('fraud-scoring');
    expect(
      unmet(
        base(spec, {
          checks: [{ name: 'drift-nightly', kind: 'drift', status: 'fail' }],
          approvals: [
            {
              role: 'accountable',
              approver: 'user:default/margaret',
              roleRef: 'user:default/margaret',
            },
          ],
        }),
      ),
    ).toEqual([
      'checks: Failing: drift-nightly',
      'review-required: Review required: drift-nightly failed; a passing result from its reporter or a recorded review clears it',
      'approval-compliance: Not approved yet',
    ]);
    const passing = evaluateGate(
      base(spec, {
        checks: [{ name: 'drift-nightly', kind: 'drift', status: 'pass' }],
        approvals: [
          {
            role: 'accountable',
            approver: 'user:default/margaret',
            roleRef: 'user:default/margaret',
          },
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

  it('requires a drift tolerance (or a reason to be exempt) on every field when data risk is high', () => {
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
    // One tolerance missing on one of several fields is enough to fail, by name.
    expect(unmet(base(without('plan'), { decision: 'start-review' }))).toEqual([
      'data-contracts: No drift tolerance (or driftExempt reason) on: subscriber-activity.plan',
    ]);
    const noDrift = without(
      'tenure_months',
      'monthly_spend',
      'plan',
      'last_login',
    );
    expect(unmet(base(noDrift, { decision: 'start-review' }))).toEqual([
      'data-contracts: No drift tolerance (or driftExempt reason) on: subscriber-activity.tenure_months, subscriber-activity.monthly_spend, subscriber-activity.plan, subscriber-activity.last_login',
    ]);
    expect(
      unmet(
        base(
          { ...spec, dataContracts: undefined },
          { decision: 'start-review' },
        ),
      ),
    ).toEqual([
      'data-contracts: The spec has no data contract',
      'data-quality: A data contract has no quality thresholds',
    ]);
  });

  it('requires owners that resolve to real catalog entities before hand-off', () => {
    const spec = example('demand-forecast');
    expect(
      unmet(
        base(spec, {
          ownersResolve: { operatingOwner: false, supportPath: true },
          approvals: [
            {
              role: 'accountable',
              approver: 'user:default/ada',
              roleRef: 'user:default/ada',
            },
          ],
        }),
      ),
    ).toEqual([
      'operating-owner: group:default/sre is not a Group or User in the catalog',
    ]);
  });

  it('blocks everything but the honest outcomes when the spec is missing or invalid', () => {
    expect(unmet(base(undefined, { decision: 'start-pilot' }))).toEqual([
      'spec-valid: The entity has no handoff spec',
      'success-criteria: The spec lists no success criteria',
    ]);
    expect(
      unmet(
        base(undefined, { decision: 'start-review', specState: 'invalid' }),
      )[0],
    ).toBe('spec-valid: The latest handoff spec is invalid');
    for (const decision of ['harden', 'reframe', 'stop'] as const) {
      expect(evaluateGate(base(undefined, { decision }))).toEqual({
        decision,
        met: true,
        requirements: [],
      });
    }
  });

  it('lets a handed-off capability operate only once the transfer is accepted', () => {
    const spec = example('demand-forecast');
    expect(unmet(base(spec, { decision: 'operate' }))).toEqual([
      'transfer-accepted: The ownership transfer is still pending',
    ]);
    expect(
      evaluateGate(base(spec, { decision: 'operate', transferAccepted: true }))
        .met,
    ).toBe(true);
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
      'separation-of-duties: Separation of duties: the accountable and the compliance approvals must come from two different people',
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
      "pilot-evidence: The spec's pilot section lacks who validated it (pilot.validatedBy), usage figures (pilot.usage), a link to the feedback (pilot.feedback)",
    ]);
    expect(
      unmet(
        base(
          { ...sample, pilot: { validatedBy: sample.pilot!.validatedBy } },
          { decision: 'start-review' },
        ),
      ),
    ).toEqual([
      "pilot-evidence: The spec's pilot section lacks usage figures (pilot.usage), a link to the feedback (pilot.feedback)",
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
      ...handOff,
      'operated-by-builder: The operating owner group:default/customer-support is not the catalog owner group:default/payments: hand it off instead',
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
    const ids = unmet(base(sample, { decision: 'hand-off', checks })).map(
      r => r.split(':')[0],
    );
    expect(ids).toContain('checks');
    expect(ids).not.toContain('review-required');
  });
});
