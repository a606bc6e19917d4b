import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  formatSpecError,
  riskTier,
  validateHandoffSpec,
} from '@handoff/backstage-plugin-handoff-common';
import fs from 'fs/promises';
import { examples } from './validateSpec.examples';

/**
 * `handoff:spec:validate`: fails the run with path-level errors if the generated spec is invalid.
 *
 * @public
 */
export function createValidateSpecAction() {
  return createTemplateAction({
    id: 'handoff:spec:validate',
    description:
      'Validates a handoff.yaml in the workspace against the handoff spec schema; fails with every error and its path.',
    supportsDryRun: true,
    examples,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .default('handoff.yaml')
            .describe('Path of the spec inside the workspace'),
      },
      output: {
        riskTier: z => z.string().describe('low, medium or high'),
      },
    },
    async handler(ctx) {
      const file = resolveSafeChildPath(
        ctx.workspacePath,
        ctx.input.path ?? 'handoff.yaml',
      );
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch {
        throw new InputError(`There is no ${ctx.input.path} in the workspace`);
      }
      const result = validateHandoffSpec(text);
      if (!result.valid) {
        throw new InputError(
          `The handoff spec is invalid:\n${result.errors
            .map(e => `  ${formatSpecError(e)}`)
            .join('\n')}`,
        );
      }
      const tier = riskTier(result.spec.risk);
      ctx.logger.info(`The handoff spec is valid (risk tier ${tier})`);
      ctx.output('riskTier', tier);
    },
  });
}
