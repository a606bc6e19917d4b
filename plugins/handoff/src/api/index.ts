export { handoffApiRef } from './HandoffApi';
export type { HandoffApi } from './HandoffApi';
export { HandoffClient } from './HandoffClient';
