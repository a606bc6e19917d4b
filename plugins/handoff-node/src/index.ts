/**
 * Node.js code shared by the Handoff backend plugin and its modules.
 *
 * @packageDocumentation
 */
export {
  readSpecFile,
  resolveSpecLocation,
  MAX_SPEC_BYTES,
  DEFAULT_READ_TIMEOUT_MS,
} from './readSpecFile';
export type { SpecLocation } from './readSpecFile';
export { loadGatePolicy, gatePolicyHash } from './loadGatePolicy';
export type { LoadedGatePolicy } from './loadGatePolicy';
