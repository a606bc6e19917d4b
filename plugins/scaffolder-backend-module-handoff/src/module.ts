import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import path from 'path';
import { createLocalPublishAction } from './actions/publishLocal';
import { createRegisterCapabilityAction } from './actions/registerCapability';
import { createValidateSpecAction } from './actions/validateSpec';
import { createSpecSectionsAction } from './actions/specSections';
import { createCheckNameAction } from './actions/checkName';
import { loadGatePolicy } from '@handoff/backstage-plugin-handoff-node';
import { ScmIntegrations } from '@backstage/integration';
import { createFetchSkeletonAction } from './actions/fetchSkeleton';

/**
 * An action whose failure the run's log shows as its message alone: the
 * scaffolder logs a failed step's stack, which names server paths and
 * source lines no PM should read.
 */
export function failingInWords<T extends TemplateAction<any, any, any>>(
  action: T,
): T {
  return {
    ...action,
    async handler(ctx: Parameters<T['handler']>[0]) {
      try {
        return await action.handler(ctx);
      } catch (error) {
        if (error instanceof Error) error.stack = error.message;
        throw error;
      }
    },
  };
}

/**
 * Scaffolder actions for the "New capability" template:
 * handoff:capability:check-name (a free name the catalog accepts),
 * handoff:spec:sections
 * (what the gate policy asks of its risk), handoff:spec:validate,
 * handoff:capability:register, handoff:publish:local, and
 * handoff:fetch:template (Backstage's fetch:template, naming no server path
 * in the run's log).
 *
 * @public
 */
export const scaffolderModuleHandoff = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'handoff',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        reader: coreServices.urlReader,
      },
      async init({ scaffolder, config, discovery, auth, catalog, reader }) {
        const directory = path.resolve(
          config.getOptionalString(
            'handoff.scaffolder.localPublishDirectory',
          ) ?? 'capabilities',
        );
        scaffolder.addActions(
          ...[
            createCheckNameAction({ catalog, auth, directory }),
            createSpecSectionsAction({ policy: loadGatePolicy(config).policy }),
            createValidateSpecAction(),
            createRegisterCapabilityAction({ discovery, auth }),
            createLocalPublishAction({ catalog, auth, directory }),
            createFetchSkeletonAction({
              reader,
              integrations: ScmIntegrations.fromConfig(config),
            }),
          ].map(failingInWords),
        );
      },
    });
  },
});
