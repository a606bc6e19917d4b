import { z } from 'zod';
import { validateYaml, YamlValidation } from '../spec/validate';
import { GatePolicy, gatePolicySchema } from './schema';

/**
 * Parses and validates a gate policy file. Never throws: errors come back
 * with their path, line and column, like a spec's.
 *
 * @public
 */
export function validateGatePolicy(
  yamlText: string,
): YamlValidation<GatePolicy> {
  return validateYaml(yamlText, gatePolicySchema, 'policy sections');
}

/**
 * The gate policy as JSON Schema, for editors. Generated from the zod schema.
 *
 * @public
 */
export function gatePolicyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(gatePolicySchema, {
      io: 'input',
      unrepresentable: 'any',
    }),
    $id: 'https://handoff.dev/schemas/gate-policy.schema.json',
    title: 'Handoff gate policy (handoff.policy)',
  };
}
