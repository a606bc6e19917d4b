/**
 * The Handoff "New capability" template's scaffolder actions:
 * handoff:spec:validate, handoff:capability:register and handoff:publish:local.
 *
 * @packageDocumentation
 */
export { scaffolderModuleHandoff as default } from './module';
export { createValidateSpecAction } from './actions/validateSpec';
export { createRegisterCapabilityAction } from './actions/registerCapability';
export { createLocalPublishAction } from './actions/publishLocal';
