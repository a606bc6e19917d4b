import {
  ApiBlueprint,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { isHandoffAvailable } from './isHandoffAvailable';
import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';
import AssessmentIcon from '@material-ui/icons/Assessment';
import {
  SearchFilterBlueprint,
  SearchFilterResultTypeBlueprint,
  SearchResultListItemBlueprint,
} from '@backstage/plugin-search-react/alpha';
import {
  FormFieldBlueprint,
  createFormField,
} from '@backstage/plugin-scaffolder-react/alpha';
import { handoffApiRef, HandoffClient } from './api';
import { auditRouteRef, rootRouteRef } from './routes';
import { HandoffSearchFilters } from './components/Search/HandoffSearchFilters';

/** @alpha */
export const handoffApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: handoffApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new HandoffClient(deps),
    }),
});

/** @alpha */
export const handoffPage = PageBlueprint.make({
  params: {
    path: '/handoff',
    title: 'Handoff',
    icon: <AssignmentTurnedInIcon />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    noHeader: true,
    loader: () =>
      import('./components/HandoffPage').then(m => <m.HandoffPage />),
  },
});

/**
 * The portfolio audit: ownership, readiness and overdue reviews across the catalog.
 *
 * @alpha
 */
export const handoffAuditPage = PageBlueprint.make({
  name: 'audit',
  params: {
    path: '/handoff-audit',
    title: 'Handoff audit',
    icon: <AssessmentIcon />,
    routeRef: convertLegacyRouteRef(auditRouteRef),
    noHeader: true,
    loader: () => import('./components/AuditPage').then(m => <m.AuditPage />),
  },
});

/**
 * The Handoff card on the overview of entities that carry a handoff annotation.
 *
 * @alpha
 */
export const handoffEntityCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    type: 'info',
    filter: isHandoffAvailable,
    loader: () =>
      import('./components/HandoffCard').then(m => <m.HandoffCard />),
  },
});

/**
 * The Handoff tab of entities that carry a handoff annotation.
 *
 * @alpha
 */
export const handoffEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'handoff',
    title: 'Handoff',
    filter: isHandoffAvailable,
    loader: () => import('./components/HandoffTab').then(m => <m.HandoffTab />),
  },
});

/**
 * Capabilities in portal search (documents of type `handoff`, indexed by
 * `@handoff/backstage-plugin-search-backend-module-handoff`): each shows its
 * stage and owner.
 *
 * @alpha
 */
export const handoffSearchResultListItem = SearchResultListItemBlueprint.make({
  params: {
    predicate: result => result.type === 'handoff',
    icon: <AssignmentTurnedInIcon />,
    component: () =>
      import('./components/Search').then(m => m.HandoffSearchResultListItem),
  },
});

/** "Capabilities" among the search page's result types. @alpha */
export const handoffSearchResultType = SearchFilterResultTypeBlueprint.make({
  params: {
    value: 'handoff',
    name: 'Capabilities',
    icon: <AssignmentTurnedInIcon />,
  },
});

/** Stage and risk-tier filters on the search page. @alpha */
export const handoffSearchFilters = SearchFilterBlueprint.make({
  params: {
    component: props => <HandoffSearchFilters className={props.className} />,
  },
});

/**
 * The New capability template's name field (`ui:field: CapabilityName`):
 * plain words for a name the catalog would refuse or that is taken.
 *
 * @alpha
 */
export const handoffCapabilityNameField = FormFieldBlueprint.make({
  name: 'capability-name',
  params: {
    field: () =>
      import('./components/CapabilityNameField').then(m =>
        createFormField({
          name: 'CapabilityName',
          component: m.CapabilityNameField,
          validation: m.capabilityNameValidation,
        }),
      ),
  },
});

/**
 * The New capability template's owner fields (`ui:field: HandoffOwner`): a
 * group or user picked and shown by display name, the ref on hover.
 *
 * @alpha
 */
export const handoffOwnerField = FormFieldBlueprint.make({
  name: 'owner',
  params: {
    field: () =>
      import('./components/OwnerField').then(m =>
        createFormField({ name: 'HandoffOwner', component: m.OwnerField }),
      ),
  },
});

/**
 * The Handoff plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'handoff',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    handoffApi,
    handoffPage,
    handoffAuditPage,
    handoffEntityCard,
    handoffEntityContent,
    handoffSearchResultListItem,
    handoffSearchResultType,
    handoffSearchFilters,
    handoffCapabilityNameField,
    handoffOwnerField,
  ],
  routes: {
    root: convertLegacyRouteRef(rootRouteRef),
    audit: convertLegacyRouteRef(auditRouteRef),
  },
});
