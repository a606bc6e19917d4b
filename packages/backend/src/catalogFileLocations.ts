import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';

/**
 * Lets the catalog API register file: locations, which the "New capability"
 * template's handoff:publish:local uses on a portal without a git host.
 * Drop this module where templates publish to a git host instead.
 */
export default createBackendModule({
  pluginId: 'catalog',
  moduleId: 'file-locations',
  register(reg) {
    reg.registerInit({
      deps: { locations: catalogLocationsExtensionPoint },
      async init({ locations }) {
        locations.setAllowedLocationTypes(['url', 'file']);
      },
    });
  },
});
