import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** One catalog entity as the audit needs it. */
export type ProjectedEntity = {
  entityRef: string;
  kind: string;
  type?: string;
  lifecycle?: string;
  title?: string;
  ownerRef?: string;
  ownerResolves: boolean;
  specLocation?: string;
  registeredStage?: string;
};

/** The catalog projection; its table is created by the plugin's migrations. */
export class DatabaseProjectionStore {
  static async create(options: { database: DatabaseService }) {
    return new DatabaseProjectionStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  /** Inserts or updates a page of entities seen by the sync pass of `syncedAt`. */
  async upsert(entities: ProjectedEntity[], syncedAt: Date): Promise<void> {
    if (entities.length === 0) return;
    const rows = entities.map(e => ({
      entity_ref: e.entityRef,
      kind: e.kind,
      type: e.type ?? null,
      lifecycle: e.lifecycle ?? null,
      title: e.title ?? null,
      owner_ref: e.ownerRef ?? null,
      owner_resolves: e.ownerResolves,
      spec_location: e.specLocation ?? null,
      registered_stage: e.registeredStage ?? null,
      synced_at: syncedAt,
    }));
    // Batches keep each statement under SQLite's variable limit.
    for (let i = 0; i < rows.length; i += 50) {
      await this.db('handoff_entities')
        .insert(rows.slice(i, i + 50))
        .onConflict('entity_ref')
        .merge();
    }
  }

  /** Removes entities the pass that started at `syncedAt` did not see: they left the catalog. */
  async removeUnseen(syncedAt: Date): Promise<number> {
    return this.db('handoff_entities')
      .where('synced_at', '<', syncedAt)
      .delete();
  }

  async remove(entityRef: string): Promise<void> {
    await this.db('handoff_entities').where({ entity_ref: entityRef }).delete();
  }

  async get(entityRef: string): Promise<ProjectedEntity | undefined> {
    const row = await this.db('handoff_entities')
      .where({ entity_ref: entityRef })
      .first();
    return row ? toProjected(row) : undefined;
  }

  async list(): Promise<ProjectedEntity[]> {
    const rows = await this.db('handoff_entities').orderBy('entity_ref');
    return rows.map(toProjected);
  }
}

function toProjected(row: any): ProjectedEntity {
  return {
    entityRef: row.entity_ref,
    kind: row.kind,
    type: row.type ?? undefined,
    lifecycle: row.lifecycle ?? undefined,
    title: row.title ?? undefined,
    ownerRef: row.owner_ref ?? undefined,
    ownerResolves: Boolean(row.owner_resolves),
    specLocation: row.spec_location ?? undefined,
    registeredStage: row.registered_stage ?? undefined,
  };
}
