import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  WorkItem,
  WorkItemListResponse,
  WorkItemUpdate,
  actsFor,
  countWork,
  normalizeOwnerRef,
  summarizeWork,
} from '@handoff/backstage-plugin-handoff-common';
import { HandoffStore } from '../database/HandoffStore';
import { assigneeOf } from './workItems';
import { Caller } from './WorkflowService';

/** A capability's work items, and who may move them. */
export class WorkService {
  constructor(
    private readonly deps: {
      store: Pick<
        HandoffStore,
        | 'listWorkItems'
        | 'getWorkItem'
        | 'updateWorkStatus'
        | 'latestSpecFacts'
        | 'latestTransfer'
      >;
      /** The tracker a module installed, if any. */
      tracker?: { id: string };
    },
  ) {}

  async list(entity: Entity): Promise<WorkItemListResponse> {
    const items = await this.deps.store.listWorkItems(
      stringifyEntityRef(entity),
    );
    return {
      items,
      summary: summarizeWork(countWork(items)),
      ...(this.deps.tracker && { tracker: this.deps.tracker.id }),
    };
  }

  /**
   * Who may change an item's status: its assignee, the capability's owner
   * (the catalog's, or the RACI's responsible and accountable), and after an
   * accepted hand-off the operating owner — each or a member of it.
   */
  private async mayChange(entity: Entity, item: WorkItem, caller: Caller) {
    const entityRef = stringifyEntityRef(entity);
    const spec = (await this.deps.store.latestSpecFacts(entityRef))?.spec;
    const transfer = await this.deps.store.latestTransfer(entityRef);
    const owners = [
      item.assignee,
      assigneeOf({ entity, entityRef, spec: undefined }),
      ...(spec?.owners?.raci?.responsible ?? []),
      spec?.owners?.raci?.accountable,
      transfer?.status === 'accepted' ? transfer.toOwner : undefined,
    ].filter((o): o is string => Boolean(o));
    const mine = [caller.ref, ...caller.ownership];
    return {
      allowed: owners.some(o => actsFor(o, mine)),
      owners: [...new Set(owners.map(normalizeOwnerRef))],
    };
  }

  async update(
    entity: Entity,
    caller: Caller,
    id: number,
    change: WorkItemUpdate,
  ): Promise<WorkItem> {
    const entityRef = stringifyEntityRef(entity);
    const item = await this.deps.store.getWorkItem(entityRef, id);
    if (!item) {
      throw new NotFoundError(`${entityRef} has no work item ${id}`);
    }
    const { allowed, owners } = await this.mayChange(entity, item, caller);
    if (!allowed) {
      throw new NotAllowedError(
        `Only ${
          owners.join(', ') || "the capability's owners"
        } (or their members) may change this work item`,
      );
    }
    const updated = await this.deps.store.updateWorkStatus(entityRef, id, {
      ...change,
      by: caller.ref,
    });
    if (updated === 'stale' || !updated) {
      throw new ConflictError(
        'The work item changed since you looked. Reload and try again.',
      );
    }
    return updated;
  }
}
