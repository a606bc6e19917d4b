/**
 * Optional catalog module of Handoff: shows invalid handoff specs among the
 * catalog's processing errors.
 *
 * @packageDocumentation
 */
export { catalogModuleHandoff as default } from './module';
export { HandoffSpecProcessor } from './HandoffSpecProcessor';
