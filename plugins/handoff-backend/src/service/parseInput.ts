import { InputError } from '@backstage/errors';
import {
  formatPath,
  plainIssues,
} from '@handoff/backstage-plugin-handoff-common';
import { z } from 'zod';

/** Parses with a zod schema, turning a failure into a 400 that names each field. */
export function parseInput<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
  const nul = nulPath(value, []);
  if (nul) {
    // PostgreSQL cannot store NUL characters, and no field needs one.
    throw new InputError(
      `Invalid ${what}: ${
        nul.length ? formatPath(nul) : what
      }: must not contain NUL characters`,
    );
  }
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) {
    const issues = result.error.issues
      .flatMap(plainIssues)
      .map(i => `${i.path.length ? formatPath(i.path) : what}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${issues}`);
  }
  return result.data;
}

/** The path of the first string (or key) holding a NUL character, if any. */
function nulPath(value: unknown, at: PropertyKey[]): PropertyKey[] | undefined {
  if (typeof value === 'string') return value.includes('\0') ? at : undefined;
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\0')) return [...at, key];
      const found = nulPath(inner, [
        ...at,
        Array.isArray(value) ? Number(key) : key,
      ]);
      if (found) return found;
    }
  }
  return undefined;
}
