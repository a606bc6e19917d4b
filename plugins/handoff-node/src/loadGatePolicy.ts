import { RootConfigService } from '@backstage/backend-plugin-api';
import {
  DEFAULT_GATE_POLICY,
  GatePolicy,
  formatSpecError,
  validateGatePolicy,
} from '@handoff/backstage-plugin-handoff-common';
import { createHash } from 'crypto';
// Keys sorted, so the hash does not depend on their order in the file.
import stableStringify from 'fast-json-stable-stringify';
import fs from 'fs';
import path from 'path';

/**
 * A gate policy as the backend uses it, with the hash each decision records.
 *
 * @public
 */
export type LoadedGatePolicy = {
  policy: GatePolicy;
  /** The first 12 hex digits of the SHA-256 of the policy's content. */
  hash: string;
  /** The file it came from; absent for the default policy. */
  source?: string;
};

/**
 * The hash a decision's gate snapshot records for the policy that judged it.
 *
 * @public
 */
export function gatePolicyHash(policy: GatePolicy): string {
  return createHash('sha256')
    .update(stableStringify(policy))
    .digest('hex')
    .slice(0, 12);
}

/**
 * The gate policy `handoff.policy` points at (a YAML file, relative to the
 * backend's working directory), else the default. An unreadable or invalid
 * file throws, naming the path and line of each error: the backend does not
 * start on a policy nobody can trust, and never falls back silently.
 *
 * @public
 */
export function loadGatePolicy(config: RootConfigService): LoadedGatePolicy {
  const file = config.getOptionalString('handoff.policy');
  if (!file) {
    return {
      policy: DEFAULT_GATE_POLICY,
      hash: gatePolicyHash(DEFAULT_GATE_POLICY),
    };
  }
  const source = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(source, 'utf8');
  } catch (error) {
    throw new Error(
      `handoff.policy: cannot read ${source} (${
        (error as NodeJS.ErrnoException).code ?? error
      })`,
    );
  }
  const result = validateGatePolicy(text);
  if (!result.valid) {
    throw new Error(
      `handoff.policy: ${source} is not a valid gate policy:\n${result.errors
        .map(e => `  ${formatSpecError({ ...e, path: e.path || 'policy' })}`)
        .join('\n')}`,
    );
  }
  return { policy: result.value, hash: gatePolicyHash(result.value), source };
}
