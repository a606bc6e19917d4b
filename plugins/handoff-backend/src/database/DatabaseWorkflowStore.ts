import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import {
  ApprovalResponse,
  CheckResultResponse,
  DEFAULT_GATE_POLICY,
  FlowHistory,
  GatePolicy,
} from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { writeCapabilityState } from './capabilityState';
import { readFlowHistories } from './flowEvents';
import { DatabaseWorkStore, NewWorkItem } from './DatabaseWorkStore';
import { DecisionRecord, NewDecision, WorkflowStore } from './HandoffStore';
import {
  AuditRow,
  CheckRow,
  appendAuditEntry,
  DecisionRow,
  json,
  toApproval,
  toAuditEntry,
  toCheck,
  toRecord,
  toTransfer,
  TransferRow,
} from './rows';

/**
 * Decisions, approvals, transfers, check results and the audit trail: each
 * write in one transaction with its audit-trail row and the audit's state.
 */
export class DatabaseWorkflowStore implements WorkflowStore {
  constructor(
    private readonly db: Knex,
    private readonly policy: GatePolicy = DEFAULT_GATE_POLICY,
  ) {}

  async latestDecision(entityRef: string) {
    const row = await this.db<DecisionRow>('handoff_decisions')
      .where({ entity_ref: entityRef })
      .orderBy('sequence', 'desc')
      .first();
    return row ? toRecord(row) : undefined;
  }

  async latestDecisions(entityRefs: string[]) {
    const result = new Map<string, DecisionRecord>();
    if (entityRefs.length === 0) {
      return result;
    }
    const rows = await this.db<DecisionRow>('handoff_decisions as d')
      .whereIn('d.entity_ref', entityRefs)
      .where(
        'd.sequence',
        this.db('handoff_decisions as l')
          .max('l.sequence')
          .where('l.entity_ref', this.db.ref('d.entity_ref')),
      )
      .select('d.*');
    for (const row of rows) {
      result.set(row.entity_ref, toRecord(row));
    }
    return result;
  }

  async listDecisions(entityRef: string) {
    const rows = await this.db<DecisionRow>('handoff_decisions')
      .where({ entity_ref: entityRef })
      .orderBy('sequence', 'asc');
    return rows.map(toRecord);
  }

  async flowHistories(): Promise<FlowHistory[]> {
    return readFlowHistories(this.db);
  }

  async appendDecision(decision: NewDecision) {
    const now = new Date();
    const row = {
      entity_ref: decision.entityRef,
      sequence: decision.expectedSequence + 1,
      decision: decision.decision,
      from_stage: decision.fromStage ?? null,
      to_stage: decision.toStage,
      actor: decision.actor,
      rationale: decision.rationale,
      next_review_at: decision.nextReviewAt
        ? new Date(decision.nextReviewAt)
        : null,
      spec_version: decision.specVersion ?? null,
      gate: json(decision.gate),
      exception_justification: decision.exceptionJustification ?? null,
      exception_expires_at: decision.exceptionExpiresAt
        ? new Date(decision.exceptionExpiresAt)
        : null,
      readout: json(decision.readout),
      created_at: now,
    };
    try {
      return await this.db.transaction(async tx => {
        const latest = await tx('handoff_decisions')
          .where({ entity_ref: decision.entityRef })
          .max('sequence as max')
          .first();
        if (Number(latest?.max ?? 0) !== decision.expectedSequence) {
          return false as const;
        }
        // The unique (entity_ref, sequence) index makes the loser of a race fail here.
        await tx('handoff_decisions').insert(row);
        const record = toRecord(row);
        await this.audit(
          tx,
          decision.entityRef,
          decision.actor,
          `decision:${decision.decision}`,
          { stage: decision.fromStage },
          record,
          now,
        );
        if (decision.decision === 'review') {
          await this.markReviewed(tx, decision.entityRef, row.sequence);
        }
        await DatabaseWorkStore.insert(
          tx,
          decision.work ?? [],
          decision.actor,
          now,
        );
        // A transfer belongs to the hand-off that created it: any later
        // decision that moves the stage cancels one still pending.
        const pending =
          decision.decision === 'review'
            ? []
            : await tx<TransferRow>('handoff_transfers').where({
                entity_ref: decision.entityRef,
                status: 'pending',
              });
        for (const open of pending) {
          await tx('handoff_transfers')
            .where({
              entity_ref: decision.entityRef,
              decision_sequence: open.decision_sequence,
            })
            .update({ status: 'cancelled' });
          await this.audit(
            tx,
            decision.entityRef,
            decision.actor,
            'transfer:cancel',
            toTransfer(open),
            toTransfer({ ...open, status: 'cancelled' }),
            now,
          );
          // The work that hand-off implied goes with it.
          for (const source of ['take-over', 'delivery'] as const) {
            await DatabaseWorkStore.closeWhere(
              tx,
              decision.entityRef,
              { source, decisionSequence: Number(open.decision_sequence) },
              {
                status: 'wont-do',
                by: decision.actor,
                note: `The hand-off was superseded by the decision to ${decision.decision}.`,
                at: now,
              },
            );
          }
        }
        if (decision.transferTo) {
          const transfer = {
            entity_ref: decision.entityRef,
            decision_sequence: row.sequence,
            to_owner: decision.transferTo,
            status: 'pending',
            created_at: now,
          };
          await tx('handoff_transfers').insert(transfer);
          await this.audit(
            tx,
            decision.entityRef,
            decision.actor,
            'transfer:create',
            undefined,
            toTransfer(transfer),
            now,
          );
        }
        await writeCapabilityState(tx, decision.entityRef, now, this.policy);
        return record;
      });
    } catch (error) {
      if (isDatabaseConflictError(error)) {
        return false;
      }
      throw error;
    }
  }

  /**
   * A failing drift or schema check opens one breach item until the check
   * passes again; a second failure while it is open adds nothing.
   */
  private async trackBreach(
    tx: Knex,
    check: Pick<
      CheckResultResponse,
      'entityRef' | 'name' | 'kind' | 'status' | 'reporter'
    >,
    breach: NewWorkItem | undefined,
    now: Date,
  ) {
    if (check.kind !== 'drift' && check.kind !== 'schema') return;
    if (check.status === 'pass') {
      await DatabaseWorkStore.closeWhere(
        tx,
        check.entityRef,
        { source: 'breach', cause: check.name },
        {
          status: 'done',
          by: check.reporter,
          note: 'The check passes again.',
          at: now,
        },
      );
      return;
    }
    if (!breach) return;
    const open = await tx('handoff_work_items')
      .where({
        entity_ref: check.entityRef,
        source: 'breach',
        cause: check.name,
      })
      .whereIn('status', ['open', 'in-progress'])
      .first('id');
    if (!open) {
      await DatabaseWorkStore.insert(tx, [breach], check.reporter, now);
    }
  }

  /** A review judges the failing drift and schema results standing when it is recorded. */
  private async markReviewed(tx: Knex, entityRef: string, sequence: number) {
    const judged = await tx('handoff_check_results as c')
      .where('c.entity_ref', entityRef)
      .whereIn('c.kind', ['drift', 'schema'])
      .where('c.status', 'fail')
      .whereNull('c.reviewed_in')
      .where(
        'c.id',
        tx('handoff_check_results as l')
          .max('l.id')
          .where('l.entity_ref', tx.ref('c.entity_ref'))
          .andWhere('l.name', tx.ref('c.name')),
      )
      .pluck('c.id');
    if (judged.length) {
      await tx('handoff_check_results')
        .whereIn('id', judged)
        .update({ reviewed_in: sequence });
    }
  }

  private async audit(
    tx: Knex,
    entityRef: string,
    actor: string,
    action: string,
    before: unknown,
    after: unknown,
    now: Date,
  ) {
    await appendAuditEntry(tx, {
      entityRef,
      actor,
      action,
      before,
      after,
      at: now,
    });
  }

  async addApproval(approval: Omit<ApprovalResponse, 'createdAt'>) {
    const now = new Date();
    const row = {
      entity_ref: approval.entityRef,
      decision_sequence: approval.decisionSequence,
      decision: approval.decision,
      role: approval.role,
      approver: approval.approver,
      role_ref: approval.roleRef ?? null,
      spec_version: approval.specVersion ?? null,
      comment: approval.comment ?? null,
      created_at: now,
    };
    try {
      return await this.db.transaction(async tx => {
        await tx('handoff_approvals').insert(row);
        const record = toApproval(row);
        await this.audit(
          tx,
          approval.entityRef,
          approval.approver,
          `approval:${approval.decision}`,
          undefined,
          record,
          now,
        );
        return record;
      });
    } catch (error) {
      if (isDatabaseConflictError(error)) return false;
      throw error;
    }
  }

  async listApprovals(entityRef: string, decisionSequence: number) {
    const rows = await this.db('handoff_approvals')
      .where({ entity_ref: entityRef, decision_sequence: decisionSequence })
      .orderBy('id');
    return rows.map(toApproval);
  }

  async latestTransfer(entityRef: string) {
    const row = await this.db('handoff_transfers')
      .where({ entity_ref: entityRef })
      .orderBy('decision_sequence', 'desc')
      .first();
    return row ? toTransfer(row) : undefined;
  }

  /**
   * Every capability run by the owner it was handed off to: in handed-off or
   * operating, its latest hand-off accepted.
   */
  async acceptedOperatingOwners(): Promise<
    Array<{ entityRef: string; operatingOwner: string }>
  > {
    const rows: Array<{ entity_ref: string; to_owner: string }> = await this.db(
      'handoff_transfers as t',
    )
      .join(
        'handoff_capability_state as s',
        's.entity_ref',
        this.db.raw('LOWER(t.entity_ref)'),
      )
      .where('t.status', 'accepted')
      .whereIn('s.decided_stage', ['handed-off', 'operating'])
      .where(
        't.decision_sequence',
        this.db('handoff_transfers as l')
          .max('l.decision_sequence')
          .where('l.entity_ref', this.db.ref('t.entity_ref')),
      )
      .select('t.entity_ref', 't.to_owner');
    return rows.map(r => ({
      entityRef: r.entity_ref,
      operatingOwner: r.to_owner,
    }));
  }

  async acceptTransfer(
    entityRef: string,
    decisionSequence: number,
    acceptedBy: string,
  ) {
    const now = new Date();
    return this.db.transaction(async tx => {
      const before = await tx('handoff_transfers')
        .where({
          entity_ref: entityRef,
          decision_sequence: decisionSequence,
          status: 'pending',
        })
        .first();
      if (!before) return false as const;
      const updated = await tx('handoff_transfers')
        .where({
          entity_ref: entityRef,
          decision_sequence: decisionSequence,
          status: 'pending',
        })
        .update({
          status: 'accepted',
          accepted_by: acceptedBy,
          accepted_at: now,
        });
      if (updated !== 1) return false as const;
      const after = toTransfer({
        ...before,
        status: 'accepted',
        accepted_by: acceptedBy,
        accepted_at: now,
      });
      await this.audit(
        tx,
        entityRef,
        acceptedBy,
        'transfer:accept',
        toTransfer(before),
        after,
        now,
      );
      await DatabaseWorkStore.closeWhere(
        tx,
        entityRef,
        { source: 'take-over', decisionSequence },
        {
          status: 'done',
          by: acceptedBy,
          note: 'The hand-off was accepted.',
          at: now,
        },
      );
      await writeCapabilityState(tx, entityRef, now, this.policy);
      return after;
    });
  }

  async addCheckResult(
    check: Omit<CheckResultResponse, 'id' | 'createdAt' | 'manual'>,
    breach?: NewWorkItem,
  ) {
    const now = new Date();
    return this.db.transaction(async tx => {
      const row = {
        entity_ref: check.entityRef,
        name: check.name,
        kind: check.kind,
        status: check.status,
        value: check.value ?? null,
        details: check.details ?? null,
        link: check.link ?? null,
        reporter: check.reporter,
        created_at: now,
      };
      const [inserted] = await tx('handoff_check_results').insert(row, ['id']);
      const id = typeof inserted === 'object' ? inserted.id : inserted;
      const record = toCheck({ ...row, id });
      await this.audit(
        tx,
        check.entityRef,
        check.reporter,
        `check:${check.status}`,
        undefined,
        record,
        now,
      );
      await this.trackBreach(
        tx,
        check,
        breach && { ...breach, key: `${breach.key}:${record.id}` },
        now,
      );
      await writeCapabilityState(tx, check.entityRef, now, this.policy);
      return record;
    });
  }

  async latestChecks(entityRef: string) {
    return (await this.latestChecksOf([entityRef])).get(entityRef) ?? [];
  }

  async latestChecksOf(entityRefs: string[]) {
    const result = new Map<string, CheckResultResponse[]>();
    if (entityRefs.length === 0) return result;
    const rows: CheckRow[] = await this.db('handoff_check_results as c')
      .whereIn('c.entity_ref', entityRefs)
      .where(
        'c.id',
        this.db('handoff_check_results as l')
          .max('l.id')
          .where('l.entity_ref', this.db.ref('c.entity_ref'))
          .andWhere('l.name', this.db.ref('c.name')),
      )
      .orderBy('c.name')
      .select('c.*');
    for (const row of rows) {
      const list = result.get(row.entity_ref) ?? [];
      list.push(toCheck(row));
      result.set(row.entity_ref, list);
    }
    return result;
  }

  async listChecks(entityRef: string, limit: number) {
    const rows = await this.db('handoff_check_results')
      .where({ entity_ref: entityRef })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(toCheck);
  }

  async listAudit(query: {
    entityRef?: string;
    limit: number;
    before?: number;
  }) {
    let q = this.db('handoff_audit_log')
      .orderBy('id', 'desc')
      .limit(query.limit);
    if (query.entityRef) q = q.where({ entity_ref: query.entityRef });
    if (query.before) q = q.where('id', '<', query.before);
    const rows: AuditRow[] = await q;
    return rows.map(toAuditEntry);
  }
}
