import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
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
      },
      async init({ catalog, config, urlReader }) {
        catalog.addProcessor(
          new HandoffSpecProcessor(
            urlReader,
            ScmIntegrations.fromConfig(config),
          ),
        );
      },
    });
  },
});
