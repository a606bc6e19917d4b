export {
  GATE_POLICY_KIND,
  POLICY_DECISIONS,
  gatePolicySchema,
  policyRequirementSchema,
  policyRuleSchema,
} from './schema';
export type {
  GatePolicy,
  PolicyDecision,
  PolicyRule,
  PolicyRequirement,
} from './schema';
export { DEFAULT_GATE_POLICY } from './defaultPolicy';
export { isPlaceholder, missingAt, unfinishedAt } from './paths';
export { validateGatePolicy, gatePolicyJsonSchema } from './validate';
