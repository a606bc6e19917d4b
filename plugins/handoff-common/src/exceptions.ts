import { z } from 'zod';
import { EXCEPTION_JUSTIFICATION_MIN_LENGTH } from './requests';

/**
 * Where an exception request stands. `expired` is a granted exception whose
 * date has passed; `revoked` one withdrawn before its date (pending or granted).
 *
 * @public
 */
export const EXCEPTION_STATUSES = [
  'pending',
  'granted',
  'denied',
  'revoked',
  'expired',
] as const;

/** @public */
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

/**
 * What each status is called on the cards, the audit and the packet.
 *
 * @public
 */
export const EXCEPTION_STATUS_TITLES: Record<ExceptionStatus, string> = {
  pending: 'Waiting to be granted',
  granted: 'Granted',
  denied: 'Denied',
  revoked: 'Revoked',
  expired: 'Expired',
};

/**
 * A request to waive one requirement of a capability's gates until a date:
 * it waives nothing until another person, holding `handoff.exception.approve`,
 * grants it.
 *
 * @public
 */
export type HandoffException = {
  id: number;
  entityRef: string;
  /** The requirement's id (the policy rule's, or spec-valid). */
  requirement: string;
  /** The requirement in words, as the gate showed it when it was requested. */
  requirementDescription: string;
  justification: string;
  /** The last day it stands (YYYY-MM-DD, UTC): it ends at the start of the next. */
  until: string;
  status: ExceptionStatus;
  requestedBy: string;
  requestedAt: string;
  /** Who granted or denied it, when, and why. */
  answeredBy?: string;
  answeredAt?: string;
  answerNote?: string;
  revokedBy?: string;
  revokedAt?: string;
  revokeNote?: string;
};

const note = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `must say ${what}`)
    .max(2_000, 'must be at most 2,000 characters');

/**
 * Body of `POST /exceptions/:kind/:namespace/:name`.
 *
 * @public
 */
export const exceptionRequestSchema = z.strictObject({
  /** The unmet requirement to waive: its id, as the gate lists it. */
  requirement: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a requirement id like rollback'),
  justification: z
    .string()
    .trim()
    .min(
      EXCEPTION_JUSTIFICATION_MIN_LENGTH,
      `must explain the exception in at least ${EXCEPTION_JUSTIFICATION_MIN_LENGTH} characters`,
    )
    .max(2_000, 'must be at most 2,000 characters'),
  /** The last day it stands; by default, and at most, one review cadence from today. */
  until: z.iso.date('must be a date like 2027-01-31').optional(),
});

/** @public */
export type ExceptionRequest = z.infer<typeof exceptionRequestSchema>;

/**
 * Body of `POST /exceptions/:kind/:namespace/:name/:id/answer`.
 *
 * @public
 */
export const exceptionAnswerSchema = z.strictObject({
  answer: z.enum(['grant', 'deny']),
  note: note('why'),
});

/** @public */
export type ExceptionAnswer = z.infer<typeof exceptionAnswerSchema>;

/**
 * Body of `POST /exceptions/:kind/:namespace/:name/:id/revoke`.
 *
 * @public
 */
export const exceptionRevokeSchema = z.strictObject({ note: note('why') });

/**
 * Whether an exception is in force on a day: granted, and its last day not
 * passed.
 *
 * @public
 */
export function exceptionStands(
  exception: Pick<HandoffException, 'status' | 'until'>,
  now = new Date(),
): boolean {
  return (
    exception.status === 'granted' &&
    now.toISOString().slice(0, 10) <= exception.until
  );
}
