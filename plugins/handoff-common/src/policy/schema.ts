import { z } from 'zod';
import { ownerRefSchema, riskLevelSchema } from '../spec/schema';

/**
 * The gate policy (`handoff.policy`): what each decision needs, per risk tier
 * and risk dimension, as rules a platform team writes in one YAML file. Every
 * object is strict, like the spec's.
 *
 * @public
 */

export const GATE_POLICY_KIND = 'GatePolicy';

/**
 * The decisions a policy can gate. Operating is two decisions here: after a
 * hand-off (the receiving owner accepted it) and without one (the team that
 * built it runs it, from the readiness review). Harden, reframe and stop are
 * honest outcomes and never gated.
 *
 * @public
 */
export const POLICY_DECISIONS = [
  'start-pilot',
  'start-review',
  'hand-off',
  'operate-without-hand-off',
  'operate-after-hand-off',
  'review',
] as const;

/** @public */
export type PolicyDecision = (typeof POLICY_DECISIONS)[number];

const text = z.string().trim().min(1, 'must not be empty');

const ruleId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a lower-case id like rollback');

/**
 * A path into the spec: `acceptanceCriteria`, `deployment.rollback.procedure`;
 * `[*]` stands for every item of a list or every entry of a mapping, and
 * `(a|b)` for either of two keys, as in
 * `dataContracts[*].fields[*].(driftTolerance|driftExempt)`.
 */
export const specPathSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9]*(\[\*\])?(\.([A-Za-z][A-Za-z0-9]*|\([A-Za-z][A-Za-z0-9]*(\|[A-Za-z][A-Za-z0-9]*)+\))(\[\*\])?)*$/,
    'must be a path into the spec, like deployment.rollback.procedure or dataContracts[*].fields[*].driftTolerance',
  );

const checkKindSchema = z.enum(['drift', 'schema', 'test', 'quality', 'other']);

/** When a rule applies: every condition given must hold. */
export const policyConditionSchema = z.strictObject({
  /** The overall risk tier (the highest dimension) is at least this. */
  tier: riskLevelSchema.optional(),
  data: riskLevelSchema.optional(),
  customerImpact: riskLevelSchema.optional(),
  compliance: riskLevelSchema.optional(),
  operationalDependency: riskLevelSchema.optional(),
  /** The spec carries this section (e.g. `model`). */
  has: specPathSchema.optional(),
});

const REQUIREMENT_KINDS = [
  'artifact',
  'owner',
  'approval',
  'checks',
  'transfer',
  'work',
] as const;

/**
 * What a rule requires: exactly one of these.
 *
 * @public
 */
export const policyRequirementSchema = z
  .strictObject({
    /** Sections of the spec that must be there (all of them, when a list). */
    artifact: z
      .union([specPathSchema, z.array(specPathSchema).min(1)])
      .optional(),
    /** A spec owner that must be named and exist as a Group or User in the catalog. */
    owner: z.enum(['operatingOwner', 'supportPath']).optional(),
    /** An approval: by the accountable owner, a compliance approver, or a member of a named group. */
    approval: z
      .union([z.enum(['accountable', 'compliance']), ownerRefSchema])
      .optional(),
    /** The latest result of every check (of these kinds, when given) passes. */
    checks: z
      .strictObject({ kinds: z.array(checkKindSchema).min(1).optional() })
      .optional(),
    /** The receiving owner accepted the hand-off. */
    transfer: z.literal('accepted').optional(),
    /**
     * Every work item from these sources is done (or won't do), e.g. the
     * take-over and delivery work before operating after a hand-off.
     */
    work: z
      .strictObject({
        done: z
          .array(
            z.enum([
              'take-over',
              'delivery',
              'harden',
              'next-change',
              'breach',
            ]),
          )
          .min(1, 'must name at least one source of work'),
      })
      .optional(),
  })
  .refine(
    r => REQUIREMENT_KINDS.filter(k => r[k] !== undefined).length === 1,
    `must name exactly one of ${REQUIREMENT_KINDS.join(', ')}`,
  );

/** @public */
export const policyRuleSchema = z.strictObject({
  /** Shown on the gate and kept in each decision's snapshot. */
  id: ruleId,
  /** The requirement in plain words, as the gate checklist shows it. */
  description: text,
  decisions: z.array(z.enum(POLICY_DECISIONS)).min(1, 'must name a decision'),
  when: policyConditionSchema.optional(),
  require: policyRequirementSchema,
});

const days = z.number().int().positive('must be a positive number of days');

/**
 * Who may grant exceptions, and what no exception waives. Whoever grants
 * also needs the `handoff.exception.approve` permission, and is never the
 * requester or the decision's recorder.
 *
 * @public
 */
export const exceptionPolicySchema = z.strictObject({
  /** Requirements (rule ids, or spec-valid) that can never be waived. */
  neverWaived: z.array(ruleId).optional(),
  /** Per risk tier, the groups or users one of whom must grant (by default anyone holding the permission). */
  grantors: z
    .strictObject({
      low: z.array(ownerRefSchema).min(1, 'must name a group or user'),
      medium: z.array(ownerRefSchema).min(1, 'must name a group or user'),
      high: z.array(ownerRefSchema).min(1, 'must name a group or user'),
    })
    .partial()
    .optional(),
});

const tierDays = z
  .strictObject({ low: days, medium: days, high: days })
  .partial();

/**
 * Turnarounds the policy promises, in working days (Monday to Friday) per
 * risk tier: a hand-off waiting longer for acceptance, or a readiness
 * review open longer, is an audit gap and its owner is told once.
 *
 * @public
 */
export const slaPolicySchema = z.strictObject({
  /** From the hand-off to the receiving owner's acceptance. */
  handoffAcceptance: tierDays.optional(),
  /** From starting the readiness review to the decision that concludes it. */
  readinessReview: tierDays.optional(),
});

/** @public */
export const gatePolicySchema = z.strictObject({
  apiVersion: z.literal('handoff.dev/v1alpha1', {
    message: 'must be handoff.dev/v1alpha1',
  }),
  kind: z.literal(GATE_POLICY_KIND, { message: `must be ${GATE_POLICY_KIND}` }),
  /** The longest time between reviews, per risk tier. */
  reviewCadenceDays: z.strictObject({ low: days, medium: days, high: days }),
  /** Who may grant exceptions per tier, and which requirements none waives. */
  exceptions: exceptionPolicySchema.optional(),
  /** Turnaround targets in working days per risk tier. */
  sla: slaPolicySchema.optional(),
  rules: z.array(policyRuleSchema).superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (seen.has(rule.id)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'id'],
          message: `is used by an earlier rule; rule ids must be unique`,
        });
      }
      seen.add(rule.id);
    });
  }),
});

/** @public */
export type GatePolicy = z.infer<typeof gatePolicySchema>;
/** @public */
export type PolicyRule = z.infer<typeof policyRuleSchema>;
/** @public */
export type PolicyRequirement = z.infer<typeof policyRequirementSchema>;
