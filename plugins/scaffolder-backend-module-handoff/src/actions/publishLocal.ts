import {
  AuthService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'fs/promises';
import path from 'path';
import { examples } from './publishLocal.examples';

/**
 * `handoff:publish:local`: for the embedded default with no git host, writes
 * the workspace to a folder and registers it in the catalog as a file: location.
 *
 * @public
 */
export function createLocalPublishAction(options: {
  catalog: CatalogService;
  auth: AuthService;
  directory: string;
}) {
  return createTemplateAction({
    id: 'handoff:publish:local',
    description:
      'Writes the new capability to a local folder (handoff.scaffolder.localPublishDirectory) and registers its catalog-info.yaml as a file: location. For portals without a git host; use publish:github and catalog:register otherwise.',
    supportsDryRun: true,
    examples,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .regex(
              /^[a-z0-9][a-z0-9-]*$/,
              'must be lower-case letters, digits and dashes',
            )
            .describe('Folder name, usually the capability name'),
      },
      output: {
        catalogInfoPath: z => z.string(),
        entityRef: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      const target = resolveSafeChildPath(options.directory, ctx.input.name);
      const catalogInfoPath = path.join(target, 'catalog-info.yaml');
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would write the capability to ${target} and register ${catalogInfoPath}`,
        );
        ctx.output('catalogInfoPath', catalogInfoPath);
        return;
      }
      const exists = await fs.stat(target).then(
        () => true,
        () => false,
      );
      if (exists) {
        throw new InputError(`${target} already exists: choose another name`);
      }
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.cp(ctx.workspacePath, target, { recursive: true });
      const { entities } = await options.catalog.addLocation(
        { type: 'file', target: catalogInfoPath },
        { credentials: await options.auth.getOwnServiceCredentials() },
      );
      const entity = entities[0];
      const entityRef = entity
        ? `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${
            entity.metadata.name
          }`.toLocaleLowerCase('en-US')
        : undefined;
      ctx.logger.info(
        `Wrote ${target} and registered it in the catalog${
          entityRef ? ` as ${entityRef}` : ''
        }`,
      );
      ctx.output('catalogInfoPath', catalogInfoPath);
      if (entityRef) ctx.output('entityRef', entityRef);
    },
  });
}
