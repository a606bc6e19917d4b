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
  ANNOTATION_HANDOFF_STAGE,
  AUDITED_KINDS,
  isStage,
} from '@handoff/backstage-plugin-handoff-common';
import {
  DatabaseProjectionStore,
  ProjectedEntity,
} from '../database/ProjectionStore';

/** The kinds an owner can be. */
const OWNER_KINDS = ['group', 'user'];

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'spec.type',
  'spec.lifecycle',
  'relations',
];

/**
 * Keeps the catalog projection in sync: a full pass pages through the catalog
 * with its cursor (memory stays flat: one page at a time), and entities the
 * pass did not see are removed. Refs are stored in lower case, as the catalog
 * compares them.
 */
export class EntityProjection {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      store: DatabaseProjectionStore;
      logger: LoggerService;
      pageSize?: number;
    },
  ) {}

  private async *pages(filter: Record<string, string[]>, fields: string[]) {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const limit = this.deps.pageSize ?? 500;
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
    const lower = (ref?: string) => ref?.toLocaleLowerCase('en-US');
    const relation = (type: string) =>
      lower(entity.relations?.find(r => r.type === type)?.targetRef);
    const annotations = entity.metadata.annotations ?? {};
    const spec = (entity.spec ?? {}) as { type?: unknown; lifecycle?: unknown };
    const stage = annotations[ANNOTATION_HANDOFF_STAGE];
    return {
      entityRef: lower(stringifyEntityRef(entity))!,
      kind: entity.kind.toLocaleLowerCase('en-US'),
      type: typeof spec.type === 'string' ? spec.type : undefined,
      lifecycle:
        typeof spec.lifecycle === 'string' ? spec.lifecycle : undefined,
      title: entity.metadata.title,
      ownerRef: relation(RELATION_OWNED_BY),
      parentRef: relation(RELATION_CHILD_OF),
      specLocation: annotations[ANNOTATION_HANDOFF_SPEC],
      registeredStage: isStage(stage) ? stage : undefined,
    };
  }

  /**
   * A full pass over the catalog: Groups and Users (the owners an audit
   * resolves against), then every entity that can be a capability.
   */
  async syncAll(): Promise<{ synced: number; removed: number }> {
    const passStart = new Date();
    let synced = 0;
    for (const kinds of [OWNER_KINDS, [...AUDITED_KINDS]]) {
      for await (const items of this.pages({ kind: kinds }, FIELDS)) {
        await this.deps.store.upsert(
          items.map(e => this.project(e)),
          passStart,
        );
        if (kinds !== OWNER_KINDS) synced += items.length;
      }
    }
    const removed = await this.deps.store.removeUnseen(passStart);
    this.deps.logger.info(
      `Synced ${synced} catalog entities into the audit projection, removed ${removed}`,
    );
    return { synced, removed };
  }

  /**
   * Brings one entity up to date from the copy the caller already read in
   * full (while reading its spec, or recording a decision): no catalog call.
   */
  async projectEntity(entity: Entity): Promise<void> {
    await this.deps.store.upsert([this.project(entity)], new Date());
  }
}
