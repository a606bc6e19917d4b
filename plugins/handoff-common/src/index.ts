/**
 * Shared schemas, lifecycle rules, types and permissions of the Handoff plugins.
 *
 * @packageDocumentation
 */

export * from './constants';
export * from './lifecycle';
export * from './permissions';
export * from './spec';
export * from './gates';
export * from './policy';
export * from './requests';
export * from './packet';
export * from './portfolio';
export * from './review';
export * from './ownership';
export type * from './api';
export * from './capabilityName';
export * from './flow';
export * from './work';
export * from './exceptions';
export * from './credentials';
export * from './sla';
