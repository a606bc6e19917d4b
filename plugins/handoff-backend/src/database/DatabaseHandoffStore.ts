import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import {
  ApprovalResponse,
  AuditEntry,
  CheckResultResponse,
  SpecVersion,
  SpecVersionSummary,
  Stage,
  TransferResponse,
} from '@handoff/backstage-plugin-handoff-common';
import {
  DecisionRecord,
  HandoffStore,
  NewDecision,
  SpecRead,
  SpecReadStatus,
} from './HandoffStore';
import {
  rebuildCapabilityStates,
  writeCapabilityState,
} from './capabilityState';

const migrationsDir = resolvePackagePath(
  '@handoff/backstage-plugin-handoff-backend',
  'migrations',
);

type DecisionRow = {
  entity_ref: string;
  sequence: number;
  decision: string;
  from_stage: string | null;
  to_stage: string;
  actor: string;
  rationale: string;
  next_review_at: Date | string | null;
  spec_version?: number | null;
  gate?: string | null;
  exception_justification?: string | null;
  created_at: Date | string;
};

const json = (value: unknown) =>
  value === undefined ? null : JSON.stringify(value);
const unjson = (value: string | null | undefined) =>
  value ? JSON.parse(value) : undefined;

type SpecVersionRow = {
  entity_ref: string;
  version: number;
  content_hash: string;
  content: string;
  document: string | null;
  valid: boolean | number;
  errors: string;
  source_location: string;
  entity_state: string;
  first_seen_at: Date | string;
  last_seen_at: Date | string;
};

const summaryColumns = [
  'entity_ref',
  'version',
  'content_hash',
  'valid',
  'errors',
  'source_location',
  'first_seen_at',
  'last_seen_at',
];

function toSpecSummary(
  row: Omit<SpecVersionRow, 'content' | 'document' | 'entity_state'>,
): SpecVersionSummary {
  return {
    entityRef: row.entity_ref,
    version: Number(row.version),
    contentHash: row.content_hash,
    valid: Boolean(row.valid),
    errorCount: JSON.parse(row.errors).length,
    sourceLocation: row.source_location,
    firstSeenAt: toIso(row.first_seen_at),
    lastSeenAt: toIso(row.last_seen_at),
  };
}

function toSpecVersion(row: SpecVersionRow): SpecVersion {
  return {
    ...toSpecSummary(row),
    content: row.content,
    document: row.document ? JSON.parse(row.document) : undefined,
    errors: JSON.parse(row.errors),
    entityState: JSON.parse(row.entity_state),
  };
}

function toIso(value: Date | string): string {
  // SQLite hands timestamps back as strings or epoch numbers, PostgreSQL as Dates.
  return new Date(value).toISOString();
}

function toRecord(row: DecisionRow): DecisionRecord {
  return {
    entityRef: row.entity_ref,
    sequence: Number(row.sequence),
    decision: row.decision,
    fromStage: (row.from_stage ?? undefined) as Stage | undefined,
    toStage: row.to_stage as Stage,
    actor: row.actor,
    rationale: row.rationale,
    nextReviewAt: row.next_review_at ? toIso(row.next_review_at) : undefined,
    specVersion: row.spec_version ?? undefined,
    gate: unjson(row.gate),
    exceptionJustification: row.exception_justification ?? undefined,
    createdAt: toIso(row.created_at),
  };
}

function toTransfer(row: any): TransferResponse {
  return {
    entityRef: row.entity_ref,
    decisionSequence: Number(row.decision_sequence),
    toOwner: row.to_owner,
    status: row.status,
    acceptedBy: row.accepted_by ?? undefined,
    acceptedAt: row.accepted_at ? toIso(row.accepted_at) : undefined,
    createdAt: toIso(row.created_at),
  };
}

function toCheck(row: any): CheckResultResponse {
  return {
    id: Number(row.id),
    entityRef: row.entity_ref,
    name: row.name,
    kind: row.kind,
    status: row.status,
    value: row.value ?? undefined,
    details: row.details ?? undefined,
    link: row.link ?? undefined,
    reporter: row.reporter,
    createdAt: toIso(row.created_at),
  };
}

function toApproval(row: any): ApprovalResponse {
  return {
    entityRef: row.entity_ref,
    decisionSequence: Number(row.decision_sequence),
    decision: row.decision,
    role: row.role,
    approver: row.approver,
    comment: row.comment ?? undefined,
    createdAt: toIso(row.created_at),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' || // PostgreSQL
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

/** The knex implementation of {@link HandoffStore}, for SQLite and PostgreSQL. */
export class DatabaseHandoffStore implements HandoffStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseHandoffStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await DatabaseHandoffStore.migrate(client);
    }
    // Data recorded before the audit existed gets its audit state once.
    const state = await client('handoff_capability_state').first('entity_ref');
    if (!state) await rebuildCapabilityStates(client);
    return new DatabaseHandoffStore(client);
  }

  static async migrate(client: Knex): Promise<void> {
    await client.migrate.latest({ directory: migrationsDir });
  }

  private constructor(private readonly db: Knex) {}

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
        await writeCapabilityState(tx, decision.entityRef, now);
        return record;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        return false;
      }
      throw error;
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
    await tx('handoff_audit_log').insert({
      entity_ref: entityRef,
      actor,
      action,
      before: json(before),
      after: json(after),
      created_at: now,
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
      if (isUniqueViolation(error)) return false;
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
      await writeCapabilityState(tx, entityRef, now);
      return after;
    });
  }

  async addCheckResult(check: Omit<CheckResultResponse, 'id' | 'createdAt'>) {
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
      await writeCapabilityState(tx, check.entityRef, now);
      return record;
    });
  }

  async latestChecks(entityRef: string) {
    const rows = await this.db('handoff_check_results as c')
      .where('c.entity_ref', entityRef)
      .where(
        'c.id',
        this.db('handoff_check_results as l')
          .max('l.id')
          .where('l.entity_ref', this.db.ref('c.entity_ref'))
          .andWhere('l.name', this.db.ref('c.name')),
      )
      .orderBy('c.name')
      .select('c.*');
    return rows.map(toCheck);
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
    const rows = await q;
    return rows.map(
      (row: any): AuditEntry => ({
        id: Number(row.id),
        entityRef: row.entity_ref,
        actor: row.actor,
        action: row.action,
        before: unjson(row.before),
        after: unjson(row.after),
        createdAt: toIso(row.created_at),
      }),
    );
  }

  async overdueDecisions(now: Date) {
    const rows = await this.db<DecisionRow>('handoff_decisions as d')
      .where(
        'd.sequence',
        this.db('handoff_decisions as l')
          .max('l.sequence')
          .where('l.entity_ref', this.db.ref('d.entity_ref')),
      )
      .where('d.next_review_at', '<', now)
      .select('d.*');
    return rows.map(toRecord);
  }

  async undecidedSpecs() {
    const rows = await this.db('handoff_spec_versions as v')
      .whereNotExists(
        this.db('handoff_decisions as d')
          .where('d.entity_ref', this.db.ref('v.entity_ref'))
          .select('d.id'),
      )
      .where(
        'v.version',
        this.db('handoff_spec_versions as l')
          .max('l.version')
          .where('l.entity_ref', this.db.ref('v.entity_ref')),
      )
      .select('v.entity_ref', 'v.document')
      .select(
        this.db('handoff_spec_versions as f')
          .min('f.first_seen_at')
          .where('f.entity_ref', this.db.ref('v.entity_ref'))
          .as('first_seen'),
      );
    return rows.map((row: any) => ({
      entityRef: row.entity_ref,
      firstSeenAt: toIso(row.first_seen),
      document: unjson(row.document),
    }));
  }

  async claimReminder(
    entityRef: string,
    dueAt: Date,
    claim: { claimId: string; now: Date; leaseMs: number },
  ) {
    const key = { entity_ref: entityRef, due_at: dueAt };
    // Creates the row if this period was never claimed; a conflict is no error.
    await this.db('handoff_review_reminders')
      .insert({
        ...key,
        sent_at: claim.now,
        claim_id: claim.claimId,
        delivered: false,
      })
      .onConflict(['entity_ref', 'due_at'])
      .ignore();
    // Takes the claim if it is ours or its lease has run out; one statement,
    // so two replicas cannot both take it.
    const taken = await this.db('handoff_review_reminders')
      .where(key)
      .where('delivered', false)
      .where(q =>
        q
          .where('claim_id', claim.claimId)
          .orWhere(
            'sent_at',
            '<',
            new Date(claim.now.getTime() - claim.leaseMs),
          ),
      )
      .update({ claim_id: claim.claimId, sent_at: claim.now });
    return taken === 1;
  }

  async reminderSent(entityRef: string, dueAt: Date, claimId: string) {
    await this.db('handoff_review_reminders')
      .where({ entity_ref: entityRef, due_at: dueAt, claim_id: claimId })
      .update({ delivered: true });
  }

  async releaseReminder(entityRef: string, dueAt: Date, claimId: string) {
    await this.db('handoff_review_reminders')
      .where({
        entity_ref: entityRef,
        due_at: dueAt,
        claim_id: claimId,
        delivered: false,
      })
      .update({ sent_at: new Date(0) });
  }

  async recordSpec(read: SpecRead, now: Date = new Date()) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction(async tx => {
          const latest = await tx<SpecVersionRow>('handoff_spec_versions')
            .where({ entity_ref: read.entityRef })
            .orderBy('version', 'desc')
            .first();
          if (latest && latest.content_hash === read.contentHash) {
            await tx('handoff_spec_versions')
              .where({ entity_ref: read.entityRef, version: latest.version })
              .update({ last_seen_at: now });
            return {
              version: toSpecVersion({ ...latest, last_seen_at: now }),
              created: false,
            };
          }
          const row: SpecVersionRow = {
            entity_ref: read.entityRef,
            version: (latest ? Number(latest.version) : 0) + 1,
            content_hash: read.contentHash,
            content: read.content,
            document: read.document ? JSON.stringify(read.document) : null,
            valid: read.valid,
            errors: JSON.stringify(read.errors),
            source_location: read.sourceLocation,
            entity_state: JSON.stringify(read.entityState),
            first_seen_at: now,
            last_seen_at: now,
          };
          await tx('handoff_spec_versions').insert(row);
          await writeCapabilityState(tx, read.entityRef, now);
          return { version: toSpecVersion(row), created: true };
        });
      } catch (error) {
        // Another replica stored the same read at the same moment: read again.
        if (!isUniqueViolation(error) || attempt >= 3) {
          throw error;
        }
      }
    }
  }

  async recordReadStatus(status: SpecReadStatus) {
    await this.db('handoff_spec_reads')
      .insert({
        entity_ref: status.entityRef,
        source_location: status.sourceLocation ?? null,
        read_error: status.readError ?? null,
        read_at: new Date(status.readAt),
      })
      .onConflict('entity_ref')
      .merge();
  }

  async getReadStatus(entityRef: string) {
    const row = await this.db('handoff_spec_reads')
      .where({ entity_ref: entityRef })
      .first();
    if (!row) return undefined;
    return {
      entityRef: row.entity_ref,
      sourceLocation: row.source_location ?? undefined,
      readError: row.read_error ?? undefined,
      readAt: toIso(row.read_at),
    };
  }

  async latestSpec(entityRef: string) {
    const row = await this.db<SpecVersionRow>('handoff_spec_versions')
      .where({ entity_ref: entityRef })
      .orderBy('version', 'desc')
      .first();
    return row ? toSpecVersion(row) : undefined;
  }

  async listSpecVersions(entityRef: string) {
    const rows: SpecVersionRow[] = await this.db('handoff_spec_versions')
      .where({ entity_ref: entityRef })
      .orderBy('version', 'desc')
      .select(summaryColumns);
    return rows.map(row => toSpecSummary(row));
  }

  async getSpecVersion(entityRef: string, version: number) {
    const row = await this.db<SpecVersionRow>('handoff_spec_versions')
      .where({ entity_ref: entityRef, version })
      .first();
    return row ? toSpecVersion(row) : undefined;
  }
}
