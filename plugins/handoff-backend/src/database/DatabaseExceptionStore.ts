import {
  DEFAULT_GATE_POLICY,
  ExceptionStatus,
  GatePolicy,
  HandoffException,
} from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { writeCapabilityState } from './capabilityState';
import { appendAuditEntry, toIso } from './rows';

type ExceptionRow = {
  id: number | string;
  entity_ref: string;
  requirement: string;
  requirement_description: string;
  justification: string;
  until: string;
  status: string;
  requested_by: string;
  requested_at: Date | string;
  answered_by: string | null;
  answered_at: Date | string | null;
  answer_note: string | null;
  revoked_by: string | null;
  revoked_at: Date | string | null;
  revoke_note: string | null;
};

const TABLE = 'handoff_exceptions';

const today = (now: Date) => now.toISOString().slice(0, 10);

function toException(row: ExceptionRow, now: Date): HandoffException {
  const expired = row.status === 'granted' && row.until < today(now);
  return {
    id: Number(row.id),
    entityRef: row.entity_ref,
    requirement: row.requirement,
    requirementDescription: row.requirement_description,
    justification: row.justification,
    until: row.until,
    status: expired ? 'expired' : (row.status as ExceptionStatus),
    requestedBy: row.requested_by,
    requestedAt: toIso(row.requested_at),
    answeredBy: row.answered_by ?? undefined,
    answeredAt: row.answered_at ? toIso(row.answered_at) : undefined,
    answerNote: row.answer_note ?? undefined,
    revokedBy: row.revoked_by ?? undefined,
    revokedAt: row.revoked_at ? toIso(row.revoked_at) : undefined,
    revokeNote: row.revoke_note ?? undefined,
  };
}

/** A new exception request, as the service checked it. */
export type NewException = Pick<
  HandoffException,
  | 'entityRef'
  | 'requirement'
  | 'requirementDescription'
  | 'justification'
  | 'until'
  | 'requestedBy'
>;

/**
 * Exception requests and their answers. Each change is one transaction with
 * its audit-trail row and the capability's audit state; a change to a request
 * that is no longer in the state the caller saw resolves false.
 */
export class DatabaseExceptionStore {
  constructor(
    private readonly db: Knex,
    private readonly policy: GatePolicy = DEFAULT_GATE_POLICY,
  ) {}

  /** Every request for the capability, newest first. */
  async listExceptions(
    entityRef: string,
    now = new Date(),
  ): Promise<HandoffException[]> {
    const rows: ExceptionRow[] = await this.db(TABLE)
      .where({ entity_ref: entityRef })
      .orderBy('id', 'desc');
    return rows.map(r => toException(r, now));
  }

  /** The capability's requests waiting to be answered or in force. */
  async openExceptions(
    entityRef: string,
    now = new Date(),
  ): Promise<HandoffException[]> {
    return (await this.listExceptions(entityRef, now)).filter(
      e => e.status === 'pending' || e.status === 'granted',
    );
  }

  async getException(
    entityRef: string,
    id: number,
    now = new Date(),
  ): Promise<HandoffException | undefined> {
    const row: ExceptionRow | undefined = await this.db(TABLE)
      .where({ entity_ref: entityRef, id })
      .first();
    return row && toException(row, now);
  }

  /** Catalog-wide, newest first, for the audit: by status, a page at a time. */
  async listAllExceptions(
    query: { status?: ExceptionStatus; limit: number; before?: number },
    now = new Date(),
  ): Promise<HandoffException[]> {
    const q = this.db(TABLE).orderBy('id', 'desc').limit(query.limit);
    if (query.before) q.where('id', '<', query.before);
    if (query.status === 'expired') {
      q.where('status', 'granted').where('until', '<', today(now));
    } else if (query.status === 'granted') {
      q.where('status', 'granted').where('until', '>=', today(now));
    } else if (query.status) {
      q.where('status', query.status);
    }
    const rows: ExceptionRow[] = await q;
    return rows.map(r => toException(r, now));
  }

  /**
   * Stores a pending request; resolves false, storing nothing, when the
   * requirement already has one pending or in force for the capability.
   */
  async requestException(
    request: NewException,
    now = new Date(),
  ): Promise<HandoffException | false> {
    const openKey = `${request.entityRef}\n${request.requirement}`;
    return this.db.transaction(async tx => {
      // An exception that expired no longer holds its requirement's place.
      await tx(TABLE)
        .where({ open_key: openKey, status: 'granted' })
        .where('until', '<', today(now))
        .update({ open_key: null });
      const taken = await tx(TABLE).where({ open_key: openKey }).first('id');
      if (taken) return false;
      let id: number;
      try {
        // In a savepoint: PostgreSQL ends a transaction an error interrupts.
        const [inserted] = await tx.transaction(sp =>
          sp(TABLE)
            .insert({
              entity_ref: request.entityRef,
              requirement: request.requirement,
              requirement_description: request.requirementDescription,
              justification: request.justification,
              until: request.until,
              status: 'pending',
              requested_by: request.requestedBy,
              requested_at: now,
              open_key: openKey,
            })
            .returning('id'),
        );
        id = Number(typeof inserted === 'object' ? inserted.id : inserted);
      } catch (error) {
        // Another replica's request for the same requirement won the race.
        if (/unique|duplicate/i.test((error as Error).message)) return false;
        throw error;
      }
      const stored = toException(await tx(TABLE).where({ id }).first(), now);
      await appendAuditEntry(tx, {
        entityRef: request.entityRef,
        actor: request.requestedBy,
        action: 'exception-request',
        after: stored,
        at: now,
      });
      await writeCapabilityState(tx, request.entityRef, now, this.policy);
      return stored;
    });
  }

  /** Grants or denies a pending request; false when it is not pending any more. */
  async answerException(
    entityRef: string,
    id: number,
    answer: { granted: boolean; by: string; note: string },
    now = new Date(),
  ): Promise<HandoffException | false> {
    return this.change(entityRef, id, now, 'exception-answer', q =>
      q.where('status', 'pending').update({
        status: answer.granted ? 'granted' : 'denied',
        answered_by: answer.by,
        answered_at: now,
        answer_note: answer.note,
        ...(!answer.granted && { open_key: null }),
      }),
    );
  }

  /** Revokes a pending or standing request; false when it ended already. */
  async revokeException(
    entityRef: string,
    id: number,
    revoke: { by: string; note: string },
    now = new Date(),
  ): Promise<HandoffException | false> {
    return this.change(entityRef, id, now, 'exception-revoke', q =>
      q
        .where(w =>
          w
            .where('status', 'pending')
            .orWhere(g =>
              g.where('status', 'granted').where('until', '>=', today(now)),
            ),
        )
        .update({
          status: 'revoked',
          revoked_by: revoke.by,
          revoked_at: now,
          revoke_note: revoke.note,
          open_key: null,
        }),
    );
  }

  private async change(
    entityRef: string,
    id: number,
    now: Date,
    action: string,
    update: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
  ): Promise<HandoffException | false> {
    return this.db.transaction(async tx => {
      const before = await tx(TABLE)
        .where({ entity_ref: entityRef, id })
        .first();
      if (!before) return false;
      const changed = await update(
        tx(TABLE).where({ entity_ref: entityRef, id }),
      );
      if (!changed) return false;
      const after = toException(await tx(TABLE).where({ id }).first(), now);
      await appendAuditEntry(tx, {
        entityRef,
        actor: after.revokedBy ?? after.answeredBy ?? '',
        action,
        before: toException(before, now),
        after,
        at: now,
      });
      await writeCapabilityState(tx, entityRef, now, this.policy);
      return after;
    });
  }
}
