import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_CHILD_OF,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_HANDOFF_SPEC,
  ANNOTATION_HANDOFF_NEXT_REVIEW,
  ANNOTATION_HANDOFF_STAGE,
  registeredReviewDate,
  AUDITED_KINDS,
  isStage,
} from '@handoff/backstage-plugin-handoff-common';
import { ProjectionStore, ProjectedEntity } from '../database/ProjectionStore';

/**
 * Catalog strings as the audit tables can hold them on every database: no NUL
 * characters (PostgreSQL refuses them) and cut to the column's length.
 */
function text(value: string, max: number): string {
  const clean = value.replace(/\0/g, '');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** The kinds an owner can be. */
const OWNER_KINDS = ['group', 'user'];

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.etag',
  'metadata.annotations',
  'spec.type',
  'spec.lifecycle',
  'spec.profile.displayName',
  'relations',
];

/** What the delta pass compares, without reading whole entities. */
const DELTA_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.etag',
];

/**
 * Keeps the catalog projection in sync: a full pass pages through the catalog
 * with its cursor (memory stays flat: one page at a time), and entities the
 * pass did not see are removed. Refs are stored in lower case, as the catalog
 * compares them.
 *
 * @public
 */
export class EntityProjection {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      store: ProjectionStore;
      logger: LoggerService;
      pageSize?: number;
    },
  ) {}

  private async *pages(
    filter: Record<string, string[]>,
    fields: string[],
    pageSize?: number,
  ) {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const limit = pageSize ?? this.deps.pageSize ?? 500;
    let cursor: string | undefined;
    do {
      const page = await this.deps.catalog.queryEntities(
        cursor ? { cursor, limit, fields } : { filter, limit, fields },
        { credentials },
      );
      yield page.items;
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
  }

  private project(entity: Entity): ProjectedEntity {
    const lower = (ref?: string) =>
      ref === undefined ? undefined : text(ref.toLocaleLowerCase('en-US'), 512);
    const relation = (type: string) =>
      lower(entity.relations?.find(r => r.type === type)?.targetRef);
    const annotations = entity.metadata.annotations ?? {};
    const spec = (entity.spec ?? {}) as {
      type?: unknown;
      lifecycle?: unknown;
      profile?: { displayName?: unknown };
    };
    const stage = annotations[ANNOTATION_HANDOFF_STAGE];
    // Groups and users are shown by their display name.
    const title = entity.metadata.title ?? spec.profile?.displayName;
    return {
      entityRef: lower(stringifyEntityRef(entity))!,
      kind: text(entity.kind.toLocaleLowerCase('en-US'), 64),
      type: typeof spec.type === 'string' ? text(spec.type, 128) : undefined,
      lifecycle:
        typeof spec.lifecycle === 'string'
          ? text(spec.lifecycle, 128)
          : undefined,
      title: typeof title === 'string' ? text(title, 1000) : undefined,
      ownerRef: relation(RELATION_OWNED_BY),
      parentRef: relation(RELATION_CHILD_OF),
      specLocation:
        annotations[ANNOTATION_HANDOFF_SPEC] === undefined
          ? undefined
          : text(annotations[ANNOTATION_HANDOFF_SPEC], 2000),
      registeredStage: isStage(stage) ? stage : undefined,
      registeredNextReview: registeredReviewDate(
        undefined,
        annotations[ANNOTATION_HANDOFF_NEXT_REVIEW],
      ),
      catalogEtag:
        typeof entity.metadata.etag === 'string'
          ? text(entity.metadata.etag, 128)
          : undefined,
    };
  }

  /**
   * Claims the full sync, unless one is running (on any replica) and made
   * progress within `staleAfterMs`: resolves to the claimed pass's start, to
   * run with {@link EntityProjection.syncAll}, or undefined.
   */
  async claimSync(staleAfterMs: number): Promise<Date | undefined> {
    const startedAt = new Date();
    const claimed = await this.deps.store.claimSync(
      startedAt,
      new Date(startedAt.getTime() - staleAfterMs),
    );
    return claimed ? startedAt : undefined;
  }

  /**
   * A full pass over the catalog: Groups and Users (the owners an audit
   * resolves against), then every entity that can be a capability. Runs the
   * pass `claimed` (see {@link EntityProjection.claimSync}), or claims one
   * whatever is running.
   */
  async syncAll(
    signal?: AbortSignal,
    claimed?: Date,
  ): Promise<{ synced: number; removed: number; failed: number }> {
    const { store, logger } = this.deps;
    let passStart = claimed;
    if (!passStart) {
      passStart = new Date();
      // The latest date there is: it takes the place of any sync.
      await store.claimSync(passStart, new Date(8.64e15));
    }
    let synced = 0;
    let failed = 0;
    try {
      for (const kinds of [OWNER_KINDS, [...AUDITED_KINDS]]) {
        for await (const items of this.pages({ kind: kinds }, FIELDS)) {
          if (signal?.aborted) {
            // An unfinished pass must not remove what it did not reach.
            logger.warn(
              'Audit projection sync stopped early: the task was cancelled',
            );
            await store.recordSync({
              startedAt: passStart,
              synced,
              finishedAt: new Date(),
              error: 'Stopped before the end; the next sync starts again',
            });
            return { synced, removed: 0, failed };
          }
          const bad = await this.upsertPage(items, passStart);
          failed += bad;
          if (kinds !== OWNER_KINDS) synced += items.length - bad;
          await store.recordSync({ startedAt: passStart, synced });
        }
      }
      const removed = await store.removeUnseen(passStart);
      await store.recordSync({
        startedAt: passStart,
        synced,
        removed,
        finishedAt: new Date(),
      });
      logger.info(
        `Synced ${synced} catalog entities into the audit projection, removed ${removed}, ${failed} failed`,
      );
      return { synced, removed, failed };
    } catch (error) {
      // Said as soon as it can be: the database may be what failed, and
      // until the sync is recorded as failed no new one can start.
      this.recordFailure({
        startedAt: passStart,
        synced,
        finishedAt: new Date(),
        error: `It stopped before the end: ${(error as Error).message}`,
      });
      throw error;
    }
  }

  /** Records a failed sync, trying again every 2 s for two minutes while the database is away. */
  private recordFailure(
    status: Parameters<ProjectionStore['recordSync']>[0],
    attempt = 0,
  ) {
    this.deps.store.recordSync(status).catch(() => {
      if (attempt >= 60) return;
      setTimeout(() => this.recordFailure(status, attempt + 1), 2000).unref();
    });
  }

  /**
   * Between full passes: lists every audited entity's ref and catalog etag
   * (no whole entities) and projects those that are new or changed, so a
   * new owner or a renamed group reaches the audit within one short
   * interval. Entities that left the catalog are removed by the full pass.
   * Stops when `signal` aborts or after `budgetMs`.
   */
  async syncChanged(
    signal?: AbortSignal,
    options: { budgetMs?: number } = {},
  ): Promise<{ synced: number; finished: boolean }> {
    const { catalog, auth, store } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const deadline = Date.now() + (options.budgetMs ?? Infinity);
    let synced = 0;
    for (const kinds of [OWNER_KINDS, [...AUDITED_KINDS]]) {
      for await (const listed of this.pages(
        { kind: kinds },
        DELTA_FIELDS,
        1000,
      )) {
        if (signal?.aborted || (synced > 0 && Date.now() >= deadline)) {
          return { synced, finished: false };
        }
        const refs = listed.map(e =>
          stringifyEntityRef(e).toLocaleLowerCase('en-US'),
        );
        const known = await store.etags(refs);
        const changed = listed
          .filter((e, i) => known.get(refs[i]) !== e.metadata.etag)
          .map(e => stringifyEntityRef(e));
        for (let i = 0; i < changed.length; i += 200) {
          const { items } = await catalog.getEntitiesByRefs(
            { entityRefs: changed.slice(i, i + 200), fields: FIELDS },
            { credentials },
          );
          const found = items.filter((e): e is Entity => Boolean(e));
          synced += found.length - (await this.upsertPage(found, new Date()));
        }
      }
    }
    if (synced) {
      this.deps.logger.info(
        `Brought ${synced} changed catalog entities into the audit projection`,
      );
    }
    return { synced, finished: true };
  }

  /**
   * Upserts a page; if the page fails, each entity on its own, so one bad
   * entity is one failed entity (logged), never a failed pass.
   */
  private async upsertPage(items: Entity[], syncedAt: Date) {
    try {
      await this.deps.store.upsert(
        items.map(e => this.project(e)),
        syncedAt,
      );
      return 0;
    } catch {
      let bad = 0;
      for (const entity of items) {
        try {
          await this.deps.store.upsert([this.project(entity)], syncedAt);
        } catch (error) {
          bad += 1;
          this.deps.logger.warn(
            `Could not project ${stringifyEntityRef(entity)} into the audit: ${
              (error as Error).message
            }`,
          );
        }
      }
      return bad;
    }
  }

  /**
   * Brings one entity up to date from the copy the caller already read in
   * full (while reading its spec, or recording a decision): no catalog call.
   */
  async projectEntity(entity: Entity): Promise<void> {
    await this.deps.store.upsert([this.project(entity)], new Date());
  }
}
