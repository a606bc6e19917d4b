import {
  AuthService,
  DiscoveryService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  formatSpecError,
  riskTier,
  validateHandoffSpec,
} from '@handoff/backstage-plugin-handoff-common';
import fs from 'fs/promises';
import path from 'path';

/** `handoff:spec:validate`: fails the run with path-level errors if the generated spec is invalid. */
export function createValidateSpecAction() {
  return createTemplateAction({
    id: 'handoff:spec:validate',
    description:
      'Validates a handoff.yaml in the workspace against the handoff spec schema; fails with every error and its path.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Validate the generated spec',
        example: `steps:
  - id: validate
    action: handoff:spec:validate
    input:
      path: handoff.yaml`,
      },
    ],
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

/** `handoff:capability:register`: records the new capability's first state in the Handoff backend. */
export function createRegisterCapabilityAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  /** How long to wait for the catalog to take in the new entity (default 60 s). */
  waitSeconds?: number;
}) {
  return createTemplateAction({
    id: 'handoff:capability:register',
    description:
      'Records a new capability in the Handoff backend, on behalf of the user who ran the template: stage proposed and its first review date, from the risk profile of its spec as the backend reads it. Waits for the catalog to take in the entity; refuses an entity that already has a readiness history.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Register the capability the template just created',
        example: `steps:
  - id: register
    action: handoff:capability:register
    input:
      entityRef: component:default/\${{ parameters.name }}`,
      },
    ],
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe('The new entity, e.g. component:default/churn-model'),
      },
      output: {
        nextReviewAt: z => z.string().describe('The first review date'),
      },
    },
    async handler(ctx) {
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would register ${ctx.input.entityRef} as proposed`,
        );
        ctx.output('nextReviewAt', 'not set in a dry run');
        return;
      }
      const baseUrl = await options.discovery.getBaseUrl('handoff');
      // The catalog processes a new location within seconds; until then the
      // backend answers 404, and this waits for it (at most waitSeconds).
      const deadline = Date.now() + (options.waitSeconds ?? 60) * 1000;
      for (;;) {
        // On behalf of the user who ran the template: the backend records them.
        const { token } = await options.auth.getPluginRequestToken({
          onBehalfOf: await ctx.getInitiatorCredentials(),
          targetPluginId: 'handoff',
        });
        const res = await fetch(`${baseUrl}/registrations`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({ entityRef: ctx.input.entityRef }),
        });
        const body = await res.json().catch(() => undefined);
        if (res.ok) {
          ctx.logger.info(
            `Registered ${
              ctx.input.entityRef
            }: proposed, first review on ${body.nextReviewAt.slice(0, 10)}`,
          );
          ctx.output('nextReviewAt', body.nextReviewAt);
          return;
        }
        if (res.status !== 404 || Date.now() > deadline) {
          throw new InputError(
            `Handoff did not register ${ctx.input.entityRef}: ${
              body?.error?.message ?? res.statusText
            }`,
          );
        }
        ctx.logger.info(
          `Waiting for the catalog to take in ${ctx.input.entityRef} ...`,
        );
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
    },
  });
}

/**
 * `handoff:publish:local`: for the embedded default with no git host, writes
 * the workspace to a folder and registers it in the catalog as a file: location.
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
    examples: [
      {
        description: 'Publish locally and register in the catalog',
        example: `steps:
  - id: publish
    action: handoff:publish:local
    input:
      name: \${{ parameters.name }}`,
      },
    ],
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
