import { z } from 'zod';
import { DECISIONS } from './lifecycle';
import { httpUrlSchema, ownerRefSchema } from './spec/schema';

/**
 * How long an exception's justification must at least be.
 *
 * @public
 */
export const EXCEPTION_JUSTIFICATION_MIN_LENGTH = 20;

const said = (what: string) =>
  z.string().trim().min(1, `must say ${what}`).max(10_000);

/**
 * What a review cycle measured for one success criterion of the spec.
 *
 * @public
 */
export const kpiReadingSchema = z.strictObject({
  /** The success criterion, by its metric as the spec names it. */
  metric: said('which success criterion (its metric)'),
  measured: z.union([
    z.number(),
    z.string().trim().min(1, 'must say what was measured').max(200),
  ]),
  /** Whether it met the criterion's target, as the reviewer judges it. */
  met: z.boolean({ message: 'must say whether it met its target' }),
});

/** @public */
export type KpiReading = z.infer<typeof kpiReadingSchema>;

/**
 * The readout of a periodic review: what a cycle of use showed, and what the
 * next cycle will change.
 *
 * @public
 */
export const reviewReadoutSchema = z.strictObject({
  /** Usage since the last review: a figure with its unit and period, or a link to it. */
  usage: z.union([
    z.strictObject({
      value: z.number().nonnegative('must be zero or more'),
      unit: said('the unit, like predictions or active users'),
      period: said('the period, like per week'),
    }),
    z.strictObject({
      link: httpUrlSchema(
        'must be an http or https link, like https://grafana.example.com/d/usage',
      ),
    }),
  ]),
  /** Known friction: what users or operators struggle with. */
  friction: said('what friction users or operators met (or "none")'),
  /** Incidents and exceptions since the last review. */
  incidents: said('which incidents and exceptions happened (or "none")'),
  /** The owner confirms they still own and run it. */
  ownerConfirmed: z.literal(true, {
    message: 'the owner must confirm they still own it',
  }),
  /** What the next cycle will change: the previous version is the requirements for the next. */
  nextChange: said('what the next cycle will change'),
  /** What this cycle measured for the spec's success criteria. */
  kpis: z
    .array(kpiReadingSchema)
    .max(50, 'must be at most 50 readings')
    .superRefine((kpis, ctx) => {
      const seen = new Set<string>();
      kpis.forEach((k, i) => {
        const key = k.metric.toLocaleLowerCase('en-US');
        if (seen.has(key)) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'metric'],
            message: 'is measured twice in this review',
          });
        }
        seen.add(key);
      });
    })
    .optional(),
});

/** @public */
export type ReviewReadout = z.infer<typeof reviewReadoutSchema>;

/**
 * Body of `POST /decisions/:kind/:namespace/:name`.
 *
 * @public
 */
export const decisionRequestSchema = z
  .strictObject({
    decision: z.enum(DECISIONS),
    rationale: z.string().trim().min(1, 'must say why').max(10_000),
    /** The sequence of the latest decision the caller saw (0 when there was none). */
    expectedSequence: z.number().int().min(0),
    /** The spec version the decision judged; must be the latest. */
    specVersion: z.number().int().positive().optional(),
    /** Defaults from the risk tier: high 30 days, medium 90, low 180. */
    nextReviewAt: z.iso.date().optional(),
    /**
     * No longer part of a decision: an unmet requirement is waived by an
     * exception another person grants (`POST /exceptions/…`).
     */
    exception: z.unknown().optional(),
    /** A review's readout; required for `review`, and only for it. */
    readout: reviewReadoutSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.exception !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['exception'],
        message:
          'a decision no longer carries its own exception: request an exception for the unmet requirement on the Handoff tab, and another person grants it',
      });
    }
    if (body.decision === 'review' && !body.readout) {
      ctx.addIssue({
        code: 'custom',
        path: ['readout'],
        message:
          'a review needs its readout: usage, friction, incidents, the owner confirming ownership and what the next cycle changes',
      });
    }
    if (body.decision !== 'review' && body.readout) {
      ctx.addIssue({
        code: 'custom',
        path: ['readout'],
        message: 'only a review carries a readout',
      });
    }
  });

/** @public */
export type DecisionRequest = z.infer<typeof decisionRequestSchema>;

/**
 * Body of `POST /approvals/:kind/:namespace/:name`.
 *
 * @public
 */
export const approvalRequestSchema = z.strictObject({
  decision: z.enum(DECISIONS),
  /** accountable, compliance, or the group a gate policy names (group:default/security). */
  role: z.union([
    z.enum(['accountable', 'compliance']),
    ownerRefSchema.refine(ref => /^group:/i.test(ref), {
      message: 'must be accountable, compliance or a group ref',
    }),
  ]),
  comment: z.string().max(10_000).optional(),
});

/** @public */
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

/**
 * Body of `POST /checks/:kind/:namespace/:name`, posted by CI and data pipelines.
 *
 * @public
 */
export const checkResultRequestSchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9._-]{0,99}$/,
      'must be a lower-case name like drift-nightly',
    ),
  kind: z.enum(['drift', 'schema', 'test', 'quality', 'other']),
  status: z.enum(['pass', 'fail']),
  value: z.number().optional(),
  details: z.string().max(10_000).optional(),
  link: httpUrlSchema(
    'must be an http or https link, like https://ci.example.com/runs/42',
  ).optional(),
});

/** @public */
export type CheckResultRequest = z.infer<typeof checkResultRequestSchema>;

/**
 * Query of `GET /audit` and `GET /audit.csv`.
 *
 * @public
 */
export const auditQuerySchema = z.strictObject({
  entityRef: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Only entries with an id below this one (for paging back in time). */
  before: z.coerce.number().int().positive().optional(),
});

/**
 * Body of `POST /registrations`: a capability just created records its first state.
 *
 * @public
 */
export const registrationRequestSchema = z.strictObject({
  entityRef: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]*:[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/i,
      'must be a full entity ref like component:default/churn-model',
    )
    .max(512),
});

/** @public */
export type RegistrationRequest = z.infer<typeof registrationRequestSchema>;
