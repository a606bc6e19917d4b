import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_HANDOFF_SPEC,
  ANNOTATION_HANDOFF_STAGE,
} from '@handoff/backstage-plugin-handoff-common';
import {
  DatabaseProjectionStore,
  ProjectedEntity,
} from '../database/ProjectionStore';

/** The kinds an audit looks at: what can be a capability. */
const AUDITED_KINDS = ['component', 'system', 'resource', 'api', 'domain'];

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
 * with its cursor (memory stays flat), owners resolve when the ownedBy target
 * is a Group or User the catalog has, and entities the pass did not see are removed.
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

  /** The refs of every Group and User: the owners that resolve. */
  private async knownOwners(): Promise<Set<string>> {
    const owners = new Set<string>();
    for await (const items of this.pages({ kind: ['group', 'user'] }, [
      'kind',
      'metadata.name',
      'metadata.namespace',
    ])) {
      for (const e of items) owners.add(stringifyEntityRef(e));
    }
    return owners;
  }

  private project(entity: Entity, owners: Set<string>): ProjectedEntity {
    const ownerRef = entity.relations?.find(
      r => r.type === RELATION_OWNED_BY,
    )?.targetRef;
    const annotations = entity.metadata.annotations ?? {};
    const spec = (entity.spec ?? {}) as { type?: unknown; lifecycle?: unknown };
    return {
      entityRef: stringifyEntityRef(entity),
      kind: entity.kind.toLocaleLowerCase('en-US'),
      type: typeof spec.type === 'string' ? spec.type : undefined,
      lifecycle:
        typeof spec.lifecycle === 'string' ? spec.lifecycle : undefined,
      title: entity.metadata.title,
      ownerRef,
      ownerResolves: Boolean(ownerRef && owners.has(ownerRef)),
      specLocation: annotations[ANNOTATION_HANDOFF_SPEC],
      registeredStage: annotations[ANNOTATION_HANDOFF_STAGE],
    };
  }

  /** A full pass over the catalog. */
  async syncAll(): Promise<{ synced: number; removed: number }> {
    const passStart = new Date();
    const owners = await this.knownOwners();
    let synced = 0;
    for await (const items of this.pages({ kind: AUDITED_KINDS }, FIELDS)) {
      await this.deps.store.upsert(
        items.map(e => this.project(e, owners)),
        passStart,
      );
      synced += items.length;
    }
    const removed = await this.deps.store.removeUnseen(passStart);
    this.deps.logger.info(
      `Synced ${synced} catalog entities into the audit projection, removed ${removed}`,
    );
    return { synced, removed };
  }

  /** Brings one entity up to date (or removes it when the catalog no longer has it). */
  async refreshEntity(entityRef: string): Promise<void> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const entity = await this.deps.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      await this.deps.store.remove(entityRef);
      return;
    }
    const ownerRef = entity.relations?.find(
      r => r.type === RELATION_OWNED_BY,
    )?.targetRef;
    const owner = ownerRef
      ? await this.deps.catalog.getEntityByRef(ownerRef, { credentials })
      : undefined;
    const owners = new Set(owner && ownerRef ? [ownerRef] : []);
    await this.deps.store.upsert([this.project(entity, owners)], new Date());
  }
}
