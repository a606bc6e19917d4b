import { z } from 'zod';
import { handoffSpecSchema } from './schema';

/**
 * The handoff spec as JSON Schema, for editors (`# yaml-language-server: $schema=...`).
 * Generated from the zod schema; refinements (like min not above max) are checked
 * only by the validator. Non-finite numbers, which JSON cannot hold but YAML
 * can, are refused by the validator: an editor agrees with it when its
 * validator refuses them too (ajv's `strictNumbers`).
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
    description:
      'Read as YAML 1.2 with the core schema; every key is text as written. Numbers must be finite: .inf, .nan and numbers beyond double range (such as 1e400) are refused by Handoff, so a validator using this schema must refuse them too (ajv: strictNumbers: true).',
  };
}
