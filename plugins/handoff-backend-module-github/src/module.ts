import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { RELATION_OWNED_BY } from '@backstage/catalog-model';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { handoffTrackerExtensionPoint } from '@handoff/backstage-plugin-handoff-node';
import { GithubTracker } from './GithubTracker';

/**
 * Files Handoff's work items as GitHub issues (`handoff.github`, with the
 * credentials of `integrations.github`); without `handoff.github` it files
 * nothing.
 *
 * @public
 */
export const handoffModuleGithubTracker = createBackendModule({
  pluginId: 'handoff',
  moduleId: 'github-tracker',
  register(env) {
    env.registerInit({
      deps: {
        trackers: handoffTrackerExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({ trackers, config, catalog, auth, logger }) {
        const github = config.getOptionalConfig('handoff.github');
        if (!github) {
          logger.info(
            'handoff.github is not configured: work items are not filed in GitHub',
          );
          return;
        }
        trackers.setTracker(
          new GithubTracker({
            integrations: ScmIntegrations.fromConfig(config),
            host: github.getOptionalString('host'),
            repository: github.getOptionalString('repository'),
            labels: github.getOptionalStringArray('labels'),
            webhookSecret: github.getOptionalString('webhookSecret'),
            ownerOf: async entity => {
              const owner = entity.relations?.find(
                r => r.type === RELATION_OWNED_BY,
              )?.targetRef;
              if (!owner) return undefined;
              return catalog.getEntityByRef(owner, {
                credentials: await auth.getOwnServiceCredentials(),
              });
            },
          }),
        );
      },
    });
  },
});
