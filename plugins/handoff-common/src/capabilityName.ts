import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import { ANNOTATION_HANDOFF_SPEC, ANNOTATION_HANDOFF_STAGE } from './constants';

/**
 * Why a name cannot become a new capability's catalog name, in plain words;
 * undefined when it can. The catalog's own rule (at most 63 letters, digits,
 * dashes, dots or underscores, starting and ending with a letter or digit),
 * kept to lower case, digits and dashes as the template asks. The template's
 * form and its first step both ask it.
 *
 * @public
 */
export function capabilityNameProblem(name: string): string | undefined {
  if (!/^[a-z0-9-]+$/.test(name)) {
    return 'use only lower-case letters, digits and dashes (no capitals or spaces)';
  }
  if (!KubernetesValidatorFunctions.isValidObjectName(name)) {
    return 'start and end with a letter or digit, and use at most 63 characters';
  }
  return undefined;
}

/**
 * Whether an entity takes part in Handoff: it carries a `handoff.dev/spec`
 * or `handoff.dev/stage` annotation.
 *
 * @public
 */
export function isCapability(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return (
    ANNOTATION_HANDOFF_SPEC in annotations ||
    ANNOTATION_HANDOFF_STAGE in annotations
  );
}

/**
 * What an entity that already has a name is, as a person would say it: "a
 * capability" when it takes part in Handoff, else its kind ("a component",
 * "an API", "a resource").
 *
 * @public
 */
export function whatEntityIs(entity: {
  kind: string;
  metadata: { annotations?: Record<string, string> };
}): string {
  if (isCapability(entity)) return 'a capability';
  const kind =
    entity.kind.toLowerCase() === 'api' ? 'API' : entity.kind.toLowerCase();
  return `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind}`;
}
