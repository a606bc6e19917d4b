import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { HandoffCollatorFactory } from './HandoffCollatorFactory';
import { CapabilityDuplicatesDecoratorFactory } from './CapabilityDuplicatesDecoratorFactory';

/**
 * Indexes Handoff capabilities in Backstage search, every 10 minutes by
 * default (`search.collators.handoff.schedule`), and leaves the catalog's
 * document of each capability out, so a capability is one result.
 *
 * @public
 */
export const searchModuleHandoffCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'handoff-collator',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        indexRegistry: searchIndexRegistryExtensionPoint,
      },
      async init({
        config,
        auth,
        discovery,
        logger,
        scheduler,
        indexRegistry,
      }) {
        const scheduleConfig = config.getOptionalConfig(
          'search.collators.handoff.schedule',
        );
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(
            scheduleConfig
              ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                  scheduleConfig,
                )
              : {
                  frequency: { minutes: 10 },
                  timeout: { minutes: 5 },
                  initialDelay: { seconds: 15 },
                },
          ),
          factory: new HandoffCollatorFactory({ auth, discovery, logger }),
        });
        // One result per capability: the catalog's copy is left out.
        indexRegistry.addDecorator({
          factory: new CapabilityDuplicatesDecoratorFactory({
            auth,
            discovery,
            logger,
          }),
        });
      },
    });
  },
});
