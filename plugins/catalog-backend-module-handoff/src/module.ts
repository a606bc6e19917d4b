import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { SpecParser } from '@handoff/backstage-plugin-handoff-node';
import { HandoffSpecProcessor } from './HandoffSpecProcessor';

/**
 * Catalog module that shows invalid handoff specs among the catalog's
 * processing errors. Opt-in: see {@link HandoffSpecProcessor} for why.
 *
 * @public
 */
export const catalogModuleHandoff = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'handoff-spec-errors',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        urlReader: coreServices.urlReader,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
      },
      async init({ catalog, config, urlReader, lifecycle, logger }) {
        const parser = new SpecParser({ logger });
        lifecycle.addShutdownHook(() => parser.close());
        catalog.addProcessor(
          new HandoffSpecProcessor(
            urlReader,
            ScmIntegrations.fromConfig(config),
            parser,
          ),
        );
      },
    });
  },
});
