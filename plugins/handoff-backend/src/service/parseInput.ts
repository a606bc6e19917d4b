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
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .flatMap(plainIssues)
      .map(i => `${i.path.length ? formatPath(i.path) : what}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${issues}`);
  }
  return result.data;
}
