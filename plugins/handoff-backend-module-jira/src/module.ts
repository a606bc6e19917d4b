import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { RELATION_OWNED_BY } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { handoffTrackerExtensionPoint } from '@handoff/backstage-plugin-handoff-node';
import { JiraAuth, JiraTracker } from './JiraTracker';

/**
 * Files Handoff's work items as Jira issues (`handoff.jira`); without
 * `handoff.jira` it files nothing.
 *
 * @public
 */
export const handoffModuleJiraTracker = createBackendModule({
  pluginId: 'handoff',
  moduleId: 'jira-tracker',
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
        const jira = config.getOptionalConfig('handoff.jira');
        if (!jira) {
          logger.info(
            'handoff.jira is not configured: work items are not filed in Jira',
          );
          return;
        }
        const baseUrl = jira.getString('baseUrl');
        const token = jira.getOptionalString('auth.personalAccessToken');
        const credentials: JiraAuth = token
          ? { personalAccessToken: token }
          : {
              email: jira.getString('auth.email'),
              apiToken: jira.getString('auth.apiToken'),
            };
        trackers.setTracker(
          new JiraTracker({
            baseUrl,
            deployment:
              (jira.getOptionalString('deployment') as
                | 'cloud'
                | 'datacenter'
                | undefined) ??
              (new URL(baseUrl).host.endsWith('.atlassian.net')
                ? 'cloud'
                : 'datacenter'),
            auth: credentials,
            project: jira.getOptionalString('project'),
            issueType: jira.getOptionalString('issueType'),
            labels: jira.getOptionalStringArray('labels'),
            webhookSecret: jira.getOptionalString('webhookSecret'),
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
