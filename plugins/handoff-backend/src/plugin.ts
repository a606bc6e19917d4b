import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { handoffPermissions } from '@handoff/backstage-plugin-handoff-common';
import { DatabaseHandoffStore } from './database/DatabaseHandoffStore';
import { createRouter } from './service/router';

/**
 * The Handoff backend plugin: handoff specs, readiness decisions and reviews.
 *
 * @public
 */
export const handoffPlugin = createBackendPlugin({
  pluginId: 'handoff',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({
        database,
        httpAuth,
        httpRouter,
        permissionsRegistry,
        catalog,
      }) {
        permissionsRegistry.addPermissions(handoffPermissions);
        const store = await DatabaseHandoffStore.create({ database });
        httpRouter.use(await createRouter({ httpAuth, catalog, store }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
