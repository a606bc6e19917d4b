import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_HANDOFF_STAGE,
  stageOf,
} from '@handoff/backstage-plugin-handoff-common';
import { HandoffStore } from '../database/HandoffStore';

/**
 * Who runs the capability now, and so hears of its breaches and overdue
 * reviews: the owner it was handed off to once they accepted (the catalog
 * may still name the team that built it), else its catalog owner.
 */
export async function currentOwner(
  store: Pick<HandoffStore, 'latestDecision' | 'latestTransfer'>,
  entity: Entity,
): Promise<string> {
  const entityRef = stringifyEntityRef(entity);
  const catalogOwner =
    entity.relations?.find(r => r.type === RELATION_OWNED_BY)?.targetRef ??
    entityRef;
  const stage = stageOf(
    await store.latestDecision(entityRef),
    entity.metadata.annotations?.[ANNOTATION_HANDOFF_STAGE],
  );
  if (stage !== 'handed-off' && stage !== 'operating') return catalogOwner;
  const transfer = await store.latestTransfer(entityRef);
  return transfer?.status === 'accepted' ? transfer.toOwner : catalogOwner;
}
