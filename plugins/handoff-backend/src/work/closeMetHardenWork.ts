import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { HandoffStore } from '../database/HandoffStore';
import { WorkflowService } from '../service/WorkflowService';

/**
 * Closes the hardening items whose requirement the hand-off gate no longer
 * lacks (the spec gained the artifact, the check passes): an item's cause
 * went, so the item goes. Returns how many were closed.
 */
export async function closeMetHardenWork(deps: {
  store: Pick<HandoffStore, 'openWork' | 'closeMetRequirements'>;
  workflow: Pick<WorkflowService, 'handOffGaps'>;
  catalog: CatalogService;
  auth: AuthService;
  signal?: AbortSignal;
  limit?: number;
}): Promise<number> {
  const open = await deps.store.openWork('harden', deps.limit ?? 500);
  const byEntity = new Map<string, Set<string>>();
  for (const item of open) {
    if (!item.cause) continue;
    const causes = byEntity.get(item.entityRef) ?? new Set<string>();
    causes.add(item.cause);
    byEntity.set(item.entityRef, causes);
  }
  const credentials = await deps.auth.getOwnServiceCredentials();
  let closed = 0;
  for (const [entityRef, causes] of byEntity) {
    if (deps.signal?.aborted) break;
    const entity = await deps.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) continue;
    const gaps = await deps.workflow.handOffGaps(entity);
    closed += await deps.store.closeMetRequirements(
      entityRef,
      [...causes].filter(cause => !gaps.has(cause)),
    );
  }
  return closed;
}
