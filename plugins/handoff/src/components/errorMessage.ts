import { ResponseError } from '@backstage/errors';

/** The server's own words for a failed request (its error message), else the error's. */
export function errorMessage(error: unknown): string {
  if (
    error instanceof ResponseError ||
    (error as ResponseError)?.name === 'ResponseError'
  ) {
    const body = (error as ResponseError).body;
    if (body?.error?.message) return body.error.message;
  }
  return (error as Error)?.message ?? String(error);
}
