/**
 * Catalog modules of Handoff: the receiving team's authority after a
 * hand-off (an annotation and a permission rule), and, opt-in, invalid
 * handoff specs among the catalog's processing errors.
 *
 * @packageDocumentation
 */
export { catalogModuleHandoff as default } from './module';
export { HandoffSpecProcessor } from './HandoffSpecProcessor';
export { catalogModuleHandoffOperatingOwner } from './operatingOwnerModule';
export { OperatingOwnerProcessor } from './OperatingOwnerProcessor';
export {
  handoffConditions,
  isHandoffOperatingOwnerRule,
} from './operatingOwner';
