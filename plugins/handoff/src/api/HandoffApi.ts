import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  CapabilityListResponse,
  ReadinessSummary,
} from '@handoff/backstage-plugin-handoff-common';

/**
 * The Handoff backend, as the frontend sees it.
 *
 * @public
 */
export interface HandoffApi {
  getReadiness(entityRef: CompoundEntityRef): Promise<ReadinessSummary>;
  listCapabilities(): Promise<CapabilityListResponse>;
}

/** @public */
export const handoffApiRef = createApiRef<HandoffApi>({
  id: 'plugin.handoff.service',
});
