import { ServiceUnavailableError } from '@backstage/errors';
import { ErrorRequestHandler } from 'express';

/** Error codes of a database that cannot be reached (node, pg, knex). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now
  '57P01',
  '57P02',
  '57P03',
]);

function isUnreachable(error: unknown): boolean {
  const e = error as {
    code?: string;
    name?: string;
    message?: string;
    statusCode?: number;
    cause?: unknown;
  };
  if (!e || typeof e !== 'object') return false;
  if (e.code && UNREACHABLE.has(e.code)) return true;
  if (e.name === 'KnexTimeoutError') return true;
  if (
    /Connection terminated|Connection ended unexpectedly/.test(e.message ?? '')
  ) {
    return true;
  }
  // The catalog or the permission backend answered 5xx for the same reason.
  if (e.name === 'ResponseError' && (e.statusCode ?? 0) >= 500) return true;
  return e.cause !== undefined && e.cause !== error && isUnreachable(e.cause);
}

/**
 * While the database (or the catalog in front of it) cannot be reached, a
 * request fails fast with 503 and a plain message instead of a 500: a
 * client, a load balancer or a person knows to try again in a moment.
 */
export const unavailableWhileDependenciesAreDown: ErrorRequestHandler = (
  error,
  _req,
  _res,
  next,
) => {
  if (isUnreachable(error)) {
    next(
      new ServiceUnavailableError(
        'Handoff cannot reach its database or the catalog right now; nothing was changed. Try again in a moment.',
      ),
    );
    return;
  }
  next(error);
};
