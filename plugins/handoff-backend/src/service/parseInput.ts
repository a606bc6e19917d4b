import { InputError } from '@backstage/errors';
import {
  formatPath,
  plainIssues,
} from '@handoff/backstage-plugin-handoff-common';
import { z } from 'zod';

/** How deep a request's objects and lists may nest; no field of the API nests more than a few levels. */
const MAX_INPUT_DEPTH = 64;

/** Parses with a zod schema, turning a failure into a 400 that names each field. */
export function parseInput<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
  const odd = oddPath(value);
  if (odd) {
    throw new InputError(
      `Invalid ${what}: ${odd.at.length ? formatPath(odd.at) : what}: ${
        odd.problem
      }`,
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

/**
 * The path of the first string (or key) holding a NUL character, which
 * PostgreSQL cannot store and no field needs, or of the first value nested
 * deeper than any field does. A walk with its own stack: any depth is safe.
 */
function oddPath(
  value: unknown,
): { at: PropertyKey[]; problem: string } | undefined {
  const stack: Array<[unknown, PropertyKey[]]> = [[value, []]];
  while (stack.length) {
    const [inner, at] = stack.pop()!;
    if (typeof inner === 'string') {
      if (inner.includes('\0')) {
        return { at, problem: 'must not contain NUL characters' };
      }
    } else if (inner && typeof inner === 'object') {
      if (at.length >= MAX_INPUT_DEPTH) {
        return {
          at: at.slice(0, 3),
          problem: `is nested deeper than ${MAX_INPUT_DEPTH} levels`,
        };
      }
      const entries = Object.entries(inner);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i];
        if (key.includes('\0')) {
          return {
            at: [...at, key],
            problem: 'must not contain NUL characters',
          };
        }
        stack.push([item, [...at, Array.isArray(inner) ? Number(key) : key]]);
      }
    }
  }
  return undefined;
}

/**
 * A route's `:id` parameter: a positive whole number, else 400 saying what
 * the number names ("must be a work item number").
 */
export const idParams = (what: string) =>
  z.object({
    id: z.coerce
      .number()
      .int(`must be ${what}`)
      .positive(`must be ${what}`)
      .max(Number.MAX_SAFE_INTEGER, `must be ${what}`),
  });
