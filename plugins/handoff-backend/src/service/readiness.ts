import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_HANDOFF_SPEC,
  ANNOTATION_HANDOFF_STAGE,
  ReadinessSummary,
  stageOf,
} from '@handoff/backstage-plugin-handoff-common';
import { DecisionRecord } from '../database/HandoffStore';

/** Where an entity stands: its latest decision, else its registration annotation, else `proposed`. */
export function summarizeReadiness(
  entity: Entity,
  latest: DecisionRecord | undefined,
): ReadinessSummary {
  const annotations = entity.metadata.annotations ?? {};
  const owner = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  return {
    entityRef: stringifyEntityRef(entity),
    title: entity.metadata.title ?? entity.metadata.name,
    stage: stageOf(latest, annotations[ANNOTATION_HANDOFF_STAGE]),
    stageSince: latest?.createdAt,
    owner: owner?.targetRef,
    specLocation: annotations[ANNOTATION_HANDOFF_SPEC],
    nextReviewAt: latest?.nextReviewAt,
  };
}
