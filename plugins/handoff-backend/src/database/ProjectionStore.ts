import { DatabaseService } from '@backstage/backend-plugin-api';
import { PortfolioSyncStatus } from '@handoff/backstage-plugin-handoff-common';
import { Knex } from 'knex';
import { copyStateToProjection, resolveOwners } from './auditColumns';

/** One catalog entity as the audit needs it; refs are lower case. */
export type ProjectedEntity = {
  entityRef: string;
  kind: string;
  type?: string;
  lifecycle?: string;
  title?: string;
  ownerRef?: string;
  /** For groups: the parent group. */
  parentRef?: string;
  specLocation?: string;
  registeredStage?: string;
  /** The `handoff.dev/next-review` date it was registered with. */
  registeredNextReview?: Date;
  /** The catalog's etag of the entity as projected. */
  catalogEtag?: string;
};

/** The latest full sync of the projection: running, or how it ended. */
export type SyncStatus = NonNullable<PortfolioSyncStatus['latest']>;

/** The catalog projection the audit reads. */
export interface ProjectionStore {
  /**
   * Inserts or updates a page of entities seen by the sync pass of `syncedAt`,
   * with their handoff state and whether their owners resolve.
   */
  upsert(entities: ProjectedEntity[], syncedAt: Date): Promise<void>;
  /** Removes entities the pass that started at `syncedAt` did not see. */
  removeUnseen(syncedAt: Date): Promise<number>;
  /** The catalog etags the entities were last projected with. */
  etags(entityRefs: string[]): Promise<Map<string, string>>;
  syncStatus(): Promise<SyncStatus | undefined>;
  /**
   * Claims the full sync for the pass starting at `startedAt`: it takes the
   * place of the latest one if that one ended or made no progress since
   * `staleBefore` (it died with its replica or its database), and resolves to
   * false if one is still running. One sync at a time across replicas.
   */
  claimSync(startedAt: Date, staleBefore: Date): Promise<boolean>;
  /** Records the progress or end of the claimed full sync of `startedAt` (nothing if another took its place). */
  recordSync(status: {
    startedAt: Date;
    synced: number;
    finishedAt?: Date;
    removed?: number;
    error?: string;
  }): Promise<void>;
}

/** The projection's full sync in handoff_sync_status. */
const FULL_SYNC = 'projection';

/**
 * The knex {@link ProjectionStore}; its table is created by the plugin's migrations.
 *
 * @public
 */
export class DatabaseProjectionStore implements ProjectionStore {
  static async create(options: { database: DatabaseService }) {
    return new DatabaseProjectionStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  /**
   * Inserts or updates a page of entities seen by the sync pass of `syncedAt`,
   * with their handoff state and whether their owners resolve.
   */
  async upsert(entities: ProjectedEntity[], syncedAt: Date): Promise<void> {
    if (entities.length === 0) return;
    const rows = entities.map(e => ({
      entity_ref: e.entityRef,
      kind: e.kind,
      type: e.type ?? null,
      lifecycle: e.lifecycle ?? null,
      title: e.title ?? null,
      owner_ref: e.ownerRef ?? null,
      parent_ref: e.parentRef ?? null,
      spec_location: e.specLocation ?? null,
      registered_stage: e.registeredStage ?? null,
      registered_next_review: e.registeredNextReview ?? null,
      catalog_etag: e.catalogEtag ?? null,
      // Entities with handoff state get theirs from copyStateToProjection below.
      stage: e.registeredStage ?? 'proposed',
      search_text: `${e.entityRef} ${e.title ?? ''}`.toLocaleLowerCase('en-US'),
      synced_at: syncedAt,
    }));
    const refs = rows.map(r => r.entity_ref);
    // The row, its handoff state and its owners are written in one
    // transaction: no reader (and no crash half-way) ever sees the registration
    // default in place of a decided stage.
    await this.db.transaction(async tx => {
      // Batches keep each statement under SQLite's variable limit.
      for (let i = 0; i < rows.length; i += 50) {
        await tx('handoff_entities')
          .insert(rows.slice(i, i + 50))
          .onConflict('entity_ref')
          .merge(Object.keys(rows[0]));
      }
      await copyStateToProjection(tx, refs);
      await resolveOwners(tx, {
        entities: refs,
        owners: rows
          .filter(r => r.kind === 'group' || r.kind === 'user')
          .map(r => r.entity_ref),
      });
    });
  }

  /** Removes entities the pass that started at `syncedAt` did not see: they left the catalog. */
  async removeUnseen(syncedAt: Date): Promise<number> {
    const removed = await this.db('handoff_entities')
      .where('synced_at', '<', syncedAt)
      .delete();
    // Owners may have gone or come: settle every entity once per pass.
    await resolveOwners(this.db);
    // Fresh statistics let the query planner pick the right index for each filter.
    await this.db.raw('ANALYZE handoff_entities');
    return removed;
  }

  async etags(entityRefs: string[]) {
    const result = new Map<string, string>();
    for (let i = 0; i < entityRefs.length; i += 500) {
      const rows = await this.db('handoff_entities')
        .whereIn('entity_ref', entityRefs.slice(i, i + 500))
        .whereNotNull('catalog_etag')
        .select('entity_ref', 'catalog_etag');
      for (const row of rows) result.set(row.entity_ref, row.catalog_etag);
    }
    return result;
  }

  async syncStatus(): Promise<SyncStatus | undefined> {
    const row = await this.db('handoff_sync_status')
      .where({ pass: FULL_SYNC })
      .first();
    // The placeholder a first claim starts from is no sync.
    if (!row || new Date(row.started_at).getTime() === 0) return undefined;
    const iso = (v: unknown) => new Date(v as string).toISOString();
    return {
      startedAt: iso(row.started_at),
      updatedAt: iso(row.updated_at),
      ...(row.finished_at && { finishedAt: iso(row.finished_at) }),
      synced: Number(row.synced),
      ...(row.removed !== null && { removed: Number(row.removed) }),
      ...(row.error && { error: row.error }),
    };
  }

  async claimSync(startedAt: Date, staleBefore: Date): Promise<boolean> {
    // A row to claim, ended long ago, the first time.
    await this.db('handoff_sync_status')
      .insert({
        pass: FULL_SYNC,
        started_at: new Date(0),
        updated_at: new Date(0),
        finished_at: new Date(0),
        synced: 0,
      })
      .onConflict('pass')
      .ignore();
    const claimed = await this.db('handoff_sync_status')
      .where({ pass: FULL_SYNC })
      .andWhere(q =>
        q.whereNotNull('finished_at').orWhere('updated_at', '<', staleBefore),
      )
      .update({
        started_at: startedAt,
        updated_at: new Date(),
        finished_at: null,
        synced: 0,
        removed: null,
        error: null,
      });
    return claimed === 1;
  }

  async recordSync(status: {
    startedAt: Date;
    synced: number;
    finishedAt?: Date;
    removed?: number;
    error?: string;
  }) {
    await this.db('handoff_sync_status')
      .where({ pass: FULL_SYNC, started_at: status.startedAt })
      .update({
        updated_at: new Date(),
        finished_at: status.finishedAt ?? null,
        synced: status.synced,
        removed: status.removed ?? null,
        error: status.error?.slice(0, 2000) ?? null,
      });
  }
}
