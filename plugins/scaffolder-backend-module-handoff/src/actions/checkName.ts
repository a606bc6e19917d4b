import {
  AuthService,
  BackstageCredentials,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'fs/promises';
import { examples } from './checkName.examples';
import {
  capabilityNameProblem,
  whatEntityIs,
} from '@handoff/backstage-plugin-handoff-common';

/**
 * An owner as people name it: the group's or user's display name, else its
 * ref marked "not in the catalog".
 */
async function ownerName(
  ref: string,
  catalog: CatalogService,
  options: { credentials: BackstageCredentials },
): Promise<string> {
  let parsed;
  try {
    parsed = parseEntityRef(ref, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
  } catch {
    return `${ref} (not in the catalog)`;
  }
  const owner = await catalog.getEntityByRef(parsed, options);
  const name =
    owner?.metadata.title ??
    (owner?.spec?.profile as { displayName?: string } | undefined)
      ?.displayName ??
    owner?.metadata.name;
  return name ?? `${stringifyEntityRef(parsed)} (not in the catalog)`;
}

/** Why a name cannot become a capability's catalog name (shared with the form). */
export const nameProblem = capabilityNameProblem;

/**
 * `handoff:capability:check-name`: the first step of the New capability
 * template. Refuses, before anything is written, a name the catalog would
 * refuse and a name an entity (or a published folder) already has, so a new
 * capability can never overwrite or reset a live one.
 */
export function createCheckNameAction(options: {
  catalog: CatalogService;
  auth: AuthService;
  directory: string;
}) {
  return createTemplateAction({
    id: 'handoff:capability:check-name',
    description:
      'Checks that the new capability’s name is one the catalog accepts and that no entity has it yet; fails in plain words before anything is written.',
    supportsDryRun: true,
    examples,
    schema: {
      input: {
        name: z => z.string().describe('The catalog name asked for'),
        kind: z => z.string().default('component').describe('The entity kind'),
      },
    },
    async handler(ctx) {
      const { name } = ctx.input;
      const problem = nameProblem(name);
      if (problem) {
        throw new InputError(
          `“${name}” cannot be a catalog name: ${problem}. Nothing was created.`,
        );
      }
      const ref = `${ctx.input.kind ?? 'component'}:default/${name}`;
      const credentials = await options.auth.getOwnServiceCredentials();
      const existing = await options.catalog.getEntityByRef(ref, {
        credentials,
      });
      if (existing) {
        const title = existing.metadata.title ?? existing.metadata.name;
        const ownerRef = existing.spec?.owner;
        const owner =
          typeof ownerRef === 'string'
            ? `, owned by ${await ownerName(ownerRef, options.catalog, {
                credentials,
              })}`
            : '';
        throw new InputError(
          `There is already ${whatEntityIs(
            existing,
          )} called “${name}” in the catalog (${title}${owner}). Choose another name; nothing was created or changed.`,
        );
      }
      const folder = resolveSafeChildPath(options.directory, name);
      if (
        await fs.stat(folder).then(
          () => true,
          () => false,
        )
      ) {
        throw new InputError(
          `A capability called “${name}” was already published by an earlier run. Choose another name; nothing was created or changed.`,
        );
      }
      ctx.logger.info(`The name ${name} is free`);
    },
  });
}
