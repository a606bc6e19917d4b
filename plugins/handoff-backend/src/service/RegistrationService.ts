import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import {
  ANNOTATION_HANDOFF_STAGE,
  documentRiskTier,
  isStage,
  nextReviewDate,
} from '@handoff/backstage-plugin-handoff-common';
import { SpecStore, WorkflowStore } from '../database/HandoffStore';
import { Caller, WorkflowService } from './WorkflowService';

/** A new capability's first state, recorded once, by the user who created it. */
export class RegistrationService {
  constructor(
    private readonly deps: {
      store: WorkflowStore & SpecStore;
      workflow?: Pick<WorkflowService, 'reviewCadence'>;
    },
  ) {}

  /**
   * Refuses to register an entity that already has a readiness history: a
   * recorded decision, or a stage it was registered at other than proposed.
   */
  async assertRegistrable(entity: Entity) {
    const entityRef = stringifyEntityRef(entity);
    const latest = await this.deps.store.latestDecision(entityRef);
    if (latest) {
      throw new ConflictError(
        `${entityRef} already has a readiness history (stage ${latest.toStage}); registering it again would reset it`,
      );
    }
    const annotated = entity.metadata.annotations?.[ANNOTATION_HANDOFF_STAGE];
    if (isStage(annotated) && annotated !== 'proposed') {
      throw new ConflictError(
        `${entityRef} is already a capability at stage ${annotated}; registering it again would reset it`,
      );
    }
  }

  /**
   * Records a new capability's first state: proposed, with its first review
   * date from the risk profile of its stored spec (never from the request).
   */
  async register(entity: Entity, caller: Caller) {
    const entityRef = stringifyEntityRef(entity);
    const spec = await this.deps.store.latestSpec(entityRef);
    const record = await this.deps.store.appendDecision({
      entityRef,
      decision: 'register',
      toStage: 'proposed',
      actor: caller.ref,
      rationale: 'Created from the New capability template',
      nextReviewAt: nextReviewDate(
        new Date(),
        documentRiskTier(spec?.document),
        this.deps.workflow?.reviewCadence(),
      ).toISOString(),
      specVersion: spec?.version,
      expectedSequence: 0,
    });
    if (!record) {
      throw new ConflictError(`${entityRef} already has recorded decisions`);
    }
    return record;
  }
}
