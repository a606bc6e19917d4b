/**
 * The Handoff backend plugin.
 *
 * @packageDocumentation
 */
export { handoffPlugin as default } from './plugin';
export { catalogModuleHandoffSpecErrors } from './catalog/catalogModule';
export { scaffolderModuleHandoff } from './scaffolder/scaffolderModule';
