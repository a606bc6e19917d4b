import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { isHandoffOperatingOwnerRule } from './operatingOwner';
import { OperatingOwnerProcessor } from './OperatingOwnerProcessor';

/**
 * Catalog module that lets a company's permission policy give the team a
 * capability was handed off to the same rights as its catalog owner: it keeps
 * the `handoff.dev/operating-owner` annotation and adds the
 * `IS_HANDOFF_OPERATING_OWNER` rule ({@link handoffConditions}).
 *
 * @public
 */
export const catalogModuleHandoffOperatingOwner = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'handoff-operating-owner',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        permissionsRegistry: coreServices.permissionsRegistry,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({ catalog, permissionsRegistry, discovery, auth, logger }) {
        catalog.addProcessor(
          new OperatingOwnerProcessor({ discovery, auth, logger }),
        );
        permissionsRegistry.addPermissionRules([isHandoffOperatingOwnerRule]);
      },
    });
  },
});
