import { Knex } from 'knex';
import { ProjectedEntity } from '../database/ProjectionStore';

type Row = ProjectedEntity & { ownerResolves: boolean };

function toProjected(row: any): Row {
  return {
    entityRef: row.entity_ref,
    kind: row.kind,
    type: row.type ?? undefined,
    lifecycle: row.lifecycle ?? undefined,
    title: row.title ?? undefined,
    ownerRef: row.owner_ref ?? undefined,
    ownerResolves: Boolean(row.owner_resolves),
    parentRef: row.parent_ref ?? undefined,
    specLocation: row.spec_location ?? undefined,
    registeredStage: row.registered_stage ?? undefined,
  };
}

/** Reads the projection table back, for tests. */
export function projectionRows(db: Knex) {
  return {
    async get(entityRef: string): Promise<Row | undefined> {
      const row = await db('handoff_entities')
        .where('entity_ref', entityRef)
        .first();
      return row ? toProjected(row) : undefined;
    },
    /** Every projected entity except Groups and Users. */
    async list(): Promise<Row[]> {
      const rows = await db('handoff_entities')
        .whereNotIn('kind', ['group', 'user'])
        .orderBy('entity_ref');
      return rows.map(toProjected);
    },
  };
}
