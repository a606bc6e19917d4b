/*
 * The audit's ownership question answered a second way, without its
 * projection: page the catalog through its API and look each page's review
 * dates up in Handoff's own state table. The benchmark times both answers;
 * the cross-check (auditCrossCheck.crosscheck.ts, in the test command)
 * asserts they name the same entities.
 */
import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_HANDOFF_SPEC,
  ANNOTATION_HANDOFF_STAGE,
  AUDITED_KINDS,
  PortfolioScope,
  portfolioQuerySchema,
} from '@handoff/backstage-plugin-handoff-common';
import { PortfolioAudit } from '@handoff/backstage-plugin-handoff-backend/testUtils';
import { Knex } from 'knex';

const lowerRef = (e: Entity) =>
  stringifyEntityRef(e).toLocaleLowerCase('en-US');

/** Why the catalog path counts an entity: what the catalog and Handoff hold for it. */
export type ReferenceEntry = {
  capability: boolean;
  owner?: string;
  ownerInCatalog: boolean;
  overdue: boolean;
};

/**
 * "Which entities have an owner missing from the catalog or an overdue
 * review", as the audit promises it in each scope: `capabilities` counts
 * entities with a handoff spec (the annotation, or a spec version Handoff
 * holds), `all` counts every audited kind for its owner and capabilities for
 * their review. A review is overdue when its date is before `now` and the
 * capability is not stopped. Owners resolve through the `ownedBy` relation,
 * never by comparing `spec.owner` text.
 */
export async function answerThroughCatalogApi(
  catalog: CatalogService,
  auth: AuthService,
  handoffKnex: Knex,
  now: Date,
  scope: PortfolioScope = 'capabilities',
): Promise<Map<string, ReferenceEntry>> {
  const credentials = await auth.getOwnServiceCredentials();
  async function* pages(kind: string[], fields: string[]) {
    let cursor: string | undefined;
    do {
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit: 500, fields }
          : { filter: { kind }, limit: 500, fields },
        { credentials },
      );
      yield page.items;
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
  }
  const owners = new Set<string>();
  for await (const items of pages(
    ['group', 'user'],
    ['kind', 'metadata.name', 'metadata.namespace'],
  )) {
    for (const e of items) owners.add(lowerRef(e));
  }
  const found = new Map<string, ReferenceEntry>();
  for await (const items of pages(
    [...AUDITED_KINDS],
    [
      'kind',
      'metadata.name',
      'metadata.namespace',
      'metadata.annotations',
      'relations',
    ],
  )) {
    const refs = items.map(lowerRef);
    const states = new Map<
      string,
      {
        next_review_at: unknown;
        decided_stage: string | null;
        spec_version: number | null;
      }
    >();
    const rows = await handoffKnex('handoff_capability_state')
      .whereIn('entity_ref', refs)
      .select('entity_ref', 'next_review_at', 'decided_stage', 'spec_version');
    for (const row of rows) states.set(row.entity_ref, row);
    items.forEach((entity, i) => {
      const state = states.get(refs[i]);
      const annotations = entity.metadata.annotations ?? {};
      const capability =
        annotations[ANNOTATION_HANDOFF_SPEC] !== undefined ||
        (state?.spec_version ?? null) !== null;
      if (scope === 'capabilities' && !capability) return;
      const owner = entity.relations
        ?.find(r => r.type === RELATION_OWNED_BY)
        ?.targetRef.toLocaleLowerCase('en-US');
      const ownerInCatalog = owner !== undefined && owners.has(owner);
      const stage =
        state?.decided_stage ??
        annotations[ANNOTATION_HANDOFF_STAGE] ??
        'proposed';
      const overdue =
        capability &&
        state?.next_review_at !== undefined &&
        state.next_review_at !== null &&
        new Date(state.next_review_at as string).getTime() < now.getTime() &&
        stage !== 'stopped';
      if (!ownerInCatalog || overdue) {
        found.set(refs[i], { capability, owner, ownerInCatalog, overdue });
      }
    });
  }
  return found;
}

/** The audit's question, as the audit page asks it. */
export const auditQuestion = (scope: PortfolioScope) =>
  portfolioQuerySchema.parse({
    gap: 'owner-unresolved,overdue',
    sort: 'nextReview',
    scope,
  });

/**
 * The refs only one side counts, each with what the catalog path and the
 * audit's projection hold for it: empty when both answers agree entity by entity.
 */
export async function compareWithAudit(
  audit: PortfolioAudit,
  reference: Map<string, ReferenceEntry>,
  scope: PortfolioScope,
  handoffKnex: Knex,
) {
  const counted = new Set<string>();
  const question = auditQuestion(scope);
  for await (const rows of audit.allRows(question)) {
    for (const row of rows) counted.add(row.entityRef);
  }
  const { totalCount } = await audit.page(question);
  const onlyCatalog = [...reference.keys()].filter(r => !counted.has(r));
  const onlyAudit = [...counted].filter(r => !reference.has(r));
  const differences = [];
  for (const ref of [...onlyCatalog, ...onlyAudit].slice(0, 20)) {
    const row = await handoffKnex('handoff_entities')
      .where('entity_ref', ref)
      .first(
        'owner_ref',
        'owner_resolves',
        'stage',
        'next_review_at',
        'spec_location',
        'spec_version',
      );
    differences.push({
      ref,
      countedBy: reference.has(ref) ? 'catalog API only' : 'audit only',
      catalog: reference.get(ref) ?? 'not counted',
      projection: row ?? 'not in the projection',
    });
  }
  return {
    auditCount: counted.size,
    auditTotal: totalCount,
    catalogCount: reference.size,
    onlyCatalog: onlyCatalog.length,
    onlyAudit: onlyAudit.length,
    differences,
  };
}
