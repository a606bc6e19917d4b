/**
 * The audit engine's parts, for benchmarks and for tests outside this package
 * that measure them against a real database. Not part of the plugin's API.
 *
 * @packageDocumentation
 */
export { DatabaseHandoffStore } from './database/DatabaseHandoffStore';
export { DatabaseProjectionStore } from './database/ProjectionStore';
export { PortfolioAudit } from './database/PortfolioAudit';
export { EntityProjection } from './catalog/EntityProjection';
export { SpecIngester } from './catalog/SpecIngester';
export { HostCircuits } from './catalog/HostCircuits';
export { WorkDelivery } from './work/WorkDelivery';
export { FlowReport } from './database/FlowReport';
export { fillFlowEvents, readFlowHistories } from './database/flowEvents';
export { writePastTrails } from './sampleData/pastTrails';
