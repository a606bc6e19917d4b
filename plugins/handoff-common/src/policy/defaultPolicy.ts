import type { GatePolicy, PolicyDecision } from './schema';

const REVIEW: PolicyDecision[] = ['start-review'];
const HAND_OFF: PolicyDecision[] = ['hand-off', 'operate-without-hand-off'];
const BOTH: PolicyDecision[] = [...REVIEW, ...HAND_OFF];

/**
 * The gate policy Handoff ships with, proportional to risk: ready means
 * reliable enough for the actual risk profile, not perfect. A low-tier
 * hand-off needs intent, acceptance criteria, a named operating owner who
 * exists in the catalog and a rollback procedure; medium adds success
 * criteria, a test plan, the data contracts and SLOs its dimensions call for,
 * the pilot's evidence and the accountable approval; high adds features, the
 * model's failure modes and evaluation, NFRs, regulatory constraints, a
 * complete deployment checklist, dashboards, a support path, passing checks
 * and the compliance approval. Operating without a hand-off needs what a
 * hand-off needs. Write your own as YAML and point `handoff.policy` at it.
 *
 * @public
 */
export const DEFAULT_GATE_POLICY: GatePolicy = {
  apiVersion: 'handoff.dev/v1alpha1',
  kind: 'GatePolicy',
  reviewCadenceDays: { low: 180, medium: 90, high: 30 },
  sla: {
    handoffAcceptance: { low: 15, medium: 10, high: 5 },
    readinessReview: { low: 20, medium: 15, high: 10 },
  },
  rules: [
    {
      id: 'pilot-success-criteria',
      description: 'Measurable success criteria for the pilot',
      decisions: ['start-pilot'],
      require: { artifact: 'successCriteria' },
    },
    {
      id: 'intent',
      description: 'The problem it solves (intent)',
      decisions: BOTH,
      require: { artifact: 'intent.problem' },
    },
    {
      id: 'acceptance-criteria',
      description: 'Acceptance criteria',
      decisions: BOTH,
      require: { artifact: 'acceptanceCriteria' },
    },
    {
      id: 'rollback',
      description: 'A rollback procedure',
      decisions: HAND_OFF,
      require: { artifact: 'deployment.rollback.procedure' },
    },
    {
      id: 'operating-owner',
      description: 'An operating owner that exists in the catalog',
      decisions: HAND_OFF,
      require: { owner: 'operatingOwner' },
    },
    {
      id: 'transfer-accepted',
      description: 'The operating owner accepted the hand-off',
      decisions: ['operate-after-hand-off'],
      require: { transfer: 'accepted' },
    },
    // Medium tier and up.
    {
      id: 'success-criteria',
      description: 'Measurable success criteria',
      decisions: BOTH,
      when: { tier: 'medium' },
      require: { artifact: 'successCriteria' },
    },
    {
      id: 'test-plan',
      description: 'A test plan',
      decisions: BOTH,
      when: { tier: 'medium' },
      require: { artifact: 'testPlan.cases' },
    },
    {
      id: 'pilot-evidence',
      description:
        "The pilot's evidence: who validated it, usage figures and feedback",
      decisions: REVIEW,
      when: { tier: 'medium' },
      require: {
        artifact: ['pilot.validatedBy', 'pilot.usage', 'pilot.feedback'],
      },
    },
    {
      id: 'data-contracts',
      description:
        'Data contracts with a drift tolerance (or a reason to be exempt) on every field',
      decisions: BOTH,
      when: { data: 'medium' },
      require: {
        artifact: 'dataContracts[*].fields[*].(driftTolerance|driftExempt)',
      },
    },
    {
      id: 'data-quality',
      description: 'Quality thresholds on every data contract',
      decisions: BOTH,
      when: { data: 'medium' },
      require: { artifact: 'dataContracts[*].quality' },
    },
    {
      id: 'slos',
      description: 'SLOs (the capability others depend on)',
      decisions: HAND_OFF,
      when: { operationalDependency: 'medium' },
      require: { artifact: 'observability.slos' },
    },
    {
      id: 'approval-accountable',
      description: 'Approval by the accountable owner',
      decisions: HAND_OFF,
      when: { tier: 'medium' },
      require: { approval: 'accountable' },
    },
    // High tier.
    {
      id: 'features',
      description: 'Features with success metrics',
      decisions: BOTH,
      when: { tier: 'high' },
      require: { artifact: 'features' },
    },
    {
      id: 'model-failure-modes',
      description: 'Model failure modes with mitigations (a model is used)',
      decisions: BOTH,
      when: { tier: 'high', has: 'model' },
      require: { artifact: 'model.failureModes' },
    },
    {
      id: 'model-evaluation',
      description: 'A model evaluation metric (a model is used)',
      decisions: BOTH,
      when: { tier: 'high', has: 'model' },
      require: { artifact: 'model.evaluationMetric' },
    },
    {
      id: 'nfr',
      description: 'Non-functional requirements (customers feel it)',
      decisions: BOTH,
      when: { tier: 'high', customerImpact: 'medium' },
      require: { artifact: 'nonFunctionalRequirements' },
    },
    {
      id: 'regulatory',
      description: 'Regulatory constraints (compliance risk)',
      decisions: BOTH,
      when: { tier: 'high', compliance: 'medium' },
      require: { artifact: 'regulatoryConstraints' },
    },
    {
      id: 'deployment-checklist',
      description: 'Deployment checklist complete',
      decisions: HAND_OFF,
      when: { tier: 'high' },
      require: { artifact: 'deployment.checklist[*].done' },
    },
    {
      id: 'dashboards',
      description: 'Observability dashboards',
      decisions: HAND_OFF,
      when: { tier: 'high' },
      require: { artifact: 'observability.dashboards' },
    },
    {
      id: 'support-path',
      description: 'A support path that exists in the catalog',
      decisions: HAND_OFF,
      when: { tier: 'high' },
      require: { owner: 'supportPath' },
    },
    {
      id: 'checks',
      description: 'Latest check results pass',
      decisions: [...BOTH, 'operate-after-hand-off'],
      when: { tier: 'high' },
      require: { checks: {} },
    },
    {
      id: 'approval-compliance',
      description:
        'Approval by a compliance approver (compliance risk is high)',
      decisions: HAND_OFF,
      when: { compliance: 'high' },
      require: { approval: 'compliance' },
    },
  ],
};
