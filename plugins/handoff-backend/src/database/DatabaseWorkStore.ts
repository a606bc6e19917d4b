import {
  DEFAULT_GATE_POLICY,
  GatePolicy,
  WorkItem,
  WorkItemSource,
  WorkItemStatus,
} from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { writeCapabilityState } from './capabilityState';
import { appendAuditEntry, json, toIso, unjson } from './rows';

/** Work a decision or a breach implies, before it is stored. */
export type NewWorkItem = Omit<
  WorkItem,
  | 'id'
  | 'status'
  | 'statusBy'
  | 'statusAt'
  | 'statusNote'
  | 'revision'
  | 'createdAt'
  | 'ticket'
>;

/** A work item claimed for delivery to the tracker. */
export type ClaimedWorkItem = WorkItem & { claimId: string };

/** What a tracker said about a filed ticket. */
export type FiledTicket = { tracker: string; id: string; url: string };

type WorkItemRow = {
  id: number | string;
  key: string;
  entity_ref: string;
  source: string;
  decision_sequence: number | null;
  cause: string | null;
  spec_paths: string | null;
  title: string;
  body: string;
  assignee: string | null;
  watchers: string | null;
  due_at: Date | string | null;
  spec_version: number | null;
  status: string;
  status_by: string;
  status_at: Date | string;
  status_note: string | null;
  revision: number;
  created_at: Date | string;
  tracker: string | null;
  ticket_id: string | null;
  ticket_url: string | null;
  delivered_revision: number;
  delivery_attempts: number;
  delivery_error: string | null;
  delivery_next_at: Date | string | null;
  delivery_claim?: string | null;
  delivery_lease_until?: Date | string | null;
  ticket_read_at?: Date | string | null;
  ticket_assignee?: string | null;
};

const TABLE = 'handoff_work_items';

function toWorkItem(row: WorkItemRow): WorkItem {
  const delivered = Number(row.delivered_revision) >= Number(row.revision);
  let state: 'pending' | 'delivered' | 'failed' = 'pending';
  if (delivered) state = 'delivered';
  else if (row.delivery_error) state = 'failed';
  return {
    id: Number(row.id),
    key: row.key,
    entityRef: row.entity_ref,
    source: row.source as WorkItemSource,
    decisionSequence: row.decision_sequence ?? undefined,
    cause: row.cause ?? undefined,
    specPaths: unjson(row.spec_paths) ?? [],
    title: row.title,
    body: row.body,
    assignee: row.assignee ?? undefined,
    watchers: unjson(row.watchers) ?? [],
    dueAt: row.due_at ? toIso(row.due_at) : undefined,
    specVersion: row.spec_version ?? undefined,
    status: row.status as WorkItemStatus,
    statusBy: row.status_by,
    statusAt: toIso(row.status_at),
    statusNote: row.status_note ?? undefined,
    revision: Number(row.revision),
    createdAt: toIso(row.created_at),
    ...(row.tracker && {
      ticket: {
        tracker: row.tracker,
        id: row.ticket_id ?? undefined,
        url: row.ticket_url ?? undefined,
        state,
        error: row.delivery_error ?? undefined,
        attempts: Number(row.delivery_attempts),
        nextAttemptAt:
          !delivered && row.delivery_next_at
            ? toIso(row.delivery_next_at)
            : undefined,
        assignee: row.ticket_assignee ?? undefined,
      },
    }),
  };
}

/** A work item as the trail records it: no delivery bookkeeping. */
const trailOf = (item: WorkItem) => {
  const { ticket, ...rest } = item;
  return ticket?.url ? { ...rest, ticket: ticket.url } : rest;
};

/**
 * Work items and their outbox: created inside the transaction of the write
 * that implies them, changed by people and by the tracker, each change in
 * the audit trail.
 */
export class DatabaseWorkStore {
  constructor(
    private readonly db: Knex,
    /** Decides the audit's missing artifacts, rewritten with each change. */
    private readonly policy: GatePolicy = DEFAULT_GATE_POLICY,
  ) {}

  /**
   * Stores new work items in the caller's transaction; an item whose key
   * exists already is left as it is.
   */
  static async insert(
    tx: Knex,
    items: NewWorkItem[],
    actor: string,
    now: Date,
  ): Promise<void> {
    for (const item of items) {
      const row = {
        key: item.key,
        entity_ref: item.entityRef,
        source: item.source,
        decision_sequence: item.decisionSequence ?? null,
        cause: item.cause ?? null,
        spec_paths: json(item.specPaths),
        title: item.title,
        body: item.body,
        assignee: item.assignee ?? null,
        watchers: json(item.watchers),
        due_at: item.dueAt ? new Date(item.dueAt) : null,
        spec_version: item.specVersion ?? null,
        status: 'open',
        status_by: actor,
        status_at: now,
        revision: 1,
        created_at: now,
      };
      const inserted = await tx(TABLE)
        .insert(row)
        .onConflict('key')
        .ignore()
        .returning('id');
      if (inserted.length === 0) continue;
      const stored = await tx<WorkItemRow>(TABLE)
        .where({ key: item.key })
        .first();
      await appendAuditEntry(tx, {
        entityRef: item.entityRef,
        actor,
        action: 'work:create',
        after: trailOf(toWorkItem(stored!)),
        at: now,
      });
    }
  }

  /**
   * Closes open work items of an entity whose cause went away, in the
   * caller's transaction, with a note saying why.
   */
  static async closeWhere(
    tx: Knex,
    entityRef: string,
    match: {
      source: WorkItemSource;
      cause?: string;
      decisionSequence?: number;
    },
    close: { status: WorkItemStatus; by: string; note: string; at: Date },
  ): Promise<number> {
    let query = tx<WorkItemRow>(TABLE)
      .where({ entity_ref: entityRef, source: match.source })
      .whereIn('status', ['open', 'in-progress']);
    if (match.cause !== undefined) query = query.where('cause', match.cause);
    if (match.decisionSequence !== undefined) {
      query = query.where('decision_sequence', match.decisionSequence);
    }
    const open = await query;
    for (const row of open) {
      await DatabaseWorkStore.setStatus(tx, row, close);
    }
    return open.length;
  }

  private static async setStatus(
    tx: Knex,
    row: WorkItemRow,
    change: { status: WorkItemStatus; by: string; note?: string; at: Date },
  ): Promise<WorkItem | undefined> {
    const updated = await tx(TABLE)
      .where({ id: row.id, revision: row.revision })
      .update({
        status: change.status,
        status_by: change.by,
        status_at: change.at,
        status_note: change.note ?? null,
        revision: Number(row.revision) + 1,
      });
    if (updated !== 1) return undefined;
    const after = toWorkItem({
      ...row,
      status: change.status,
      status_by: change.by,
      status_at: change.at,
      status_note: change.note ?? null,
      revision: Number(row.revision) + 1,
    });
    await appendAuditEntry(tx, {
      entityRef: row.entity_ref,
      actor: change.by,
      action: 'work:status',
      before: { id: after.id, key: after.key, status: row.status },
      after: {
        id: after.id,
        key: after.key,
        status: after.status,
        statusNote: after.statusNote,
        revision: after.revision,
      },
      at: change.at,
    });
    return after;
  }

  async listWorkItems(entityRef: string): Promise<WorkItem[]> {
    const rows = await this.db<WorkItemRow>(TABLE)
      .where({ entity_ref: entityRef })
      .orderBy('id');
    return rows.map(toWorkItem);
  }

  async getWorkItem(
    entityRef: string,
    id: number,
  ): Promise<WorkItem | undefined> {
    const row = await this.db<WorkItemRow>(TABLE)
      .where({ entity_ref: entityRef, id })
      .first();
    return row ? toWorkItem(row) : undefined;
  }

  /**
   * A person's status change, if the item is still at the revision they saw:
   * `stale` when it moved on, undefined when there is no such item.
   */
  async updateWorkStatus(
    entityRef: string,
    id: number,
    change: {
      status: WorkItemStatus;
      expectedRevision: number;
      note?: string;
      by: string;
    },
  ): Promise<WorkItem | 'stale' | undefined> {
    return this.db.transaction(async tx => {
      const row = await tx<WorkItemRow>(TABLE)
        .where({ entity_ref: entityRef, id })
        .first();
      if (!row) return undefined;
      if (Number(row.revision) !== change.expectedRevision) return 'stale';
      const at = new Date();
      const after = await DatabaseWorkStore.setStatus(tx, row, {
        ...change,
        at,
      });
      if (!after) return 'stale';
      await writeCapabilityState(tx, entityRef, at, this.policy);
      return after;
    });
  }

  /** Open work items of one source, for the entities that have any. */
  async openWork(source: WorkItemSource, limit: number): Promise<WorkItem[]> {
    const rows = await this.db<WorkItemRow>(TABLE)
      .where({ source })
      .whereIn('status', ['open', 'in-progress'])
      .orderBy('id')
      .limit(limit);
    return rows.map(toWorkItem);
  }

  /** Closes the open harden items of an entity whose requirement is now met. */
  async closeMetRequirements(
    entityRef: string,
    met: string[],
    at: Date = new Date(),
  ): Promise<number> {
    if (met.length === 0) return 0;
    return this.db.transaction(async tx => {
      let closed = 0;
      for (const cause of met) {
        closed += await DatabaseWorkStore.closeWhere(
          tx,
          entityRef,
          { source: 'harden', cause },
          {
            status: 'done',
            by: 'plugin:handoff',
            note: 'The requirement is met now.',
            at,
          },
        );
      }
      if (closed) await writeCapabilityState(tx, entityRef, at, this.policy);
      return closed;
    });
  }

  /**
   * Claims up to `limit` items whose latest revision has not reached the
   * tracker, with a lease: another replica's worker skips them until it
   * runs out.
   */
  async claimDeliveries(options: {
    claimId: string;
    now: Date;
    leaseMs: number;
    limit: number;
    tracker: string;
  }): Promise<ClaimedWorkItem[]> {
    const { now, claimId } = options;
    const due = (q: Knex.QueryBuilder) =>
      q
        .whereRaw('delivered_revision < revision')
        .andWhere(w =>
          w
            .whereNull('delivery_next_at')
            .orWhere('delivery_next_at', '<=', now),
        )
        .andWhere(w =>
          w
            .whereNull('delivery_lease_until')
            .orWhere('delivery_lease_until', '<=', now),
        );
    const ids = await due(this.db(TABLE).select('id'))
      .orderBy('id')
      .limit(options.limit)
      .pluck('id');
    if (ids.length === 0) return [];
    // The lease is taken row by row, each only if still free: two workers
    // that read the same ids claim each item once between them.
    await due(this.db(TABLE).whereIn('id', ids)).update({
      delivery_claim: claimId,
      delivery_lease_until: new Date(now.getTime() + options.leaseMs),
      tracker: options.tracker,
    });
    const rows = await this.db<WorkItemRow>(TABLE)
      .whereIn('id', ids)
      .where({ delivery_claim: claimId })
      .orderBy('id');
    return rows.map(row => ({ ...toWorkItem(row), claimId }));
  }

  /** The tracker has the item at `revision`: records its ticket. */
  async workDelivered(
    item: ClaimedWorkItem,
    ticket: FiledTicket,
  ): Promise<boolean> {
    const now = new Date();
    return this.db.transaction(async tx => {
      const before = await tx<WorkItemRow>(TABLE)
        .where({ id: item.id, delivery_claim: item.claimId })
        .first();
      if (!before) return false;
      await tx(TABLE)
        .where({ id: item.id, delivery_claim: item.claimId })
        .update({
          delivered_revision: Math.max(
            Number(before.delivered_revision),
            item.revision,
          ),
          tracker: ticket.tracker,
          ticket_id: ticket.id,
          ticket_url: ticket.url,
          delivery_attempts: 0,
          delivery_error: null,
          delivery_next_at: null,
          delivery_claim: null,
          delivery_lease_until: null,
        });
      if (before.ticket_url !== ticket.url) {
        await appendAuditEntry(tx, {
          entityRef: item.entityRef,
          actor: `plugin:handoff/${ticket.tracker}`,
          action: 'work:ticket',
          before: before.ticket_url
            ? { id: item.id, ticket: before.ticket_url }
            : undefined,
          after: { id: item.id, key: item.key, ticket: ticket.url },
          at: now,
        });
      }
      return true;
    });
  }

  /** The tracker refused or was away: the item waits for `nextAt`. */
  async workDeliveryFailed(
    item: ClaimedWorkItem,
    failure: { error: string; nextAt: Date },
  ): Promise<void> {
    await this.db(TABLE)
      .where({ id: item.id, delivery_claim: item.claimId })
      .update({
        delivery_error: failure.error.slice(0, 1000),
        delivery_next_at: failure.nextAt,
        delivery_attempts: this.db.raw('delivery_attempts + 1'),
        delivery_claim: null,
        delivery_lease_until: null,
      });
  }

  /** The work item a tracker's ticket was filed for. */
  async itemByTicket(
    tracker: string,
    ticketId: string,
  ): Promise<WorkItem | undefined> {
    const row = await this.db<WorkItemRow>(TABLE)
      .where({ tracker, ticket_id: ticketId })
      .first();
    return row ? toWorkItem(row) : undefined;
  }

  /** Filed tickets of open items, the least lately read first. */
  async ticketsToRead(limit: number): Promise<WorkItem[]> {
    const rows = await this.db<WorkItemRow>(TABLE)
      .whereNotNull('ticket_id')
      .whereIn('status', ['open', 'in-progress'])
      .whereRaw('delivered_revision >= revision')
      .orderByRaw('ticket_read_at is not null, ticket_read_at')
      .limit(limit);
    return rows.map(toWorkItem);
  }

  /**
   * What the tracker says of a ticket: a ticket closed there closes the
   * item, unless the item changed since it was read.
   */
  async applyTicketState(
    item: WorkItem,
    read: {
      status?: WorkItemStatus;
      by: string;
      note: string;
      /** Who the tracker has it assigned to. */
      assignee?: string;
    },
  ): Promise<WorkItem | undefined> {
    const now = new Date();
    return this.db.transaction(async tx => {
      const row = await tx<WorkItemRow>(TABLE)
        .where({ id: item.id, revision: item.revision })
        .first();
      if (!row) return undefined;
      await tx(TABLE)
        .where({ id: item.id })
        .update({
          ticket_read_at: now,
          ticket_assignee: read.assignee?.slice(0, 256) ?? null,
        });
      if (!read.status || read.status === row.status) return undefined;
      const after = await DatabaseWorkStore.setStatus(tx, row, {
        status: read.status,
        by: read.by,
        note: read.note,
        at: now,
      });
      if (after) {
        // The change came from the tracker: nothing to send back.
        await tx(TABLE)
          .where({ id: item.id })
          .update({ delivered_revision: after.revision });
        await writeCapabilityState(tx, item.entityRef, now, this.policy);
      }
      return after;
    });
  }
}
