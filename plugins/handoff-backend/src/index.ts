/**
 * The Handoff backend plugin.
 *
 * @packageDocumentation
 */
export { handoffPlugin as default } from './plugin';
