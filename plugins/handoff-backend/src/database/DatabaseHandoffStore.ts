import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import {
  SpecVersion,
  SpecVersionSummary,
  Stage,
} from '@handoff/backstage-plugin-handoff-common';
import {
  DecisionRecord,
  HandoffStore,
  NewDecision,
  SpecRead,
  SpecReadStatus,
} from './HandoffStore';

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
  created_at: Date | string;
};

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
      created_at: new Date(),
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
        return toRecord(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        return false;
      }
      throw error;
    }
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
