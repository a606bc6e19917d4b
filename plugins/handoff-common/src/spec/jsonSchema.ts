import { z } from 'zod';
import { handoffSpecSchema } from './schema';

/**
 * The handoff spec as JSON Schema, for editors (`# yaml-language-server: $schema=...`).
 * Generated from the zod schema; refinements (like min not above max) are checked
 * only by the validator.
 *
 * @public
 */
export function handoffSpecJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(handoffSpecSchema, {
      io: 'input',
      unrepresentable: 'any',
    }),
    $id: 'https://handoff.dev/schemas/handoff.schema.json',
    title: 'Handoff spec (handoff.yaml)',
  };
}
