import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  HandoffTracker,
  TrackerError,
} from '@handoff/backstage-plugin-handoff-node';
import { isClosedWorkStatus } from '@handoff/backstage-plugin-handoff-common';
import { randomUUID } from 'crypto';
import { HandoffStore } from '../database/HandoffStore';
import { ClaimedWorkItem } from '../database/DatabaseWorkStore';
import { handoffTabPath } from '../service/workItems';

const MINUTE = 60_000;
/** The longest wait between tries of a ticket the tracker refuses. */
const MAX_BACKOFF_MS = 6 * 60 * MINUTE;

/** How long after `attempts` failed tries the next one comes. */
export function backoffMs(attempts: number, error: unknown): number {
  if (error instanceof TrackerError && error.retryAfterMs !== undefined) {
    return Math.min(Math.max(error.retryAfterMs, 1000), MAX_BACKOFF_MS);
  }
  if (error instanceof TrackerError && error.permanent) return MAX_BACKOFF_MS;
  return Math.min(MINUTE * 2 ** attempts, MAX_BACKOFF_MS);
}

/** Why a try failed, in words fit for the Work card: never a stack or a secret. */
function reasonOf(error: unknown): string {
  if (error instanceof TrackerError) return error.message;
  return 'The tracker could not be reached; Handoff tries again.';
}

/**
 * The outbox's worker: files each work item's latest revision in the
 * tracker (after the transaction that wrote it), and reads filed tickets
 * back. Items are claimed with a lease, so two replicas never send the same
 * item at once; the tracker looks each item's key up before it creates a
 * ticket, so a crash between "filed" and "marked delivered" files nothing
 * twice.
 */
export class WorkDelivery {
  constructor(
    private readonly deps: {
      store: HandoffStore;
      tracker: HandoffTracker;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      /** The portal's address, for links on tickets. */
      baseUrl: string;
      batchSize?: number;
    },
  ) {}

  private async entityOf(entityRef: string): Promise<Entity | undefined> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    return this.deps.catalog.getEntityByRef(entityRef, { credentials });
  }

  /** Sends what waits, until none is left or the budget is spent. */
  async deliver(options: {
    signal?: AbortSignal;
    budgetMs: number;
    leaseMs: number;
  }): Promise<{ delivered: number; failed: number; finished: boolean }> {
    const { store, tracker, logger } = this.deps;
    const started = Date.now();
    const claimId = randomUUID();
    let delivered = 0;
    let failed = 0;
    for (;;) {
      if (options.signal?.aborted || Date.now() - started > options.budgetMs) {
        return { delivered, failed, finished: false };
      }
      const batch = await store.claimDeliveries({
        claimId,
        now: new Date(),
        leaseMs: options.leaseMs,
        limit: this.deps.batchSize ?? 20,
        tracker: tracker.id,
      });
      if (batch.length === 0) return { delivered, failed, finished: true };
      for (const item of batch) {
        // A slow tracker ends the run between items, not after a whole
        // batch: the rest keep their lease and the next run takes them.
        if (
          options.signal?.aborted ||
          Date.now() - started > options.budgetMs
        ) {
          return { delivered, failed, finished: false };
        }
        if (await this.deliverOne(item)) delivered += 1;
        else failed += 1;
      }
      logger.debug(`Work delivery: ${delivered} sent, ${failed} waiting`);
    }
  }

  private async deliverOne(item: ClaimedWorkItem): Promise<boolean> {
    const { store, tracker, logger } = this.deps;
    try {
      const entity = await this.entityOf(item.entityRef);
      if (!entity) {
        throw new TrackerError(
          `${item.entityRef} is not in the catalog, so the tracker cannot be chosen`,
          { permanent: true },
        );
      }
      const ticket = await tracker.deliver({
        key: item.key,
        entity,
        source: item.source,
        title: item.title,
        body: item.body,
        assignee: item.assignee,
        watchers: item.watchers,
        dueAt: item.dueAt,
        status: item.status,
        link: `${this.deps.baseUrl}${handoffTabPath(item.entityRef)}`,
        filed:
          item.ticket?.id && item.ticket.url
            ? { id: item.ticket.id, url: item.ticket.url }
            : undefined,
      });
      await store.workDelivered(item, { tracker: tracker.id, ...ticket });
      return true;
    } catch (error) {
      const attempts = item.ticket?.attempts ?? 0;
      const waitMs = backoffMs(attempts, error);
      logger.warn(
        `Work item ${item.id} of ${item.entityRef} was not sent to ${
          tracker.id
        }: ${reasonOf(error)}${
          error instanceof TrackerError ? '' : ` (${(error as Error).name})`
        }`,
      );
      await store.workDeliveryFailed(item, {
        error: reasonOf(error),
        nextAt: new Date(Date.now() + waitMs),
      });
      return false;
    }
  }

  /** Reads open items' tickets back: one closed in the tracker closes its item. */
  async readBack(options: {
    signal?: AbortSignal;
    limit?: number;
    /** Stops reading once this long has passed. */
    budgetMs?: number;
  }): Promise<{ read: number; changed: number }> {
    const { store, tracker, logger } = this.deps;
    const started = Date.now();
    const items = await store.ticketsToRead(options.limit ?? 50);
    let read = 0;
    let changed = 0;
    for (const item of items) {
      if (
        options.signal?.aborted ||
        (options.budgetMs !== undefined &&
          Date.now() - started > options.budgetMs)
      ) {
        break;
      }
      if (!item.ticket?.id || !item.ticket.url) continue;
      try {
        const entity = await this.entityOf(item.entityRef);
        if (!entity) continue;
        const state = await tracker.read({
          id: item.ticket.id,
          url: item.ticket.url,
          entity,
        });
        read += 1;
        // Closing a ticket closes its item; an open ticket changes nothing
        // (the item's own status, say in progress, stands).
        const after = await store.applyTicketState(item, {
          status: isClosedWorkStatus(state.status) ? state.status : undefined,
          assignee: state.assignee,
          by: `plugin:handoff/${tracker.id}`,
          note: `${item.ticket.id} in ${tracker.id}: ${
            state.resolution ?? state.status
          }`,
        });
        if (after) changed += 1;
      } catch (error) {
        logger.warn(
          `Could not read ${item.ticket.id} back from ${tracker.id}: ${reasonOf(
            error,
          )}`,
        );
      }
    }
    return { read, changed };
  }
}
