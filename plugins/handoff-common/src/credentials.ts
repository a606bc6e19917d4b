import { z } from 'zod';

/**
 * A check credential: a token one capability's CI posts its check results
 * with, and nothing else. Only its hash is stored; the token is shown once.
 *
 * @public
 */
export type CheckCredential = {
  id: number;
  entityRef: string;
  name: string;
  /** The token's first characters, to tell tokens apart. */
  prefix: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt?: string;
  revokedBy?: string;
  revokedAt?: string;
  /** active, expired or revoked, as of the answer. */
  status: 'active' | 'expired' | 'revoked';
};

/**
 * A credential just created, with its token: the only time it is shown.
 *
 * @public
 */
export type CreatedCheckCredential = CheckCredential & { token: string };

/** @public */
export const CHECK_CREDENTIAL_MAX_DAYS = 365;

/**
 * Body of `POST /credentials/:kind/:namespace/:name`.
 *
 * @public
 */
export const checkCredentialRequestSchema = z.strictObject({
  /** What uses it, e.g. "github-actions nightly". */
  name: z
    .string()
    .trim()
    .min(1, 'must name what uses it')
    .max(100, 'must be at most 100 characters'),
  /** Days until it stops working: 1 to 365, by default 90. */
  expiresInDays: z
    .number()
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 day')
    .max(
      CHECK_CREDENTIAL_MAX_DAYS,
      `must be at most ${CHECK_CREDENTIAL_MAX_DAYS} days`,
    )
    .default(90),
});

/** @public */
export type CheckCredentialRequest = z.input<
  typeof checkCredentialRequestSchema
>;
