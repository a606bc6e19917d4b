/**
 * The Handoff frontend plugin: capability cards and tabs, and the handoff pages.
 *
 * @packageDocumentation
 */
export {
  handoffPlugin,
  HandoffPage,
  HandoffAuditPage,
  EntityHandoffCard,
  EntityHandoffContent,
  HandoffSearchResultListItem,
  CapabilityNameFieldExtension,
  HandoffOwnerFieldExtension,
} from './plugin';
export type { OwnerFieldValue } from './components/OwnerField';
export { isHandoffAvailable } from './isHandoffAvailable';
export { handoffApiRef, HandoffClient } from './api';
export type { HandoffApi } from './api';
export { auditRouteRef, rootRouteRef } from './routes';
export { HandoffSearchFilters } from './components/Search';
export type { HandoffSearchResultListItemProps } from './components/Search';
