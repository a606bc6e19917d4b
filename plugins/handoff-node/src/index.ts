/**
 * Node.js code shared by the Handoff backend plugin and its modules.
 *
 * @packageDocumentation
 */
export {
  readSpecFile,
  readSpecFileIfChanged,
  resolveSpecLocation,
  MAX_SPEC_BYTES,
  DEFAULT_READ_TIMEOUT_MS,
  SpecHostUnavailableError,
  specHostOf,
} from './readSpecFile';
export type { SpecLocation, SpecFileRead } from './readSpecFile';
export { loadGatePolicy, gatePolicyHash } from './loadGatePolicy';
export type { LoadedGatePolicy } from './loadGatePolicy';
export {
  handoffTrackerExtensionPoint,
  TrackerError,
  inertMarkdown,
} from './trackers';
export type {
  HandoffTracker,
  HandoffTrackerExtensionPoint,
  TrackerTicket,
  TrackerTicketState,
  TrackerWebhook,
} from './trackers';
export { SpecParser, SpecTooCostlyError } from './SpecParser';
