/**
 * Shared schemas, lifecycle rules, types and permissions of the Handoff plugins.
 *
 * @packageDocumentation
 */

export * from './constants';
export * from './lifecycle';
export * from './permissions';
export type * from './api';
