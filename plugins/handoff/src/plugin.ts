import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createSearchResultListItemExtension } from '@backstage/plugin-search-react';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import {
  CapabilityNameField,
  capabilityNameValidation,
} from './components/CapabilityNameField';
import { OwnerField } from './components/OwnerField';
import type { HandoffSearchResultListItemProps } from './components/Search';
import { handoffApiRef, HandoffClient } from './api';
import { auditRouteRef, rootRouteRef } from './routes';

/**
 * The Handoff frontend plugin for apps on the legacy frontend system.
 * Apps on the new frontend system use the default export of `/alpha`.
 *
 * @public
 */
export const handoffPlugin = createPlugin({
  id: 'handoff',
  apis: [
    createApiFactory({
      api: handoffApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new HandoffClient(deps),
    }),
  ],
  routes: { root: rootRouteRef, audit: auditRouteRef },
});

/**
 * The Handoff page, to mount on a route of the app.
 *
 * @public
 */
export const HandoffPage = handoffPlugin.provide(
  createRoutableExtension({
    name: 'HandoffPage',
    component: () =>
      import('./components/HandoffPage').then(m => m.HandoffPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The portfolio audit page, to mount on a route of the app (`/handoff-audit`).
 *
 * @public
 */
export const HandoffAuditPage = handoffPlugin.provide(
  createRoutableExtension({
    name: 'HandoffAuditPage',
    component: () => import('./components/AuditPage').then(m => m.AuditPage),
    mountPoint: auditRouteRef,
  }),
);

/**
 * The Handoff card, for an entity page's overview.
 *
 * @public
 */
export const EntityHandoffCard = handoffPlugin.provide(
  createComponentExtension({
    name: 'EntityHandoffCard',
    component: {
      lazy: () => import('./components/HandoffCard').then(m => m.HandoffCard),
    },
  }),
);

/**
 * The Handoff tab, for an entity page's routes (`<EntityLayout.Route path="/handoff" title="Handoff">`).
 *
 * @public
 */
export const EntityHandoffContent = handoffPlugin.provide(
  createComponentExtension({
    name: 'EntityHandoffContent',
    component: {
      lazy: () => import('./components/HandoffTab').then(m => m.HandoffTab),
    },
  }),
);

/**
 * A capability among the legacy search page's results: put it inside
 * `<SearchResult>` next to the catalog's item; it renders only results of
 * type `handoff` (indexed by
 * `@handoff/backstage-plugin-search-backend-module-handoff`).
 *
 * @public
 */
export const HandoffSearchResultListItem: (
  props: HandoffSearchResultListItemProps,
) => JSX.Element | null = handoffPlugin.provide(
  createSearchResultListItemExtension({
    name: 'HandoffSearchResultListItem',
    component: () =>
      import('./components/Search').then(m => m.HandoffSearchResultListItem),
    predicate: result => result.type === 'handoff',
  }),
);

/**
 * The New capability template's name field (`ui:field: CapabilityName`) for
 * the legacy scaffolder: put it inside `<ScaffolderFieldExtensions>` under the
 * `/create` route. It says in plain words when the catalog would refuse a
 * name or an entity already has it.
 *
 * @public
 */
export const CapabilityNameFieldExtension = handoffPlugin.provide(
  createScaffolderFieldExtension({
    name: 'CapabilityName',
    component: CapabilityNameField,
    validation: capabilityNameValidation,
  }),
);

/**
 * The New capability template's owner fields (`ui:field: HandoffOwner`) for
 * the legacy scaffolder, beside {@link CapabilityNameFieldExtension}: a group
 * or user picked and shown by display name, the ref on hover.
 *
 * @public
 */
export const HandoffOwnerFieldExtension = handoffPlugin.provide(
  createScaffolderFieldExtension({
    name: 'HandoffOwner',
    component: OwnerField,
  }),
);
