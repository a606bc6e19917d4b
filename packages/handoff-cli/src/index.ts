/**
 * `handoff-spec`: validates handoff.yaml files with the schema the portal uses.
 *
 * @packageDocumentation
 */
export { main, validateFiles } from './validateFiles';
