import { KubernetesValidatorFunctions } from '@backstage/catalog-model';

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
