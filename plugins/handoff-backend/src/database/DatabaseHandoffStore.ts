import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { Stage } from '@handoff/backstage-plugin-handoff-common';
import { DecisionRecord, HandoffStore, NewDecision } from './HandoffStore';

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
}
