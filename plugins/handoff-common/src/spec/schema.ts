import { z } from 'zod';

/**
 * The handoff spec (`handoff.yaml`): the machine-readable contract between
 * product and engineering for one capability. Every object is strict: an
 * unknown key is an error, so a typo never silently drops an artifact.
 * Sections other than intent and risk are optional here; which of them a
 * capability must carry depends on its risk profile and stage (see gates).
 */

/**
 * The version of the format this schema reads.
 *
 * @public
 */
export const HANDOFF_SPEC_API_VERSION = 'handoff.dev/v1alpha1';
/** @public */
export const HANDOFF_SPEC_KIND = 'HandoffSpec';

/**
 * Text with something in it. Checked as a pattern (not by trimming first) so
 * the JSON Schema editors use refuses whitespace-only text just the same.
 */
const text = z.string().regex(/\S/, 'must not be empty').trim();

/**
 * A catalog entity ref to a Group or User, e.g. `group:default/sre` or `user:ada`.
 *
 * @public
 */
export const ownerRefSchema = z
  .string()
  // Case-insensitive as the catalog compares refs, spelled out: a regex
  // flag would not reach the JSON Schema.
  .regex(
    /^([Gg][Rr][Oo][Uu][Pp]|[Uu][Ss][Ee][Rr]):([A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'must be a group or user entity ref, like group:default/sre or user:ada',
  );

/**
 * An http or https URL; other schemes (javascript:, file:, data:) are refused.
 *
 * @public
 */
export const httpUrlSchema = (message: string) =>
  // A pattern, not a URL parser, so the JSON Schema says exactly the same:
  // http or https, a host without spaces or credentials, then anything but
  // whitespace.
  z
    .string()
    .regex(/^https?:\/\/[^\s/?#@]+(:[0-9]{1,5})?([/?#][^\s]*)?$/, message);

const link = z.strictObject({
  title: text,
  url: httpUrlSchema(
    'must be an http or https URL, like https://grafana.example.com/d/abc',
  ),
});

/** @public */
export const riskLevelSchema = z.enum(['low', 'medium', 'high']);

/** @public */
export const riskProfileSchema = z.strictObject({
  /** Sensitivity of the data the capability reads or produces. */
  data: riskLevelSchema,
  /** How much customers feel it when it is wrong or down. */
  customerImpact: riskLevelSchema,
  /** Regulatory and legal exposure. */
  compliance: riskLevelSchema,
  /** How much other systems and people depend on it running. */
  operationalDependency: riskLevelSchema,
});

export const successCriterionSchema = z.strictObject({
  metric: text,
  target: z.union([z.number(), text]),
  unit: text.optional(),
  /** How and where the metric is measured. */
  measuredBy: text,
});

export const nonFunctionalRequirementSchema = z.strictObject({
  category: z.enum([
    'performance',
    'availability',
    'security',
    'privacy',
    'scalability',
    'accessibility',
    'cost',
    'other',
  ]),
  requirement: text,
});

export const regulatoryConstraintSchema = z.strictObject({
  regulation: text,
  requirement: text,
});

const fieldTypeSchema = z.enum([
  'string',
  'integer',
  'number',
  'boolean',
  'date',
  'timestamp',
  'enum',
]);

export const driftToleranceSchema = z.strictObject({
  /** The drift statistic: population stability index, Kolmogorov-Smirnov, ... */
  metric: z.enum(['psi', 'ks', 'mean-shift', 'null-rate', 'category-share']),
  /** The largest value of the statistic that is still acceptable. */
  threshold: z.number().nonnegative('must be zero or more'),
});

/** @public */
export const dataFieldSchema = z
  .strictObject({
    type: fieldTypeSchema,
    description: text.optional(),
    nullable: z.boolean().optional(),
    range: z
      .strictObject({ min: z.number().optional(), max: z.number().optional() })
      .refine(
        r => r.min === undefined || r.max === undefined || r.min <= r.max,
        {
          message: 'min must not be greater than max',
          path: ['max'],
        },
      )
      .optional(),
    /** Allowed values, for `type: enum`. */
    values: z.array(text).min(1, 'must list at least one value').optional(),
    driftTolerance: driftToleranceSchema.optional(),
    /** Why this field needs no drift tolerance (an identifier, say). */
    driftExempt: text.optional(),
  })
  .refine(f => f.type !== 'enum' || f.values !== undefined, {
    message: 'an enum field must list its allowed values',
    path: ['values'],
  })
  .refine(f => !(f.driftTolerance && f.driftExempt), {
    message:
      'a field has either a drift tolerance or a reason to be exempt, not both',
    path: ['driftExempt'],
  });

const fraction = z
  .number()
  .min(0, 'must be between 0 and 1')
  .max(1, 'must be between 0 and 1');

/** @public */
export const dataContractSchema = z.strictObject({
  name: text,
  description: text.optional(),
  provenance: z.strictObject({
    /** The system the data comes from. */
    sourceSystem: text,
    owner: ownerRefSchema.optional(),
    refresh: text.optional(),
  }),
  fields: z
    .record(
      z
        .string()
        .regex(
          /^(?!(__proto__|constructor|prototype)$)[A-Za-z_][A-Za-z0-9_]*$/,
          'must be a plain field name (and not __proto__, constructor or prototype)',
        ),
      dataFieldSchema,
    )
    .refine(f => Object.keys(f).length > 0, 'must describe at least one field'),
  quality: z
    .strictObject({
      /** Share of non-null values required, 0 to 1. */
      completeness: fraction.optional(),
      /** Largest acceptable age of the newest record, e.g. 24h or 7d. */
      freshness: z
        .string()
        .regex(/^\d+(m|h|d)$/, 'must be a duration like 30m, 24h or 7d')
        .optional(),
      /** Share of unique keys required, 0 to 1. */
      uniqueness: fraction.optional(),
    })
    .optional(),
});

export const featureSchema = z.strictObject({
  name: text,
  description: text.optional(),
  successMetric: text,
});

const namedItem = z.strictObject({ name: text, description: text.optional() });

export const modelRequirementsSchema = z.strictObject({
  inputs: z.array(namedItem).min(1, 'must list at least one input'),
  outputs: z.array(namedItem).min(1, 'must list at least one output'),
  failureModes: z.array(
    z.strictObject({
      mode: text,
      detection: text.optional(),
      mitigation: text,
    }),
  ),
  /** What happens when the model is unavailable or not trusted. */
  fallback: text.optional(),
  evaluationMetric: z
    .strictObject({ name: text, threshold: z.number() })
    .optional(),
});

export const testPlanSchema = z.strictObject({
  strategy: text.optional(),
  cases: z
    .array(
      z.strictObject({
        name: text,
        type: z.enum([
          'unit',
          'integration',
          'end-to-end',
          'load',
          'data-quality',
          'model-evaluation',
          'manual',
        ]),
        description: text.optional(),
      }),
    )
    .min(1, 'must list at least one test case'),
});

export const deploymentSchema = z.strictObject({
  checklist: z
    .array(z.strictObject({ item: text, done: z.boolean().optional() }))
    .min(1, 'must list at least one item'),
  rollback: z
    .strictObject({
      procedure: text,
      /** How long a rollback may take, in minutes. */
      maxMinutes: z.number().int().positive().optional(),
    })
    .optional(),
});

export const observabilitySchema = z.strictObject({
  dashboards: z.array(link).optional(),
  kpis: z
    .array(z.strictObject({ name: text, target: text.optional() }))
    .optional(),
  slos: z
    .array(
      z.strictObject({
        name: text,
        /** Percentage, e.g. 99.9. */
        objective: z
          .number()
          .gt(0, 'must be above 0')
          .max(100, 'must be at most 100'),
        window: text.optional(),
      }),
    )
    .optional(),
  alerts: z.array(link).optional(),
});

export const ownersSchema = z.strictObject({
  /** The group or user that will run the capability after hand-off. */
  operatingOwner: ownerRefSchema.optional(),
  /** Where users go for help: the group or user on the support rota. */
  supportPath: ownerRefSchema.optional(),
  raci: z
    .strictObject({
      responsible: z.array(ownerRefSchema).optional(),
      accountable: ownerRefSchema.optional(),
      consulted: z.array(ownerRefSchema).optional(),
      informed: z.array(ownerRefSchema).optional(),
    })
    .optional(),
});

/**
 * Work that moves to a delivery team at hand-off: each entry becomes a work
 * item (and a ticket in the team's tracker) when the hand-off is recorded.
 *
 * @public
 */
export const deliveryWorkSchema = z.strictObject({
  title: text,
  description: text.optional(),
  /** The team (or person) that takes the work on. */
  team: ownerRefSchema,
  /** The parts of the spec it concerns, e.g. dataContracts or testPlan. */
  specPaths: z.array(text).optional(),
});

/**
 * What the pilot showed: the input a readiness review judges.
 *
 * @public
 */
export const pilotEvidenceSchema = z.strictObject({
  /** The users (or their teams) who tried the pilot and validated it. */
  validatedBy: z
    .array(
      z.strictObject({
        who: text,
        /** What they validated, in their words. */
        finding: text.optional(),
        date: z.iso.date('must be a date like 2026-05-01').optional(),
      }),
    )
    .optional(),
  /** Usage figures, each a number with its unit and period. */
  usage: z
    .array(
      z.strictObject({
        metric: text,
        value: z.number().nonnegative('must be zero or more'),
        unit: text,
        period: text,
      }),
    )
    .optional(),
  /** Where the users' feedback is kept. */
  feedback: z.array(link).optional(),
  /** Where the pilot's exceptions and incidents are logged. */
  exceptionLogs: z.array(link).optional(),
  /** What the pilot showed it cannot do (yet). */
  knownConstraints: z.array(text).optional(),
});

/** @public */
export const handoffSpecSchema = z.strictObject({
  apiVersion: z.literal(HANDOFF_SPEC_API_VERSION, {
    message: `must be ${HANDOFF_SPEC_API_VERSION}`,
  }),
  kind: z.literal(HANDOFF_SPEC_KIND, {
    message: `must be ${HANDOFF_SPEC_KIND}`,
  }),
  intent: z.strictObject({
    /** The problem, in the words of the people who have it. */
    problem: text,
    /** What will be different when the capability works. */
    outcome: text.optional(),
  }),
  successCriteria: z.array(successCriterionSchema).optional(),
  acceptanceCriteria: z.array(text).optional(),
  nonFunctionalRequirements: z.array(nonFunctionalRequirementSchema).optional(),
  risk: riskProfileSchema,
  regulatoryConstraints: z.array(regulatoryConstraintSchema).optional(),
  dataContracts: z.array(dataContractSchema).optional(),
  features: z.array(featureSchema).optional(),
  model: modelRequirementsSchema.optional(),
  testPlan: testPlanSchema.optional(),
  deployment: deploymentSchema.optional(),
  observability: observabilitySchema.optional(),
  owners: ownersSchema.optional(),
  pilot: pilotEvidenceSchema.optional(),
  /** Work that moves to delivery teams at hand-off. */
  deliveryWork: z.array(deliveryWorkSchema).optional(),
});

/** @public */
export type HandoffSpec = z.infer<typeof handoffSpecSchema>;
/** @public */
export type RiskLevel = z.infer<typeof riskLevelSchema>;
/** @public */
export type RiskProfile = z.infer<typeof riskProfileSchema>;
/** @public */
export type DataContract = z.infer<typeof dataContractSchema>;
/** @public */
export type DataField = z.infer<typeof dataFieldSchema>;
/** @public */
export type DeliveryWork = z.infer<typeof deliveryWorkSchema>;
/** @public */
export type PilotEvidence = z.infer<typeof pilotEvidenceSchema>;
