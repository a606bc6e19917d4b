import { createRouteRef } from '@backstage/core-plugin-api';

/** @public */
export const rootRouteRef = createRouteRef({ id: 'handoff' });

/** @public */
export const auditRouteRef = createRouteRef({ id: 'handoff-audit' });
