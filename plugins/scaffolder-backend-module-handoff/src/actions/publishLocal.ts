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
          `Dry run: would write the capability's files and register its catalog-info.yaml`,
        );
        ctx.output('catalogInfoPath', catalogInfoPath);
        return;
      }
      // Claims the folder in one step: of two runs racing for one name, the
      // second is told the name was just taken, and writes nothing.
      await fs.mkdir(path.dirname(target), { recursive: true });
      try {
        await fs.mkdir(target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        throw new InputError(
          `A capability called “${ctx.input.name}” was already published, or another run has just taken the name. Choose another name; nothing was created or changed.`,
        );
      }
      let entities;
      try {
        await fs.cp(ctx.workspacePath, target, { recursive: true });
        ({ entities } = await options.catalog.addLocation(
          { type: 'file', target: catalogInfoPath },
          { credentials: await options.auth.getOwnServiceCredentials() },
        ));
      } catch (error) {
        // Nothing half-written stays behind to hold the name: a new run can
        // use it. The reason is named without the server's paths.
        await fs.rm(target, { recursive: true, force: true });
        const code = (error as NodeJS.ErrnoException).code;
        throw new Error(
          `Could not publish “${ctx.input.name}” (${
            code ?? (error as Error).name ?? 'error'
          }). Nothing was kept; run the template again, or ask the portal's administrators if it keeps failing.`,
        );
      }
      const entity = entities[0];
      const entityRef = entity
        ? `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${
            entity.metadata.name
          }`.toLocaleLowerCase('en-US')
        : undefined;
      ctx.logger.info(
        `Wrote the capability's files and registered it in the catalog${
          entityRef ? ` as ${entityRef}` : ''
        }`,
      );
      ctx.output('catalogInfoPath', catalogInfoPath);
      if (entityRef) ctx.output('entityRef', entityRef);
    },
  });
}
