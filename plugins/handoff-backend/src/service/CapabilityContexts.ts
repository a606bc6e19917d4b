import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_OWNED_BY,
  isGroupEntity,
  isUserEntity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_HANDOFF_STAGE,
  Decision,
  GateInput,
  HandoffSpec,
  isClosedWorkStatus,
  normalizeOwnerRef,
  rulesChooser,
  stageOf,
} from '@handoff/backstage-plugin-handoff-common';
import { validSpecOf } from '../database/validSpecs';
import { HandoffStore } from '../database/HandoffStore';
import { catalogCredentials } from './catalogCredentials';

/**
 * Gathers what the workflow judges a capability on: its stage, its latest
 * stored spec (never read from a file here), whether its owners resolve in the
 * catalog, its checks, approvals and transfer, and the gate input of each
 * decision.
 */
export class CapabilityContexts {
  constructor(
    private readonly deps: {
      store: HandoffStore;
      catalog: CatalogService;
      auth: AuthService;
      complianceApprovers: string[];
      /** Separation of duties (handoff.separationOfDuties, on by default). */
      separationOfDuties?: boolean;
    },
  ) {}

  /** The stage and the latest decision with its sequence (0 when there is none). */
  async stage(entity: Entity) {
    const entityRef = stringifyEntityRef(entity);
    const latest = await this.deps.store.latestDecision(entityRef);
    return {
      entityRef,
      latest,
      sequence: latest?.sequence ?? 0,
      stage: stageOf(
        latest,
        entity.metadata.annotations?.[ANNOTATION_HANDOFF_STAGE],
      ),
    };
  }

  /** The latest spec: its version, whether it is valid, and the parsed spec when it is. */
  async spec(entity: Entity) {
    const entityRef = stringifyEntityRef(entity);
    // Specs are read by the scheduled pass, a refresh or a registration; never here.
    const latest = await this.deps.store.latestSpec(entityRef);
    if (!latest) return { state: 'missing' as const };
    const spec = validSpecOf(latest);
    if (spec) {
      return {
        state: 'valid' as const,
        version: latest,
        spec,
        rulesSpec: spec,
      };
    }
    // Invalid: its risk profile, when that part parses, still chooses the
    // gates' rules and the review cadence.
    return {
      state: 'invalid' as const,
      version: latest,
      rulesSpec: rulesChooser(latest.document),
    };
  }

  private async ownersResolve(
    spec: HandoffSpec | undefined,
    credentials: BackstageCredentials,
  ) {
    const refs = [spec?.owners?.operatingOwner, spec?.owners?.supportPath];
    const wanted = refs
      .filter((r): r is string => Boolean(r))
      .map(normalizeOwnerRef);
    if (wanted.length === 0)
      return { operatingOwner: false, supportPath: false };
    const { items } = await this.deps.catalog.getEntitiesByRefs(
      {
        entityRefs: wanted,
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials: await catalogCredentials(this.deps.auth, credentials) },
    );
    const exists = (ref?: string) => {
      if (!ref) return false;
      const found = items[wanted.indexOf(normalizeOwnerRef(ref))];
      return Boolean(found && (isGroupEntity(found) || isUserEntity(found)));
    };
    return { operatingOwner: exists(refs[0]), supportPath: exists(refs[1]) };
  }

  /**
   * Everything a gate needs, for every decision the stage allows. `recorder`:
   * who would record a decision (the caller) and the groups they belong to,
   * for separation of duties and the owner's review.
   */
  async load(
    entity: Entity,
    credentials: BackstageCredentials,
    recorder?: { ref: string; ownership: string[] },
  ) {
    const { entityRef, latest, sequence, stage } = await this.stage(entity);
    const spec = await this.spec(entity);
    const [checks, approvals, transfer, ownersResolve, work, exceptions] =
      await Promise.all([
        this.deps.store.latestChecks(entityRef),
        this.deps.store.listApprovals(entityRef, sequence),
        this.deps.store.latestTransfer(entityRef),
        this.ownersResolve(spec.spec, credentials),
        this.deps.store.listWorkItems(entityRef),
        this.deps.store.openExceptions(entityRef),
      ]);
    const openWork = work
      .filter(w => !isClosedWorkStatus(w.status))
      .map(w => ({ source: w.source, title: w.title }));
    const owner =
      entity.relations?.find(r => r.type === RELATION_OWNED_BY)?.targetRef ??
      (typeof entity.spec?.owner === 'string' ? entity.spec.owner : undefined);
    const gateInput = (decision: Decision): GateInput => ({
      decision,
      fromStage: stage,
      catalogOwner: owner ? normalizeOwnerRef(owner) : undefined,
      spec: spec.rulesSpec,
      specState: spec.state,
      ownersResolve,
      checks,
      approvals: approvals.filter(a => a.decision === decision),
      complianceApprovers: this.deps.complianceApprovers,
      recorder: recorder?.ref,
      recorderOwnership: recorder ? [recorder.ref, ...recorder.ownership] : [],
      separationOfDuties: this.deps.separationOfDuties !== false,
      // In handed-off, the latest transfer is its hand-off's: any decision
      // that left the stage since cancelled a pending one, reviews keep it.
      transferAccepted:
        stage === 'handed-off' && transfer?.status === 'accepted',
      openWork,
      exceptions,
    });
    return {
      entityRef,
      latest,
      sequence,
      stage,
      spec,
      checks,
      transfer,
      exceptions,
      gateInput,
    };
  }
}
