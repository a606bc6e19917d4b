/**
 * Backstage search module: indexes Handoff capabilities (document type
 * `handoff`) with their stage, owners, risk tier, next review and problem.
 *
 * @packageDocumentation
 */
export { searchModuleHandoffCollator as default } from './module';
export { HandoffCollatorFactory } from './HandoffCollatorFactory';
export type {
  CapabilityReaderDeps,
  HandoffSearchDocument,
} from './HandoffCollatorFactory';
